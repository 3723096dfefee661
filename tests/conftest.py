"""Shared test fixtures.

Databases: `pytest -q` runs the store tests on SQLite (a fresh file per test). With
PEMILIH_TEST_DB=postgres (`make test-postgres`, which also passes `-m postgres`) the same
tests run on a throwaway PostgreSQL server started here, one fresh database per test. If that
server cannot start, the tests fail loudly: CI must never skip PostgreSQL silently.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from pathlib import Path

import polars as pl
import pytest

from pemilih.contract import KPU_COLUMNS, PROBLEM_COLUMNS, REF_COLUMNS, REGISTRY_COLUMNS, ReadResult, SourceFile

USE_POSTGRES = os.environ.get("PEMILIH_TEST_DB", "sqlite").lower() in ("postgres", "postgresql")
PG_TEMPLATE = "pemilih_template"


# --- the throwaway PostgreSQL server (shared/docs/testing-notes.md) -----------------------

class PostgresServer:
    """initdb + pg_ctl in a temporary folder, unix socket only (no TCP), as `postgres` when
    root (PostgreSQL refuses to run as root)."""

    port = 5432  # only names the socket file inside our own folder: cannot clash

    def __init__(self):
        self.bin = self._bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="pemilih-pg-"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, user="postgres")

    @staticmethod
    def _bin_dir() -> Path:
        if os.environ.get("PEMILIH_PG_BIN"):  # PostgreSQL installed elsewhere
            return Path(os.environ["PEMILIH_PG_BIN"])
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                       key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
        if not found:
            raise RuntimeError("initdb PostgreSQL tidak ditemukan di /usr/lib/postgresql/*/bin; "
                               "jalankan `make sysdeps` (apt-get install postgresql)")
        return found[-1].parent

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"{' '.join(args[:1])} gagal ({done.returncode}):\n"
                               f"{done.stdout}\n{done.stderr}\n{log[-2000:]}")

    def start(self) -> None:
        data = self.dir / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--locale=C", "--no-sync")
        # Durability settings off: these databases live for one test run. The kill test
        # needs none of them (a killed client, not a crashed machine).
        options = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "log"), "-o", options, "-w", "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@/{dbname}?host={self.dir}&port={self.port}"

    def admin(self, sql: str) -> None:
        import psycopg
        with psycopg.connect(host=str(self.dir), port=self.port, user="postgres",
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)


@pytest.fixture(scope="session")
def pg_server():
    if not USE_POSTGRES:
        pytest.skip("PostgreSQL hanya dengan PEMILIH_TEST_DB=postgres")
    server = None
    try:
        server = PostgresServer()
        server.start()
    except Exception as exc:  # loud on purpose: a PostgreSQL run must not pass without it
        if server is not None:
            shutil.rmtree(server.dir, ignore_errors=True)
        pytest.fail(f"Server PostgreSQL uji tidak dapat dijalankan: {exc}", pytrace=False)
    yield server
    server.stop()


# --- a fresh store per test -----------------------------------------------------------------

@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, request):
    """A migrated database to copy: a SQLite file, or a PostgreSQL template database."""
    from pemilih.store.workspace import open_workspace

    if USE_POSTGRES:
        server = request.getfixturevalue("pg_server")
        server.admin(f"CREATE DATABASE {PG_TEMPLATE}")
        open_workspace(tmp_path_factory.mktemp("template"), server.url(PG_TEMPLATE)).close()
        return PG_TEMPLATE
    folder = tmp_path_factory.mktemp("template")
    ws = open_workspace(folder, f"sqlite:///{folder / 'pemilih.sqlite3'}")
    ws.close()  # the last connection to close folds the WAL back into the file
    return folder / "pemilih.sqlite3"


_db_numbers = count(1)


@contextmanager
def _fresh_store(folder: Path, migrated_template, request):
    """(folder, DATABASE_URL) of a fresh, migrated, empty store; dropped afterwards (PG)."""
    folder.mkdir()
    if not USE_POSTGRES:
        shutil.copyfile(migrated_template, folder / "pemilih.sqlite3")
        yield folder, f"sqlite:///{folder / 'pemilih.sqlite3'}"
        return
    server = request.getfixturevalue("pg_server")
    name = f"pemilih_test_{os.getpid()}_{next(_db_numbers)}"
    server.admin(f"CREATE DATABASE {name} TEMPLATE {migrated_template}")
    yield folder, server.url(name)
    from django.db import connections
    connections.close_all()
    server.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store_location(tmp_path, migrated_template, request, monkeypatch):
    """(workspace folder, DATABASE_URL) of a fresh, migrated, empty store."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PEMILIH_FAULT", raising=False)
    with _fresh_store(tmp_path / "ws", migrated_template, request) as location:
        yield location


@pytest.fixture
def workspace(store_location):
    """An opened workspace on a fresh store (SQLite, or PostgreSQL with PEMILIH_TEST_DB)."""
    from pemilih.store.workspace import open_workspace

    ws = open_workspace(*store_location)
    yield ws
    ws.close()


@pytest.fixture
def kpu_workspace(tmp_path, migrated_template, request, workspace):
    """A second, separate workspace (KPU's, when `workspace` is DPML's), on its own store."""
    from pemilih.store.workspace import open_workspace

    with _fresh_store(tmp_path / "kpu-ws", migrated_template, request) as location:
        ws = open_workspace(*location)
        yield ws
        ws.close()
    workspace.activate()


