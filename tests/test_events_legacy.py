"""Events written by the release before typed events still replay, and still read.

tests/fixtures/legacy_v1 holds two workspaces made by that release (its script is
tests/fixtures/make_legacy_workspace.py): DPML's, with every step of the village cycle, and
KPU's, which applied DPML's hand-back package. expected.json holds the list each had, read by
that release: the ground truth here, not anything the code under test computes.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

USE_POSTGRES = os.environ.get("PEMILIH_TEST_DB", "sqlite").lower() in ("postgres", "postgresql")  # as conftest
pytestmark = pytest.mark.postgres

FIXTURE = Path(__file__).parent / "fixtures" / "legacy_v1"
EXPECTED = json.loads((FIXTURE / "expected.json").read_text(encoding="utf-8"))
# Kinds made after the fixture's release: no workspace it wrote can hold them.
NEWER_KINDS = {"village-resolved", "key-registered", "retention-applied", "document-settings-set", "document-issued",
               "tps-place-set", "ballots-recorded", "education-recorded",
               # equipment loans (pinjam pakai)
               "equipment-inventory-recorded", "loan-requested", "loan-agreed", "loan-handed-over", "loan-returned",
               # DP3 (issue 16)
               "dp3-lokus-designated", "dp3-cadre-registered", "dp3-cadre-corrected", "dp3-consent-withdrawn",
               "dp3-training-recorded", "dp3-activity-recorded"}
WORKSPACES = ["dpml", "kpu"]


@pytest.fixture
def open_legacy(request, tmp_path, monkeypatch):
    """open_legacy(name) -> a copy of that legacy workspace, opened: on SQLite the file itself,
    opened as a workspace (so migrated on open); on PostgreSQL its store tables copied into a
    fresh store."""
    from pemilih.store.workspace import open_workspace
    monkeypatch.delenv("DATABASE_URL", raising=False)
    opened = []

    def open_copy(name: str):
        if USE_POSTGRES:
            ws = request.getfixturevalue("workspace")
            copy_store(FIXTURE / name / "pemilih.sqlite3", ws)
            return ws
        folder = tmp_path / name
        folder.mkdir()
        shutil.copyfile(FIXTURE / name / "pemilih.sqlite3", folder / "pemilih.sqlite3")
        ws = open_workspace(folder, f"sqlite:///{folder / 'pemilih.sqlite3'}")
        opened.append(ws)
        return ws

    yield open_copy
    for ws in opened:
        ws.close()


@pytest.fixture(params=WORKSPACES)
def legacy(request, open_legacy):
    """(name, workspace) for each legacy workspace."""
    return request.param, open_legacy(request.param)


def copy_store(source: Path, ws) -> None:
    """Every store_* table of a SQLite workspace into `ws`'s (empty) store, rows as they are."""
    from django.db import connection, transaction
    ws.activate()
    db = sqlite3.connect(source)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "AND name LIKE 'store_%' ORDER BY name")]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            got = db.execute(f"SELECT * FROM {quote(table)}")
            cols = [d[0] for d in got.description]
            rows = got.fetchall()
            if rows:
                marks = ", ".join(["%s"] * len(cols))
                cursor.executemany(f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
                                   f"VALUES ({marks})", rows)
    db.close()


def stored_voters(ws) -> list[dict]:
    """store_voter's rows sorted by key, every column, as the fixture script read them."""
    from django.db import connection
    ws.activate()
    with connection.cursor() as cursor:
        cursor.execute('SELECT * FROM store_voter ORDER BY "key"')
        cols = [d[0] for d in cursor.description]
        return [dict(zip(cols, r)) for r in cursor.fetchall()]


def test_the_fixture_holds_every_kind_of_event():
    from pemilih.store import events
    held = set(EXPECTED["dpml"]["kinds"]) | set(EXPECTED["kpu"]["kinds"])
    assert held == set(events.KINDS) - NEWER_KINDS


