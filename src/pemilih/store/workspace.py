"""A workspace: a folder for pemilih's files plus the database holding the store.

The database is SQLite at `<path>/pemilih.sqlite3` unless a DATABASE_URL (argument or
environment) names another, e.g. an office PostgreSQL server. Opening configures Django
(once per process) and brings the schema up to date; both are idempotent.

`open_workspace_ahead()` starts that opening on a background thread, so that bringing a new
workspace's schema up (Django's migrate: a third of a second of Python) runs while the files
are read, mostly in Polars, which lets go of Python's lock. The next `open_workspace()` of
the same workspace takes its result, or its error, exactly as if it had opened it itself. A
SQLite workspace the background thread created but nobody took (the command stopped before
opening it, e.g. interrupted) is removed again at exit: it leaves nothing behind, as before.

A workspace holds full NIKs: opening makes its folder 0700 and its SQLite database 0600
(store/owner_only.py), one made by an older release included.
"""
from __future__ import annotations

import atexit
import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from pemilih.store import dburl, schema_cache, settings
from pemilih.store.owner_only import keep_private

_ahead: dict[tuple[str, str | None], Future] = {}  # (folder, DATABASE_URL) -> pending opening


class WorkspaceError(Exception):
    """The workspace cannot be opened; the message says why, in Bahasa Indonesia."""


@dataclass
class Workspace:
    path: Path
    # Kept out of repr: both may hold a password.
    database: dict = field(repr=False)  # a Django DATABASES entry
    url: str | None = field(default=None, repr=False)  # DATABASE_URL used, None for SQLite file

    @property
    def vendor(self) -> str:
        return "sqlite" if self.database["ENGINE"].endswith("sqlite3") else "postgresql"

    def describe(self) -> str:
        return dburl.describe(self.database)

    def activate(self) -> None:
        """Make this workspace's database Django's default connection (cheap when it is)."""
        settings.configure(self.database)

    def close(self) -> None:
        from django.db import connections
        self.activate()
        connections["default"].close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_workspace(path: str | os.PathLike | None = None,
                   database_url: str | None = None) -> Workspace:
    """Open (creating when needed) the workspace at `path`, default ./pemilih-data."""
    pending = _ahead.pop(_key(path, database_url), None)
    if pending is not None:
        ws = pending.result()  # raises the opening's own error, as opening here would
        _drop_stale_connection()
        ws.activate()
        return ws
    return _open(path, database_url)


def open_workspace_ahead(path: str | os.PathLike | None = None, database_url: str | None = None) -> None:
    """Start open_workspace(path, database_url) on a background thread (see the docstring).

    Call it before the work that the opening should overlap (reading files), once Django is
    configured (settings.ensure_configured()): the thread must not configure Django itself
    while this thread might be doing so too."""
    key = _key(path, database_url)
    if key in _ahead:
        return
    leftovers = _new_sqlite_files(path, database_url)
    pending: Future = Future()

    def run() -> None:
        try:
            ws = _open(path, database_url)
            from django.db import connections
            connections.close_all()  # this thread's connection; the caller opens its own
            pending.set_result(ws)
        except BaseException as exc:  # handed to the caller of open_workspace()
            pending.set_exception(exc)

    threading.Thread(target=run, name="open-workspace", daemon=True).start()
    _ahead[key] = pending
    atexit.register(_discard_untaken, key, leftovers)


def _key(path, database_url) -> tuple[str, str | None]:
    folder = Path(path) if path is not None else settings.DEFAULT_WORKSPACE
    return os.path.abspath(folder), database_url or os.environ.get("DATABASE_URL")


def _new_sqlite_files(path, database_url) -> list[Path]:
    """What opening would create for a SQLite workspace not there yet: its database file(s)
    and the folders missing on the way to it, deepest first. Empty for PostgreSQL (there a
    migrated empty schema stays, as any later command would make it)."""
    where, url = _key(path, database_url)
    folder = Path(where)
    database = folder / settings.SQLITE_NAME
    if url or database.exists():
        return []
    made = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    while not folder.exists():
        made.append(folder)
        folder = folder.parent
    return made


def _discard_untaken(key: tuple[str, str | None], leftovers: list[Path]) -> None:
    pending = _ahead.pop(key, None)
    if pending is None:
        return  # taken by open_workspace()
    try:
        pending.result(timeout=60)
    except Exception:
        pass
    for item in leftovers:
        try:
            item.rmdir() if item.is_dir() else item.unlink(missing_ok=True)
        except OSError:
            pass  # a folder someone put files in meanwhile stays


def _drop_stale_connection() -> None:
    """This thread's connection, if made before the background thread pointed Django at the
    workspace, still names the old database: close it; the next query opens the right one."""
    from django.db import DEFAULT_DB_ALIAS, connections

    if hasattr(connections._connections, DEFAULT_DB_ALIAS):
        current = connections[DEFAULT_DB_ALIAS]
        if current.settings_dict is not connections.settings[DEFAULT_DB_ALIAS]:
            current.close()
            del connections[DEFAULT_DB_ALIAS]


def _open(path, database_url) -> Workspace:
    folder = Path(path) if path is not None else settings.DEFAULT_WORKSPACE
    url = database_url or os.environ.get("DATABASE_URL")
    try:
        database = dburl.parse(url) if url else dburl.sqlite_settings(folder / settings.SQLITE_NAME)
    except dburl.DatabaseUrlError as exc:
        raise WorkspaceError(str(exc)) from exc
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(f"Folder kerja {folder} tidak dapat dibuat: {exc.strerror}") from exc
    keep_private(folder, _sqlite_path(database))  # before connecting: SQLite's -wal/-shm take its mode
    ws = Workspace(path=folder, database=database, url=url)
    fresh = not url and not (folder / settings.SQLITE_NAME).exists()
    ws.activate()  # Django configured; no connection is opened before the first query
    if fresh and schema_cache.copy_into(folder / settings.SQLITE_NAME):
        keep_private(folder, _sqlite_path(database))
        return ws  # an empty database of exactly this schema: nothing to migrate
    migrate(ws)
    if fresh:
        ws.close()  # the WAL folded back into the file before it is copied
        schema_cache.keep(folder / settings.SQLITE_NAME)
        ws.activate()
        keep_private(folder, _sqlite_path(database))
    return ws


def _sqlite_path(database: dict) -> str | None:
    return database["NAME"] if database["ENGINE"].endswith("sqlite3") else None


def migrate(ws: Workspace) -> bool:
    """Apply the committed migrations that are not applied yet; True when any were."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection, transaction
    from django.db.migrations.executor import MigrationExecutor

    ws.activate()
    try:
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False
        if ws.vendor == "postgresql":
            # One transaction for every migration: Django records a migration with deferred
            # statements (indexes, foreign keys) after its own transaction commits, so a process
            # killed in between left tables no migration owns and every later open failed
            # ("relation ... already exists"; bench/run_faults.py found it). PostgreSQL's DDL is
            # transactional; SQLite's schema editor refuses an outer transaction, and a new
            # SQLite workspace is a copy renamed into place (store/schema_cache.py).
            with transaction.atomic():
                call_command("migrate", interactive=False, verbosity=0)
        else:
            call_command("migrate", interactive=False, verbosity=0)
        return True
    except DatabaseError as exc:
        raise WorkspaceError(f"Basis data {ws.describe()} tidak dapat dibuka: {exc}") from exc