def dump_database(ws) -> dict[str, list[tuple]]:
    """Every table's rows, as comparable values, sorted: the logical content of the store."""
    from django.db import connection

    ws.activate()
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        dump = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            dump[table] = sorted((tuple(_plain(v) for v in row) for row in cursor.fetchall()), key=repr)
    return dump


@pytest.fixture
def dump_db():
    """dump_database, for tests: the logical content of a workspace's store."""
    return dump_database


def _plain(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- hand-built reader results (the readers are tested on their own) -------------------

@dataclass
class ResultMaker:
    """Builds ReadResults like pemilih.io.read would, with real files behind them."""

    folder: Path

    def file(self, name: str, text: str, kind: str = "kpu") -> SourceFile:
        path = self.folder / name
        path.write_text(text, encoding="utf-8")
        data = path.read_bytes()
        return SourceFile(name, str(path), hashlib.sha256(data).hexdigest(), len(data), kind)

    def kpu(self, rows: list[dict], problems: list[dict] = (), name: str = "dpt_7326.csv",
            salt: str = "") -> ReadResult:
        """A KPU result from row dicts (missing columns are null); the file's bytes are the
        rows written out, plus `salt` so tests can make two different files of equal rows."""
        records = _frame(rows, REF_COLUMNS + KPU_COLUMNS)
        source = self.file(name, records.write_csv() + salt)
        return ReadResult("kpu", records, _frame(list(problems), PROBLEM_COLUMNS), [source])

    def registry(self, rows: list[dict], name: str = "disdukcapil_7326.csv") -> ReadResult:
        records = _frame(rows, REF_COLUMNS + REGISTRY_COLUMNS)
        source = self.file(name, records.write_csv(), kind="registry")
        return ReadResult("registry", records, _frame([], PROBLEM_COLUMNS), [source])

    def generated_kpu(self, n: int, name: str = "dpt_7326.csv", problems_every: int = 0,
                      salt: str = "") -> ReadResult:
        """n plausible KPU rows from a simple generator (values follow from the row number)."""
        rows, problems = [], []
        for i in range(n):
            line = i + 2
            ref = f"{name}::{line}"
            rows.append({
                "source_ref": ref, "file": name, "sheet": "", "row": line,
                "kecamatan": "RANTEPAO", "desa": f"LEMBANG {i % 15}", "kode_desa": f"73.26.01.{2001 + i % 15}",
                "tps": f"{i % 9 + 1:03d}", "no": str(i % 300 + 1), "nkk": f"7326011001{i // 4:06d}",
                "nik": f"732601{(i % 28) + 1:02d}0590{i % 10000:04d}", "nama": f"PEMILIH {i}",
                "tempat_lahir": "RANTEPAO", "tanggal_lahir": f"1990-05-{(i % 28) + 1:02d}",
                "status_kawin": "BSP"[i % 3], "jenis_kelamin": "LP"[i % 2], "alamat": f"DUSUN {i % 7}",
                "rt": f"{i % 5 + 1:03d}", "rw": "001", "disabilitas": None if i % 11 else "1",
                "ktp_el": "S", "keterangan": None,
            })
            if problems_every and i % problems_every == 0:
                problems.append({"source_ref": ref, "file": name, "sheet": "", "row": line,
                                 "column": "nik", "code": "NIK-DOB-MISMATCH",
                                 "reason": "Tanggal lahir dalam NIK tidak cocok"})
        return self.kpu(rows, problems, name=name, salt=salt)


def _frame(rows: list[dict], columns: list[str]) -> pl.DataFrame:
    schema = {c: (pl.Int64 if c == "row" else pl.Utf8) for c in columns}
    return pl.DataFrame([{c: r.get(c) for c in columns} for r in rows], schema=schema)


@pytest.fixture
def maker(tmp_path) -> ResultMaker:
    folder = tmp_path / "received"
    folder.mkdir()
    return ResultMaker(folder)


# --- the web application ----------------------------------------------------------------------

@dataclass
class WebSite:
    """The web application on the test's workspace, with a logged-in client per account."""

    ws: object

    def client(self, role: str | None, kode_desa: str = "", username: str | None = None):
        """A Django test client logged in with a new account of `role` (None: anonymous)."""
        from django.test import Client

        from pemilih.web import accounts
        client = Client()
        if role is None:
            return client
        name = username or f"{role}-{kode_desa or 'x'}-{next(_db_numbers)}"
        account = accounts.create(name, "sandi-uji-yang-panjang", role, full_name=f"Uji {role}",
                                  kode_desa=kode_desa)
        client.force_login(account.user)
        return client

    def run_jobs(self) -> int:
        from pemilih.web import jobs
        return jobs.run_pending()


@pytest.fixture
def website(workspace, tmp_path):
    """The web application (Django test client) on a fresh workspace."""
    from django.test.utils import override_settings

    from pemilih.web import indexes
    workspace.activate()
    indexes.ensure()
    with override_settings(PEMILIH_WORKSPACE=str(workspace.path), ALLOWED_HOSTS=["testserver", "127.0.0.1", "localhost"],
                           PASSWORD_HASHERS=FAST_HASHERS):
        yield WebSite(workspace)


# Test accounts need no slow password hashing (the live-server browser tests keep the real one).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