def test_the_legacy_log_replays_to_the_list_the_old_release_had(legacy):
    from pemilih.store.projection import rebuild_projection
    name, ws = legacy
    assert stored_voters(ws) == EXPECTED[name]["voters"]  # as the old release left it
    assert rebuild_projection(ws) == len(EXPECTED[name]["voters"])
    assert stored_voters(ws) == EXPECTED[name]["voters"]


def test_every_legacy_event_reads_as_version_1_of_its_typed_payload(legacy):
    """No legacy payload has a schema version; each parses into its kind's record, and that
    record writes back exactly the JSON stored (same keys, same order, same values)."""
    from pemilih.store import events
    from pemilih.store.models import Event
    name, ws = legacy
    seen = set()
    for event in Event.objects.order_by("seq"):
        assert events.SCHEMA_KEY not in event.payload
        assert events.check(event.kind, event.payload, event.seq).version == 1
        record = event.data()
        assert isinstance(record, events.KINDS[event.kind].payload)
        assert record.to_payload() == event.payload
        if not USE_POSTGRES:  # jsonb keeps its own key order
            assert list(record.to_payload()) == list(event.payload)
        seen.add(event.kind)
    assert seen == set(EXPECTED[name]["kinds"])


def test_legacy_change_records_are_typed(open_legacy):
    """The changes of the old events, by hand: what the fixture script did on DPML's side."""
    from pemilih.store import events
    from pemilih.store.models import Event
    open_legacy("dpml")
    collected = Event.objects.get(kind=events.COKLIT_COLLECTED).data()
    assert [type(c) for c in collected.changes] == [events.Removal, events.Correction, events.Addition]
    removal, correction, addition = collected.changes
    assert (removal.key, removal.code, removal.evidence, removal.row["nama"]) == (
        "dpt.csv::3", "TMS-4", "Surat pindah", "NE' RANTE")
    assert (correction.key, correction.column, correction.old, correction.new, correction.code) == (
        "dpt.csv::2", "alamat", "DUSUN A", "DUSUN C", "U")
    assert (addition.key, addition.code, addition.row["nama"]) == ("baru:7326015506060005", "B", "SARAH PATIKU")
    undo = Event.objects.filter(kind=events.REVIEW_UNDONE).order_by("seq").first().data()
    undone = Event.objects.get(seq=undo.undoes).data()
    assert [(type(c), c.key, c.code) for c in undone.changes] == [(events.Removal, "dpt.csv::7", "TMS-1")]
    shared = Event.objects.filter(kind=events.LIST_SHARED).order_by("seq").first().data()
    assert (shared.kode_desa, shared.regime, shared.agreement, shared.recipient) == (
        "73.26.01.2001", "PILKALEM", "7/PKS/KPU-DPML/UJI", "DPML")


@pytest.mark.skipif(USE_POSTGRES, reason="the fixture's own SQLite file is opened")
def test_opening_the_legacy_workspace_brings_its_schema_up_to_date(tmp_path, monkeypatch):
    """Opening runs Django's migrate: a migration added after the fixture was made is applied
    to it (then every migration of this release is recorded as applied, none pending)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.loader import MigrationLoader

    from pemilih.store.workspace import open_workspace
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = tmp_path / "dpml"
    folder.mkdir()
    shutil.copyfile(FIXTURE / "dpml" / "pemilih.sqlite3", folder / "pemilih.sqlite3")
    db = sqlite3.connect(folder / "pemilih.sqlite3")
    before = {r[0] for r in db.execute("SELECT name FROM django_migrations WHERE app = 'store'")}
    db.close()
    assert before  # made by a release with migrations
    ws = open_workspace(folder, f"sqlite:///{folder / 'pemilih.sqlite3'}")
    try:
        executor = MigrationExecutor(connection)
        assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
        on_disk = {name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
                   if app == "store"}
        applied = {name for app, name in executor.loader.applied_migrations if app == "store"}
        assert before <= applied == on_disk
    finally:
        ws.close()
