"""Django settings for pemilih: the one place they live.

Used two ways: `configure(database)` sets Django up programmatically (the command line and
the tests: no settings module to point at), and `DJANGO_SETTINGS_MODULE=pemilih.store.settings`
works for Django's own tools (makemigrations, later the web app's runserver). The web app
will add its apps (auth, sessions, ...) to INSTALLED_APPS here.
"""
from __future__ import annotations

import os
from pathlib import Path

import django
from django.conf import settings as django_settings

from pemilih.store import dburl

DEFAULT_WORKSPACE = Path("pemilih-data")
SQLITE_NAME = "pemilih.sqlite3"


def database_from_env(workspace: Path = DEFAULT_WORKSPACE) -> dict:
    url = os.environ.get("DATABASE_URL")
    return dburl.parse(url) if url else dburl.sqlite_settings(workspace / SQLITE_NAME)


def _default_database() -> dict:
    try:
        return database_from_env()
    except dburl.DatabaseUrlError:
        # Importing settings must not fail on a bad DATABASE_URL: open_workspace reports it
        # as a message; Django's own tools get the dummy backend, which refuses to work.
        return {"ENGINE": "django.db.backends.dummy"}


INSTALLED_APPS = ["pemilih.store"]
DATABASES = {"default": _default_database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Asia/Makassar"  # WITA: Toraja Utara
LANGUAGE_CODE = "id"
USE_I18N = True
# Nothing in the store signs anything; the web app must set a real key and refuse this one.
SECRET_KEY = os.environ.get("PEMILIH_SECRET_KEY", "pemilih-store-only-not-for-web")
LOGGING_CONFIG = None  # pemilih logs nothing personal; keep Django from installing handlers


def _module_settings() -> dict:
    return {name: value for name, value in globals().items() if name.isupper()}


def configure(database: dict) -> None:
    """Configure Django once per process, with `database` as the default connection."""
    if not django_settings.configured:
        values = _module_settings()
        values["DATABASES"] = {"default": dict(database)}
        django_settings.configure(**values)
    django.setup()  # idempotent: app registry is populated once
    use_database(database)


def ensure_configured() -> None:
    """Make the ORM usable on import: modules that use the models call this first, so
    `from pemilih.store.receive import import_result` works before any workspace is opened.
    Until open_workspace() points it elsewhere, the database is the default one (no
    connection is made before a query)."""
    from django.apps import apps

    if not django_settings.configured:
        configure(_default_database())
    elif not apps.ready and not apps.loading:
        django.setup()


def use_database(database: dict) -> None:
    """Point Django's default connection at `database`.

    Django is configured once per process, but a process may open several workspaces in turn
    (tests, a command that copies one workspace to another): close the current connection and
    swap the settings it is built from; the next query opens the new database.
    """
    from django.db import DEFAULT_DB_ALIAS, connections

    current = connections.settings.get(DEFAULT_DB_ALIAS, {})
    if all(current.get(key) == value for key, value in database.items()):
        return
    if hasattr(connections._connections, DEFAULT_DB_ALIAS):
        connections[DEFAULT_DB_ALIAS].close()
        del connections[DEFAULT_DB_ALIAS]
    databases = connections.settings  # the same dict object as settings.DATABASES
    databases[DEFAULT_DB_ALIAS] = dict(database)
    connections.configure_settings(databases)  # fills Django's defaults for the new entry
