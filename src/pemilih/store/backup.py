"""The store's side of a backup and a restore: the database copied consistently while the
server runs, and the workspace's own files that matter (its keys), with a manifest.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database in one step,
a consistent snapshot even while other connections write. PostgreSQL: `pg_dump -Fc` under a
snapshot exported by a transaction that also counts the events, so the manifest's counts are
those of the dump; restore replays the dump with `psql` in one transaction (after dropping
what the target held), so a restore that fails or is killed leaves the target as it was.

A backup folder holds:
  manifest.json       when, which workspace, database kind, event count and last sequence,
                      the SHA-256 of the dump and of each file (restore checks them all)
  pemilih.sqlite3     (SQLite) or pemilih.dump (PostgreSQL, pg_dump's custom format)
  berkas/...          the workspace folder's files other than the database and `web/`
                      (uploads and job outputs: temporary, the uploads are kept in the database)
Everything owner-only: folders 0700, files 0600.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pemilih
from pemilih.store import settings

MANIFEST = "manifest.json"
FILES_DIR = "berkas"
SQLITE_DUMP = "pemilih.sqlite3"
POSTGRES_DUMP = "pemilih.dump"
FORMAT = 1  # of the manifest
# The workspace folder's entries that are not copied as files: the database (dumped instead)
# and the web application's temporary uploads and job outputs.
SKIPPED = {settings.SQLITE_NAME, f"{settings.SQLITE_NAME}-wal", f"{settings.SQLITE_NAME}-shm",
           f"{settings.SQLITE_NAME}-journal", "web"}
# Django's own OPTIONS of a PostgreSQL entry, not libpq connection parameters.
DJANGO_OPTIONS = {"isolation_level", "server_side_binding", "pool", "assume_role", "cursor_factory"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why (Bahasa Indonesia)."""


@dataclass(frozen=True)
class Manifest:
    created: str  # ISO 8601, UTC
    workspace: str
    database: str  # "sqlite" or "postgresql"
    dump: str  # file name inside the backup folder
    dump_sha256: str
    dump_size: int
    events: int
    last_seq: int | None
    files: list[dict] = field(default_factory=list)  # {"path", "sha256", "size"}
    version: str = pemilih.__version__
    format: int = FORMAT

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1)

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.is_file():
            raise BackupError(f"{folder} bukan folder cadangan pemilih: {MANIFEST} tidak ada")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise BackupError(f"{MANIFEST} berformat {data.get('format')!r}; versi pemilih ini mengenal "
                                  f"format {FORMAT}")
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except (ValueError, TypeError, AttributeError) as exc:
            raise BackupError(f"{MANIFEST} di {folder} tidak dapat dibaca: {exc}") from None


@dataclass(frozen=True)
class Contents:
    """What a workspace holds that a restore would replace."""

    events: int
    accounts: int
    files: list[str]

    @property
    def empty(self) -> bool:
        return not (self.events or self.accounts or self.files)

    def describe(self) -> str:
        parts = []
        if self.events:
            parts.append(f"{self.events} peristiwa")
        if self.accounts:
            parts.append(f"{self.accounts} akun")
        if self.files:
            parts.append("berkas " + ", ".join(self.files[:5]) + (" ..." if len(self.files) > 5 else ""))
        return "; ".join(parts) or "kosong"


# --- backup ----------------------------------------------------------------------------------

def backup(ws, out: Path) -> Manifest:
    """Back the workspace up into the folder `out` (new, or empty)."""
    out = Path(out)
    _prepare_folder(out, ws.path)
    if ws.vendor == "sqlite":
        dump = out / SQLITE_DUMP
        events, last_seq = _sqlite_backup(Path(ws.database["NAME"]), dump)
    else:
        dump = out / POSTGRES_DUMP
        events, last_seq = _postgres_dump(ws, dump)
    files = _copy_files(ws.path, out / FILES_DIR, exclude=out)
    manifest = Manifest(
        created=datetime.now(UTC).isoformat(timespec="seconds"), workspace=str(Path(ws.path).resolve()),
        database=ws.vendor, dump=dump.name, dump_sha256=sha256_of(dump), dump_size=dump.stat().st_size,
        events=events, last_seq=last_seq, files=files)
    _write_private(out / MANIFEST, manifest.to_json().encode("utf-8"))  # last: a backup without it is incomplete
    return manifest


