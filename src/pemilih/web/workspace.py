"""The workspace the application serves, as the library functions take it."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connections


def current():
    """The served workspace: its folder (settings.PEMILIH_WORKSPACE) and the database Django is
    connected to (SQLite in that folder, or PostgreSQL by DATABASE_URL). Opening was done once,
    when the server started (migrations, indexes): this only names it."""
    from pemilih.store.workspace import Workspace
    return Workspace(path=Path(settings.PEMILIH_WORKSPACE), database=dict(connections.settings["default"]))
