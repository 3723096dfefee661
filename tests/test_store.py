"""The store's workspace, settings and append-only guards (ORM and database level)."""
from __future__ import annotations

import sqlite3

import pytest

from pemilih.contract import KPU_COLUMNS
from pemilih.store import dburl
from pemilih.store.workspace import WorkspaceError, open_workspace

GUARDED = ["store_sourcefile", "store_importbatch", "store_batchfile", "store_sourcerecord",
           "store_rowproblem", "store_event"]
ROW = {"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2, "nik": "7326014507890001",
       "nama": "NE' RANTE", "kode_desa": "73.26.01.2001", "tps": "001"}
PROBLEM = {"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2, "column": "nik",
           "code": "NIK-DOB-MISMATCH", "reason": "Tanggal lahir dalam NIK tidak cocok"}


# --- DATABASE_URL ---------------------------------------------------------------------------

def test_url_unix_socket_in_query():
    conf = dburl.parse("postgresql://pemilih@/dpt?host=/run/Postgres&port=54329&sslmode=disable")
    assert (conf["ENGINE"], conf["NAME"], conf["USER"], conf["HOST"], conf["PORT"]) == (
        "django.db.backends.postgresql", "dpt", "pemilih", "/run/Postgres", "54329")
    assert conf["OPTIONS"] == {"sslmode": "disable"}


def test_url_host_port_password_and_encoded_socket():
    conf = dburl.parse("postgres://kpu:p%40ss%3Aword@db.kantor.local:6543/pemilih")
    assert (conf["HOST"], conf["PORT"], conf["USER"], conf["PASSWORD"], conf["NAME"]) == (
        "db.kantor.local", "6543", "kpu", "p@ss:word", "pemilih")
    assert "p@ss" not in dburl.describe(conf)
    assert dburl.parse("postgresql://u@%2Fvar%2Frun%2FPG/x")["HOST"] == "/var/run/PG"
    assert dburl.parse("postgresql://u@[::1]:5433/x")["HOST"] == "::1"


def test_url_sqlite_and_refusals():
    assert dburl.parse("sqlite:////data/pemilih.sqlite3")["NAME"] == "/data/pemilih.sqlite3"
    assert dburl.parse("sqlite:///relatif/pemilih.sqlite3")["NAME"] == "relatif/pemilih.sqlite3"
    for bad in ("mysql://u@h/db", "postgresql://u@h/", "postgresql://u@h:port/db", "sqlite://"):
        with pytest.raises(dburl.DatabaseUrlError):
            dburl.parse(bad)


# --- workspace ------------------------------------------------------------------------------

def test_default_sqlite_workspace_is_created_with_wal(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    ws = open_workspace()
    assert ws.vendor == "sqlite" and ws.path.name == "pemilih-data"
    db = tmp_path / "pemilih-data" / "pemilih.sqlite3"
    assert db.exists()
    ws.close()
    with sqlite3.connect(db) as raw:  # the schema and the mode are on disk, not only in Django
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"store_event", "store_voter", "store_sourcerecord", "django_migrations"} <= tables


def test_database_url_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'lain.sqlite3'}")
    ws = open_workspace(tmp_path / "ws")
    ws.close()
    assert (tmp_path / "lain.sqlite3").exists() and not (tmp_path / "ws" / "pemilih.sqlite3").exists()


def test_unreachable_database_is_a_message_not_a_traceback(tmp_path):
    with pytest.raises(WorkspaceError, match="tidak dapat dibuka"):
        open_workspace(tmp_path, "postgresql://x@/tidakada?host=/tidak/ada&port=1")
    with pytest.raises(WorkspaceError, match="tidak dikenali"):
        open_workspace(tmp_path, "oracle://x@h/db")


@pytest.mark.postgres
def test_open_twice_is_idempotent(store_location):
    from django.db import connection

    from pemilih.store.workspace import migrate

    ws = open_workspace(*store_location)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        applied = cursor.fetchone()[0]
    ws = open_workspace(*store_location)
    assert migrate(ws) is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        assert cursor.fetchone()[0] == applied >= 2


def test_migrations_are_committed_and_complete(workspace):
    from django.core.management import call_command
    # Exits non-zero (SystemExit) when the models have changes no committed migration holds.
    call_command("makemigrations", "store", "--check", "--dry-run", verbosity=0)


def test_models_carry_every_kpu_column():
    from pemilih.store.models import SourceRecord, Voter
    for model in (SourceRecord, Voter):
        names = {f.name for f in model._meta.get_fields()}
        assert set(KPU_COLUMNS) <= names, model


# --- append-only ----------------------------------------------------------------------------

@pytest.fixture
def imported(workspace, maker):
    from pemilih.store.receive import import_result
    outcome = import_result(workspace, maker.kpu([ROW], [PROBLEM], name="dpt.csv"), actor="Ketua KPU",
                            agency="KPU", reason="DPT Pemilu 2024", legal_basis="MoU KPU-DPML 2021")
    return workspace, outcome


@pytest.mark.postgres
def test_orm_refuses_changes_to_every_append_only_model(imported):
    from pemilih.store.appendonly import AppendOnlyError
    from pemilih.store.models import BatchFile, Event, ImportBatch, RowProblem, SourceFile, SourceRecord

    for model in (SourceFile, ImportBatch, BatchFile, SourceRecord, RowProblem, Event):
        row = model.objects.first()
        assert row is not None, model
        with pytest.raises(AppendOnlyError):
            row.save()
        with pytest.raises(AppendOnlyError):
            row.delete()
        with pytest.raises(AppendOnlyError):
            model.objects.all().update(pk=row.pk)
        with pytest.raises(AppendOnlyError):
            model.objects.all().delete()
    event = Event.objects.get()
    event.reason = "ditulis ulang"
    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["reason"])
    assert Event.objects.get().reason == "DPT Pemilu 2024"


@pytest.mark.postgres
def test_database_refuses_update_and_delete_by_raw_sql(imported):
    from django.db import DatabaseError, connection, transaction

    for table in GUARDED:
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
            sql = sql.replace("id = id", "seq = seq") if table == "store_event" else sql
            with pytest.raises(DatabaseError, match="hanya boleh ditambah"):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            assert cursor.fetchone()[0] >= 1, table
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="hanya boleh ditambah"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("TRUNCATE store_event CASCADE")


@pytest.mark.postgres
def test_guards_exist_on_every_append_only_table(workspace):
    # A later migration that rebuilds a table on SQLite drops its triggers: this catches it.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal")
        found = cursor.fetchall()
    from django.apps import apps

    from pemilih.store.appendonly import AppendOnlyModel

    every = {m._meta.db_table for m in apps.get_models() if issubclass(m, AppendOnlyModel)}
    assert set(GUARDED) <= every  # and every later append-only table is guarded too
    for table in sorted(every):
        names = [name for tbl, name in found if tbl == table]
        assert len(names) == 2, (table, names)
    assert not [name for tbl, name in found if tbl == "store_voter"]


@pytest.mark.postgres
def test_inserting_new_events_is_allowed(imported):
    from pemilih.store.models import Agency, Event

    first = Event.objects.get()
    undo = Event.objects.create(kind="undo", actor="Operator DPML", agency=Agency.DPML,
                                reason="salah unggah", undoes=first)
    assert undo.seq > first.seq and list(first.undone_by.all()) == [undo]


@pytest.mark.postgres
def test_projection_table_carries_a_single_index(workspace):
    # Every index is paid for on each 200k-row load of the list (0003 drops Django's LIKE one).
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM pragma_index_list('store_voter')")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'store_voter'")
        assert len(cursor.fetchall()) == 1
