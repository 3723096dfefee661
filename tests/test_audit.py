"""Tamper evidence (issue 13): the event log's hash chain, `pemilih audit verify`, and the
access log of every view and download of personal data (`pemilih audit`, the admin page)."""
from __future__ import annotations

import json
import re
import shutil
import threading
from types import SimpleNamespace

import pytest
from test_events_legacy import FIXTURE, USE_POSTGRES, copy_store

from pemilih.cli import main

from webcoklit import AGREEMENT, ROWS, agree, receive

pytestmark = pytest.mark.postgres
ZERO = "0" * 64


@pytest.fixture
def cli(store_location, monkeypatch, capsys):
    """run(*argv) -> (exit code, stdout) of `pemilih` on the test's workspace."""
    monkeypatch.setenv("DATABASE_URL", store_location[1])

    def run(*argv):
        code = main([*argv, "--workspace", str(store_location[0])])
        out = capsys.readouterr()
        return code, out.out + out.err
    return run


@pytest.fixture
def filled(workspace, maker):
    """Six voters received, an agreement recorded, one voter corrected by a change event."""
    from pemilih.store import changes, events
    receive(workspace, maker)
    agree(workspace)
    from pemilih.store.models import Voter
    voter = Voter.objects.filter(key="dpt.csv::4").values().get()
    changes.record(events.REVIEW_ACCEPTED, [changes.set_value(voter, "nama", "YOHANES PATIKU")],
                   actor="Rina", agency="DPML", reason="Sesuai KK")
    return workspace


def _raw(*statements):
    from django.db import connection
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _unguard_events():
    """Drop the append-only guards of store_event, as someone with the database file would."""
    from django.db import connection
    if connection.vendor == "sqlite":
        _raw("DROP TRIGGER store_event_no_update", "DROP TRIGGER store_event_no_delete")
    else:
        _raw("DROP TRIGGER store_event_append_only ON store_event")


def _log():
    from pemilih.store.models import Event
    return list(Event.objects.order_by("seq").values("seq", "kind", "prev_hash", "hash"))


# --- the chain --------------------------------------------------------------------------------

def test_appending_events_builds_a_chain_from_the_zero_hash(filled):
    log = _log()
    assert len(log) >= 3
    assert log[0]["prev_hash"] == ZERO
    for before, after in zip(log, log[1:]):
        assert after["prev_hash"] == before["hash"]
    hashes = [e["hash"] for e in log]
    assert all(re.fullmatch("[0-9a-f]{64}", h) for h in hashes) and len(set(hashes)) == len(hashes)


def test_a_clean_workspace_verifies(filled, cli):
    code, out = cli("audit", "verify")
    assert code == 0, out
    assert "UTUH: rantai hash" in out and "sama dengan hasil pemutaran ulang" in out and "RUSAK" not in out
    code, out = cli("audit", "verify", "--json")
    report = json.loads(out)
    assert code == 0 and report["utuh"] is True and report["rantai"]["peristiwa"] == len(_log())
    assert report["rantai"]["hash_terakhir"] == _log()[-1]["hash"]
    assert report["daftar"]["pemilih"] == len(ROWS)


def test_an_edited_payload_breaks_the_chain_at_that_event(filled, cli):
    from pemilih.store.models import Event
    agreement = Event.objects.get(kind="agreement-recorded").seq
    _unguard_events()
    # The purpose of the agreement rewritten in the stored JSON (SQLite text, PostgreSQL jsonb).
    from django.db import connection
    if connection.vendor == "sqlite":
        _raw(f"UPDATE store_event SET payload = replace(payload, 'Coklit Pilkalem', 'Apa saja') WHERE seq = {agreement}")
    else:
        _raw("UPDATE store_event SET payload = jsonb_set(payload, '{purpose}', '\"Apa saja\"') "
             f"WHERE seq = {agreement}")
    assert Event.objects.get(seq=agreement).payload["purpose"] == "Apa saja"
    code, out = cli("audit", "verify")
    assert code == 1
    assert f"peristiwa #{agreement} [isi-diubah]" in out and out.count("[isi-diubah]") == 1
    report = json.loads(cli("audit", "verify", "--json")[1])
    assert report["utuh"] is False and [b["seq"] for b in report["rantai"]["kerusakan"]] == [agreement]


