"""Files with personal data are their owner's alone: 0600 files in 0700 folders.

A workspace, its database, job outputs, uploads, coklit workbooks and hand-back packages hold
full NIKs, so no other user of the machine may read them. Two things make it so:

* every process of the product starts with `start_process()` (the command line, and with it
  `pemilih serve` and the gunicorn workers it starts; the job worker; the WSGI entry point):
  whatever it and its children create from then on is 0600, folders 0700;
* opening a workspace makes its folder 0700 and its SQLite files 0600 (`keep_private`),
  whoever made them and however (copied, or by an older release); SQLite gives the -wal and
  -shm files it makes later the database's mode.

No Django and no Polars here: the command line calls it before anything is loaded.
"""
from __future__ import annotations

import os
from pathlib import Path

UMASK = 0o077  # what is created is readable, writable and enterable by its owner only
FILE_MODE, FOLDER_MODE = 0o600, 0o700
SQLITE_FILES = ("", "-wal", "-shm", "-journal")  # a SQLite database and what SQLite keeps beside it


def start_process() -> None:
    """From now on, whatever this process and the processes it starts create is owner-only."""
    os.umask(UMASK)


def keep_private(folder: Path, sqlite_path: str | os.PathLike | None = None) -> None:
    """`folder` 0700 and the SQLite database at `sqlite_path` (and its -wal, -shm, -journal)
    0600; a path this user does not own is left as it is (its owner decides)."""
    targets = [(Path(folder), FOLDER_MODE)]
    if sqlite_path:
        targets += [(Path(f"{os.fspath(sqlite_path)}{suffix}"), FILE_MODE) for suffix in SQLITE_FILES]
    for path, mode in targets:
        try:
            if path.exists() and (path.stat().st_mode & 0o777) != mode:
                os.chmod(path, mode)
        except OSError:
            pass


def private_folder(path: Path) -> Path:
    """`path` made (with its parents) and owner-only, whatever the process's umask: for the
    folders the product keeps personal data in (job outputs, uploads)."""
    path.mkdir(parents=True, exist_ok=True)
    keep_private(path)
    return path
