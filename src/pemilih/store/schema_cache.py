"""New SQLite workspaces start as a copy of an empty, migrated database.

Migrating a new database runs every migration of every app (the store's, the web
application's, Django's auth and sessions): about 0.3 s of Python on each new workspace, in
the thread that overlaps reading the first file an import reads. The empty result depends only
on the migrations and Django's version, so it is made once, kept in the user's cache folder
under a name that hashes exactly those (a changed migration makes a new name), and copied.
A cache that cannot be read or written is simply not used: the workspace is migrated as before.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path


def folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pemilih"


@lru_cache(maxsize=1)
def schema_key() -> str:
    """A hash of Django's version and every installed app's migration files."""
    import django
    from django.apps import apps
    digest = hashlib.sha256(f"django {django.get_version()}\n".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        migrations = Path(config.path) / "migrations"
        for path in sorted(migrations.glob("*.py")) if migrations.is_dir() else []:
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _template() -> Path:
    return folder() / f"skema-{schema_key()}.sqlite3"


def copy_into(target: Path) -> bool:
    """Copy the kept empty database to `target`; False when there is none (or it fails).

    Through a temporary name renamed into place: a process killed while copying (SIGKILL, a
    power cut) leaves no truncated database that every later command would refuse to open."""
    tmp = None
    try:
        source = _template()
        if not source.is_file():
            return False
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
        return True
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return False


def keep(database: Path) -> None:
    """Keep a copy of a just-migrated, still empty database (atomically: written to a
    temporary name, then renamed)."""
    try:
        target = _template()
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".tmp") as tmp:
            shutil.copyfile(database, tmp.name)
        os.replace(tmp.name, target)
    except OSError:
        pass  # no cache this time