def test_an_edited_actor_breaks_the_chain_too(filled, cli):
    first = _log()[0]["seq"]
    _unguard_events()
    _raw(f"UPDATE store_event SET actor = 'Orang lain' WHERE seq = {first}")
    code, out = cli("audit", "verify")
    assert code == 1 and f"peristiwa #{first} [isi-diubah]" in out


def test_a_deleted_event_breaks_the_link_of_the_next(filled, cli):
    log = _log()
    middle, after = log[1]["seq"], log[2]["seq"]
    assert log[1]["kind"] == "agreement-recorded"  # changes nothing in the list: only the chain tells
    _unguard_events()
    _raw(f"DELETE FROM store_event WHERE seq = {middle}")
    code, out = cli("audit", "verify")
    assert code == 1
    assert f"peristiwa #{after} [mata-rantai-putus]" in out and f"bukan #{log[0]['seq']}" in out


def test_deleting_the_first_event_is_named(filled, cli):
    log = _log()
    _unguard_events()
    from django.db import connection
    if connection.vendor == "postgresql":
        _raw("ALTER TABLE store_event DROP CONSTRAINT IF EXISTS store_event_batch_id_fkey")
    _raw(f"DELETE FROM store_event WHERE seq = {log[0]['seq']}")
    code, out = cli("audit", "verify")
    assert code == 1 and f"peristiwa #{log[1]['seq']} [awal-salah]" in out


def test_a_tampered_current_list_row_is_found_and_left_as_found(filled, cli):
    from django.db import connection
    _raw("UPDATE store_voter SET nama = 'ORANG LAIN' WHERE \"key\" = 'dpt.csv::5'")
    _raw("DELETE FROM store_voter WHERE \"key\" = 'dpt.csv::6'")
    code, out = cli("audit", "verify")
    assert code == 1
    assert "UTUH: rantai hash" in out  # the log itself holds
    assert "isi berbeda dari log: dpt.csv::5: nama" in out
    assert "tidak ada di daftar, ada di log: dpt.csv::6" in out
    with connection.cursor() as cursor:  # checking changed nothing
        cursor.execute("SELECT nama FROM store_voter WHERE \"key\" = 'dpt.csv::5'")
        assert cursor.fetchone() == ("ORANG LAIN",)
        cursor.execute("SELECT COUNT(*) FROM store_voter")
        assert cursor.fetchone() == (len(ROWS) - 1,)


def test_concurrent_writers_do_not_fork_the_chain(filled):
    """Two threads (two connections, as a web job and a command) append at once."""
    from django.db import connections

    from pemilih.store.models import Event
    before = len(_log())
    errors = []

    def write(name):
        try:
            filled.activate()
            for i in range(8):
                Event.objects.create(kind="registry-imported", actor=name, agency="DPML", reason=f"uji {i}",
                                     payload={"batch": i, "sha256": "x", "files": [], "rows": 0, "problems": 0})
        except Exception as err:  # pragma: no cover - shown by the assert
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in ("satu", "dua")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    log = _log()
    assert len(log) == before + 16
    assert [e["prev_hash"] for e in log[1:]] == [e["hash"] for e in log[:-1]]
    from pemilih.store import audit
    assert audit.check_chain(filled).holds


