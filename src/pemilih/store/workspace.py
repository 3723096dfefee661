"""A workspace: a folder for pemilih's files plus the database holding the store.

The database is SQLite at `<path>/pemilih.sqlite3` unless a DATABASE_URL (argument or
environment) names another, e.g. an office PostgreSQL server. Opening configures Django
(once per process) and brings the schema up to date; both are idempotent.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from pemilih.store import dburl, settings


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
    ws = Workspace(path=folder, database=database, url=url)
    ws.activate()
    migrate(ws)
    return ws


def migrate(ws: Workspace) -> bool:
    """Apply the committed migrations that are not applied yet; True when any were."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    ws.activate()
    try:
        executor = MigrationExecutor(connection)
        if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return False
        call_command("migrate", interactive=False, verbosity=0)
        return True
    except DatabaseError as exc:
        raise WorkspaceError(f"Basis data {ws.describe()} tidak dapat dibuka: {exc}") from exc
