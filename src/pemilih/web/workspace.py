"""The workspace the application serves, as the library functions take it."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection, connections


def current():
    """The served workspace: its folder (settings.PEMILIH_WORKSPACE) and the database Django is
    connected to (SQLite in that folder, or PostgreSQL by DATABASE_URL). Opening was done once,
    when the server started (migrations, indexes): this only names it."""
    from pemilih.store.workspace import Workspace
    return Workspace(path=Path(settings.PEMILIH_WORKSPACE), database=dict(connections.settings["default"]))


def state() -> tuple:
    """What the per-process caches of the served list are keyed on (villages, review index,
    Rakor recaps): which database, and the newest event of its log. Every change to the list
    is an event, so a new event is exactly when a cached reading may be stale."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM store_event")
        newest = cursor.fetchone()[0] or 0
    return connection.settings_dict.get("NAME"), connection.settings_dict.get("HOST"), newest
