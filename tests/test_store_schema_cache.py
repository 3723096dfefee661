"""A new SQLite workspace copied from the kept empty schema is the same as one migrated."""
from __future__ import annotations

import sqlite3

import pytest


def _schema(path) -> list[tuple]:
    with sqlite3.connect(path) as db:
        objects = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        applied = db.execute("SELECT app, name FROM django_migrations ORDER BY app, name").fetchall()
        pragmas = [db.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_size", "journal_mode")]
    return objects + applied + [tuple(pragmas)]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "cache" / "pemilih"


def test_copied_workspace_equals_a_migrated_one(tmp_path, cache_home):
    from pemilih.store.workspace import open_workspace
    first = open_workspace(tmp_path / "a")  # migrated; its empty schema is kept
    first.close()
    kept = list(cache_home.glob("skema-*.sqlite3"))
    assert len(kept) == 1
    second = open_workspace(tmp_path / "b")  # copied
    second.close()
    assert _schema(tmp_path / "a" / "pemilih.sqlite3") == _schema(tmp_path / "b" / "pemilih.sqlite3")
    triggers = [o for o in _schema(tmp_path / "b" / "pemilih.sqlite3") if o[0] == "trigger"]
    assert triggers, "the append-only guards come with the copy"


def test_a_changed_schema_never_uses_an_old_copy(tmp_path, cache_home, monkeypatch):
    from pemilih.store import schema_cache
    from pemilih.store.workspace import open_workspace
    open_workspace(tmp_path / "a").close()
    old = next(cache_home.glob("skema-*.sqlite3"))
    old.write_bytes(b"not a database")  # what a copy of another schema would be to us
    monkeypatch.setattr(schema_cache, "schema_key", lambda: "another-version")
    ws = open_workspace(tmp_path / "b")  # no copy under this key: migrated
    from pemilih.store.models import Event
    assert Event.objects.count() == 0
    ws.close()
    assert (cache_home / "skema-another-version.sqlite3").is_file()


def test_an_unwritable_cache_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/tidak-bisa-ditulis")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from pemilih.store.workspace import open_workspace
    ws = open_workspace(tmp_path / "a")
    from pemilih.store.models import Event
    assert Event.objects.count() == 0
    ws.close()


KILLED_COPY = """
import os, shutil, signal, sys
from pemilih.store.workspace import open_workspace

def half_then_die(source, target, *args, **kwargs):  # SIGKILL halfway through the copy
    data = open(source, "rb").read()
    with open(target, "wb") as out:
        out.write(data[: len(data) // 2])
    os.kill(os.getpid(), signal.SIGKILL)

shutil.copyfile = half_then_die
open_workspace(sys.argv[1])
"""


def test_a_workspace_killed_while_its_schema_is_copied_opens_afterwards(tmp_path, cache_home):
    """The fault benchmark's first receive, killed at the wrong moment: no truncated database
    that every later command would refuse to open."""
    import os
    import signal
    import subprocess
    import sys

    from pemilih.store.workspace import open_workspace
    open_workspace(tmp_path / "a").close()  # the empty schema is kept
    env = dict(os.environ, XDG_CACHE_HOME=str(cache_home.parent))
    killed = subprocess.run([sys.executable, "-c", KILLED_COPY, str(tmp_path / "b")], env=env,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    ws = open_workspace(tmp_path / "b")
    from pemilih.store.models import Event
    assert Event.objects.count() == 0
    ws.close()


_DIES_AFTER_FIRST_DEFERRED = """
import os, sys
from django.db.migrations.executor import MigrationExecutor
from pemilih.store.workspace import open_workspace

original = MigrationExecutor.record_migration

def record(self, migration, *args, **kwargs):
    if not self.connection.in_atomic_block:  # its tables committed, its record not yet: killed
        os._exit(9)
    return original(self, migration, *args, **kwargs)
MigrationExecutor.record_migration = record
open_workspace(sys.argv[1], sys.argv[2])
"""


@pytest.mark.postgres
def test_a_postgresql_workspace_killed_while_migrating_opens_afterwards(tmp_path, pg_server, monkeypatch):
    """Django records a migration that has deferred statements after its transaction commits;
    a process killed there left tables no migration owned, and every later open failed with
    'relation ... already exists' (found by bench/run_faults.py). The whole migration is one
    transaction now: the killed one leaves nothing, the next open makes the schema."""
    import subprocess
    import sys

    from pemilih.store.workspace import open_workspace
    monkeypatch.delenv("DATABASE_URL", raising=False)
    pg_server.admin("CREATE DATABASE pemilih_killed_migrating")
    url = pg_server.url("pemilih_killed_migrating")
    try:
        died = subprocess.run([sys.executable, "-c", _DIES_AFTER_FIRST_DEFERRED, str(tmp_path / "ws"), url],
                              capture_output=True, text=True, timeout=120)
        assert died.returncode in (0, 9), died.stderr[-2000:]  # 0: no record outside the transaction
        ws = open_workspace(tmp_path / "ws", url)
        from pemilih.store.models import Event
        assert Event.objects.count() == 0
        ws.close()
    finally:
        from django.db import connections
        connections.close_all()
        pg_server.admin("DROP DATABASE IF EXISTS pemilih_killed_migrating WITH (FORCE)")