def test_the_chain_migration_fills_an_unchained_log_and_keeps_the_guards(filled, cli):
    """Migration 0008's data step on a log written before it (hashes null)."""
    import importlib

    from django.apps import apps
    from django.db import DatabaseError, connection, transaction
    chained = [e["hash"] for e in _log()]
    _unguard_events()
    _raw("UPDATE store_event SET prev_hash = NULL, hash = NULL")
    code, out = cli("audit", "verify")
    assert code == 1 and "[tanpa-hash]" in out
    migration = importlib.import_module("pemilih.store.migrations.0008_event_chain")
    with transaction.atomic():
        migration.fill_chain(apps, SimpleNamespace(connection=connection))
    assert [e["hash"] for e in _log()] == chained  # the very chain the appends made
    assert cli("audit", "verify")[0] == 0
    with pytest.raises(DatabaseError), transaction.atomic():
        _raw("UPDATE store_event SET reason = 'x'")


@pytest.mark.skipif(USE_POSTGRES, reason="the fixture is a SQLite file, migrated on opening")
def test_a_workspace_written_before_the_chain_is_chained_on_opening(tmp_path, monkeypatch, capsys):
    """tests/fixtures/legacy_v1: every kind of event, no hashes; opening migrates it."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = tmp_path / "dpml"
    folder.mkdir()
    shutil.copyfile(FIXTURE / "dpml" / "pemilih.sqlite3", folder / "pemilih.sqlite3")
    assert main(["audit", "verify", "--workspace", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "UTUH: rantai hash 20 peristiwa" in out and "RUSAK" not in out
    import sqlite3
    db = sqlite3.connect(folder / "pemilih.sqlite3")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE store_event SET reason = 'x' WHERE seq = 3")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM store_event WHERE seq = 3")
    db.close()


def test_every_kind_of_legacy_event_hashes_the_same_read_back(workspace):
    """On PostgreSQL (jsonb reorders keys) as on SQLite: the legacy log's events, of every
    kind, copied in, chained by the migration's step, verify."""
    import importlib

    from django.apps import apps
    from django.db import connection, transaction

    from pemilih.store import audit
    from pemilih.store.models import Event
    Event.objects.create  # noqa: B018 - the model is loaded
    copy_store(FIXTURE / "dpml" / "pemilih.sqlite3", workspace)
    migration = importlib.import_module("pemilih.store.migrations.0008_event_chain")
    with transaction.atomic():
        migration.fill_chain(apps, SimpleNamespace(connection=connection))
    checked = audit.check_chain(workspace)
    assert checked.events == 20 and checked.holds, checked.breaks
    assert audit.check_projection(workspace).holds


# --- the access log ---------------------------------------------------------------------------

@pytest.fixture
def site(website, maker):
    receive(website.ws, maker)
    agree(website.ws)
    return website


def test_viewing_the_voter_list_is_recorded_with_its_count(site, cli):
    from pemilih.store.models import AccessLog
    assert AccessLog.objects.count() == 0
    page = site.client("dpml", username="rina").get("/pemilih/")
    assert page.status_code == 200
    [row] = AccessLog.objects.all()
    assert (row.actor, row.agency, row.channel, row.action, row.rows, row.agreement) == (
        "rina (Uji dpml)", "DPML", "web", "daftar-pemilih", len(ROWS), AGREEMENT)
    site.client("kpu", username="budi").get("/pemilih/", {"desa": "73.26.01.2002"})
    row = AccessLog.objects.order_by("-id").first()
    assert (row.actor, row.rows, row.scope, row.agreement) == ("budi (Uji kpu)", 3, {"desa": "73.26.01.2002",
                                                                                     "halaman": 1}, "")
    code, out = cli("audit")
    assert code == 0
    assert "rina (Uji dpml) (DPML, web) | daftar-pemilih | halaman 1 | 6 baris | perjanjian " + AGREEMENT in out
    assert "budi (Uji kpu) (KPU, web) | daftar-pemilih | desa 73.26.01.2002; halaman 1 | 3 baris" in out
    assert "Rantai hash log:" in out and "utuh" in out
    code, out = cli("audit", "--pengguna", "RINA")
    assert "rina" in out and "budi" not in out and "Akses data pribadi: 1 catatan" in out
    code, out = cli("audit", "--json")
    assert [a["pengguna"] for a in json.loads(out)["akses"]] == ["budi (Uji kpu)", "rina (Uji dpml)"]


