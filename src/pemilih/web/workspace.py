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


def list_state() -> tuple:
    """state(), narrowed to the events that change the current list (store/projection.py): what
    a reading of the list alone is keyed on. On a province the villages' counts take seconds
    to read again (issue 17); an agreement, a loaded set of findings or a rejection leaves
    them as they were."""
    from pemilih.store.projection import LIST_CHANGING_KINDS
    kinds = sorted(LIST_CHANGING_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(seq) FROM store_event WHERE kind IN ({', '.join(['%s'] * len(kinds))})", kinds)
        newest = cursor.fetchone()[0] or 0
    return connection.settings_dict.get("NAME"), connection.settings_dict.get("HOST"), newest