def _prepare_folder(out: Path, workspace: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(f"Folder cadangan {out} sudah berisi; pilih folder baru atau kosong")
    if _inside(out, workspace / "web") or out.resolve() == Path(workspace).resolve():
        raise BackupError("Folder cadangan tidak boleh folder ruang kerja itu sendiri")
    out.mkdir(parents=True, exist_ok=True)
    os.chmod(out, 0o700)


def _inside(path: Path, folder: Path) -> bool:
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except ValueError:
        return False


def _sqlite_backup(source: Path, target: Path) -> tuple[int, int | None]:
    """The online backup API, in one step: a consistent copy while others write. The copy is
    set to a rollback journal, so it is one self-contained file."""
    if not source.is_file():
        raise BackupError(f"Basis data {source} tidak ada")
    _write_private(target, b"")
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            return _sqlite_counts(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Salinan basis data SQLite gagal: {exc}") from None
    finally:
        src.close()


def _sqlite_counts(conn: sqlite3.Connection) -> tuple[int, int | None]:
    count, last = conn.execute("SELECT COUNT(*), MAX(seq) FROM store_event").fetchone()
    return int(count), (int(last) if last is not None else None)


def _postgres_dump(ws, target: Path) -> tuple[int, int | None]:
    """pg_dump -Fc under the snapshot of a transaction that counts the events first."""
    from django.db import connection, transaction

    ws.activate()
    pg_dump = pg_tool("pg_dump")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*), MAX(seq) FROM store_event")
            count, last = cursor.fetchone()
        with _private_file(target) as fh:
            done = subprocess.run([str(pg_dump), "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                                   "-d", conninfo(ws.database)], stdout=fh, stderr=subprocess.PIPE,
                                  env=pg_env(ws.database))
    if done.returncode != 0:
        raise BackupError(f"pg_dump gagal: {done.stderr.decode(errors='replace').strip()[-1000:]}")
    return int(count), (int(last) if last is not None else None)


def _copy_files(workspace: Path, target: Path, exclude: Path) -> list[dict]:
    """The workspace folder's files (not the database, not `web/`), owner-only."""
    out = []
    for path in _workspace_files(workspace, exclude):
        rel = path.relative_to(workspace)
        copy = target / rel
        for parent in reversed(copy.relative_to(target.parent).parents[:-1]):
            folder = target.parent / parent
            folder.mkdir(exist_ok=True)
            os.chmod(folder, 0o700)
        data = path.read_bytes()
        _write_private(copy, data)
        out.append({"path": rel.as_posix(), "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return out


def _workspace_files(workspace: Path, exclude: Path | None = None) -> list[Path]:
    workspace = Path(workspace)
    if not workspace.is_dir():
        return []
    found = []
    for entry in sorted(workspace.iterdir()):
        if entry.name in SKIPPED or _temporary(entry) or (exclude is not None and _inside(entry, exclude)):
            continue
        if entry.is_symlink():
            continue
        if entry.is_file():
            found.append(entry)
        elif entry.is_dir():
            found += [p for p in sorted(entry.rglob("*")) if p.is_file() and not p.is_symlink() and not _temporary(p)
                      and not (exclude is not None and _inside(p, exclude))]
    return found


def _temporary(path: Path) -> bool:
    """A file being written under a temporary name (`.name.XXXX.tmp`), left by a killed process."""
    return path.name.startswith(".") and path.name.endswith(".tmp")


# --- restore ---------------------------------------------------------------------------------

def check(folder: Path) -> Manifest:
    """The backup's manifest, once every file it names is there with its hash."""
    folder = Path(folder)
    manifest = Manifest.read(folder)
    dump = folder / manifest.dump
    if Path(manifest.dump).name != manifest.dump or not dump.is_file():
        raise BackupError(f"Berkas cadangan basis data {manifest.dump} tidak ada di {folder}")
    if sha256_of(dump) != manifest.dump_sha256:
        raise BackupError(f"Cadangan rusak: sidik SHA-256 {manifest.dump} tidak sama dengan yang dicatat di "
                          f"{MANIFEST}; tidak dipulihkan")
    for item in manifest.files:
        path = _file_in(folder, item["path"])
        if not path.is_file() or sha256_of(path) != item["sha256"]:
            raise BackupError(f"Cadangan rusak: berkas {item['path']} hilang atau berubah; tidak dipulihkan")
    return manifest


def _file_in(folder: Path, rel: str) -> Path:
    path = (folder / FILES_DIR / rel).resolve()
    if not _inside(path, folder / FILES_DIR) or Path(rel).is_absolute():
        raise BackupError(f"Cadangan rusak: nama berkas {rel!r} keluar dari folder cadangan")
    return path


def contents(ws, manifest: Manifest | None = None, folder: Path | None = None) -> Contents:
    """What the (opened) workspace holds: events, accounts, and files a restore would replace
    (every file, when no backup is named)."""
    from django.db import connection

    ws.activate()
    counts = []
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in ("store_event", "auth_user"):
            if table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                counts.append(cursor.fetchone()[0])
            else:
                counts.append(0)
    present = _workspace_files(ws.path)
    if manifest is not None:
        incoming = {item["path"]: item["sha256"] for item in manifest.files}
        present = [p for p in present if p.relative_to(ws.path).as_posix() in incoming
                   and sha256_of(p) != incoming[p.relative_to(ws.path).as_posix()]]
    return Contents(counts[0], counts[1], [p.relative_to(ws.path).as_posix() for p in present])


def restore(ws, folder: Path, manifest: Manifest) -> None:
    """Replace the (opened, checked) workspace's database and files by the backup's."""
    folder = Path(folder)
    if manifest.database != ws.vendor:
        kinds = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(f"Cadangan ini dari basis data {kinds.get(manifest.database, manifest.database)}; "
                          f"ruang kerja tujuan memakai {kinds[ws.vendor]}")
    ws.close()
    if ws.vendor == "sqlite":
        _sqlite_restore(folder / manifest.dump, Path(ws.database["NAME"]))
    else:
        _postgres_restore(ws, folder / manifest.dump)
    for item in manifest.files:
        target = Path(ws.path) / item["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_private(target, _file_in(folder, item["path"]).read_bytes(), replace=True)
    from pemilih.store.workspace import migrate
    migrate(ws)  # a backup of an older release: its schema brought up to date


def _sqlite_restore(dump: Path, target: Path) -> None:
    """The backup API again, into the target database: one write transaction, so a failure
    leaves it as it was, and other connections see either the old or the new database."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        _write_private(target, b"")
    src = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Pemulihan basis data SQLite gagal: {exc}") from None
    finally:
        src.close()
    os.chmod(target, 0o600)


# Drops every table, view, sequence and function of the target's schema, so the dump lands
# on nothing (in the same transaction as the dump's own statements).
_CLEAR = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c
           WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                                  WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                                  WHEN 'f' THEN 'DROP FOREIGN TABLE IF EXISTS %I CASCADE'
                                  ELSE 'DROP TABLE IF EXISTS %I CASCADE' END, r.relname);
  END LOOP;
  FOR r IN SELECT c.relname FROM pg_class c
           WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'S'
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', r.relname);
  END LOOP;
  -- An extension's own functions (pg_trgm's, web/indexes.py) stay: the extension owns them,
  -- and the dump's CREATE EXTENSION IF NOT EXISTS finds it there.
  FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p
           WHERE p.pronamespace = current_schema()::regnamespace
             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                             AND d.objid = p.oid AND d.deptype = 'e')
  LOOP
    EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', r.f);
  END LOOP;
END $$;
"""


def _postgres_restore(ws, dump: Path) -> None:
    """pg_restore turns the dump into SQL; psql runs it after _CLEAR, all in one transaction."""
    pg_restore, psql = pg_tool("pg_restore"), pg_tool("psql")
    env = pg_env(ws.database)
    with tempfile.TemporaryDirectory(prefix="pemilih-pulih-") as tmp:
        os.chmod(tmp, 0o700)
        script = Path(tmp) / "pulih.sql"
        with _private_file(script) as fh:
            made = subprocess.run([str(pg_restore), "--no-owner", "--no-privileges", "-f", "-", str(dump)],
                                  stdout=fh, stderr=subprocess.PIPE, env=env)
        if made.returncode != 0:
            raise BackupError(f"pg_restore gagal membaca cadangan: "
                              f"{made.stderr.decode(errors='replace').strip()[-1000:]}")
        done = subprocess.run([str(psql), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1",
                               "-c", _CLEAR, "-f", str(script), "-d", conninfo(ws.database)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    if done.returncode != 0:
        raise BackupError(f"Pemulihan PostgreSQL gagal, basis data tujuan tidak berubah: "
                          f"{done.stderr.decode(errors='replace').strip()[-1000:]}")


def event_count(ws) -> tuple[int, int | None]:
    """(events, last sequence) of the opened workspace."""
    from django.db import connection

    ws.activate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), MAX(seq) FROM store_event")
        count, last = cursor.fetchone()
    return int(count), (int(last) if last is not None else None)


# --- PostgreSQL's tools ----------------------------------------------------------------------

def pg_tool(name: str) -> Path:
    """A PostgreSQL client program: from PEMILIH_PG_BIN, else the newest under
    /usr/lib/postgresql (Debian), else the PATH."""
    if os.environ.get("PEMILIH_PG_BIN"):
        path = Path(os.environ["PEMILIH_PG_BIN"]) / name
        if path.is_file():
            return path
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    raise BackupError(f"Program {name} PostgreSQL tidak ditemukan; pasang klien PostgreSQL "
                      "(apt-get install postgresql-client) atau isi PEMILIH_PG_BIN")


def conninfo(database: dict) -> str:
    """A libpq connection string of a Django PostgreSQL entry, without the password."""
    from psycopg.conninfo import make_conninfo
    params = {"dbname": database["NAME"], "user": database.get("USER"), "host": database.get("HOST"),
              "port": database.get("PORT")}
    params.update({k: v for k, v in (database.get("OPTIONS") or {}).items() if k not in DJANGO_OPTIONS})
    return make_conninfo(**{k: str(v) for k, v in params.items() if v not in (None, "")})


def pg_env(database: dict) -> dict:
    """The environment for a PostgreSQL tool: the password in PGPASSWORD (never on the command line)."""
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


# --- files -----------------------------------------------------------------------------------

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _private_file:
    """A file opened for writing, created owner-only (0600) before anything is in it."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def __enter__(self):
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        self.fh = os.fdopen(fd, "wb")
        return self.fh

    def __exit__(self, *exc):
        self.fh.close()


def _write_private(path: Path, data: bytes, replace: bool = False) -> None:
    """Write owner-only; with `replace`, through a temporary file renamed over the old one."""
    path = Path(path)
    if not replace:
        with _private_file(path) as fh:
            fh.write(data)
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