def test_a_refused_view_records_nothing(website, maker):
    from pemilih.store.models import AccessLog
    receive(website.ws, maker)  # no agreement: DPML may not see the list
    assert website.client("dpml").get("/pemilih/").status_code == 403
    assert AccessLog.objects.count() == 0


def test_a_coklit_download_is_recorded_with_its_rows(site):
    from pemilih.store.models import AccessLog
    response = site.client("dpml", username="rina").post("/coklit/73.26.01.2001/unduh/")
    assert response.status_code == 200
    [row] = AccessLog.objects.all()
    assert (row.action, row.rows, row.scope["desa"], row.agreement) == ("unduh-coklit", 3, "73.26.01.2001", AGREEMENT)


def test_the_access_log_is_append_only(site):
    from django.db import DatabaseError, connection, transaction

    from pemilih.store.appendonly import AppendOnlyError
    from pemilih.store.models import AccessLog
    site.client("dpml").get("/pemilih/")
    row = AccessLog.objects.get()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE store_accesslog SET rows = 0")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM store_accesslog")


def test_the_admin_page_lists_accesses_and_checks_the_log(site):
    site.client("dpml", username="rina").get("/pemilih/")
    for role in ("kpu", "dpml", "panitia", "disdukcapil", "pemantau"):
        client = site.client(role, kode_desa="73.26.01.2001" if role == "panitia" else "")
        assert client.get("/audit/").status_code == 403, role
        assert client.post("/audit/", {"periksa": "1"}).status_code == 403, role
    admin = site.client("admin")
    page = admin.get("/audit/").content.decode()
    assert "rina (Uji dpml)" in page and "daftar-pemilih" in page and AGREEMENT in page
    checked = admin.post("/audit/", {"periksa": "1"}).content.decode()
    assert "UTUH: rantai hash" in checked and "RUSAK" not in checked
    assert "rina" not in admin.get("/audit/", {"pengguna": "budi"}).content.decode()


def test_command_line_exports_are_recorded(site, cli, tmp_path):
    from pemilih.store.models import AccessLog
    code, out = cli("share", "--out", str(tmp_path / "coklit"), "--perjanjian", AGREEMENT, "--alasan", "coklit",
                    "--oleh", "Rina", "--lembaga", "DPML")
    assert code == 0, out
    row = AccessLog.objects.get(channel="cli")
    assert (row.actor, row.agency, row.action, row.rows, row.agreement) == (
        "Rina", "DPML", "bagikan-coklit", len(ROWS), AGREEMENT)


def test_a_job_output_download_is_recorded(site):
    """The http helper may move it to POST: the decorator records on either method."""
    from pemilih.store.models import AccessLog
    from pemilih.web.models import Job
    client = site.client("dpml", username="rina")
    client.post("/coklit/semua/", {"rezim": "PILKALEM"})
    site.run_jobs()
    job = Job.objects.get()
    assert job.status == Job.DONE, job.message
    assert AccessLog.objects.count() == 0  # a job queued shows nothing yet
    [name] = job.files
    response = client.post(f"/pekerjaan/{job.pk}/unduh/{name}")
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [row] = AccessLog.objects.all()
    assert (row.action, row.rows, row.scope["berkas"], row.agreement) == (
        "unduh-hasil-pekerjaan", len(ROWS), name, AGREEMENT)
    assert row.scope["pekerjaan"].endswith(f"#{job.pk}")


def test_chain_only_skips_the_list(filled, cli):
    _raw("UPDATE store_voter SET nama = 'ORANG LAIN' WHERE \"key\" = 'dpt.csv::5'")
    code, out = cli("audit", "verify", "--rantai-saja")
    assert code == 0 and "tidak dibandingkan" in out
    assert cli("audit", "verify")[0] == 1
