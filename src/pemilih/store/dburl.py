"""DATABASE_URL to Django database settings, parsed by hand (no extra dependency).

Accepted forms:
  postgresql://user:password@host:5432/dbname?sslmode=require
  postgresql://user@/dbname?host=/run/postgresql&port=5432     (unix socket, libpq style)
  postgresql://user@%2Frun%2Fpostgresql/dbname                  (socket dir percent-encoded)
  sqlite:////absolute/path/pemilih.sqlite3   sqlite:///relative/path.sqlite3
"""
from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}
# Query parameters that are settings of their own rather than libpq connection options.
POSTGRES_OWN = {"host": "HOST", "port": "PORT", "user": "USER", "password": "PASSWORD",
                "dbname": "NAME"}


class DatabaseUrlError(ValueError):
    """The URL cannot be understood; the message is for the user (Bahasa Indonesia)."""


def parse(url: str) -> dict:
    """Django DATABASES entry (ENGINE, NAME, USER, ...) for a database URL."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in POSTGRES_SCHEMES:
        return _postgres(parts)
    if scheme in ("sqlite", "sqlite3"):
        return _sqlite(url.strip())
    raise DatabaseUrlError(
        f"DATABASE_URL tidak dikenali: skema '{parts.scheme}' (gunakan postgresql:// atau sqlite:///)")


def _postgres(parts) -> dict:
    try:
        port = parts.port  # raises ValueError on a non-numeric port
    except ValueError as exc:
        raise DatabaseUrlError("DATABASE_URL: nomor port tidak sah") from exc
    conf = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        # hostname is lower-cased by urlsplit; a socket directory must keep its case.
        "HOST": unquote(_raw_host(parts.netloc)),
        "PORT": str(port or ""),
        "OPTIONS": {},
    }
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in POSTGRES_OWN:
            conf[POSTGRES_OWN[key]] = value
        else:
            conf["OPTIONS"][key] = value
    if not conf["NAME"]:
        raise DatabaseUrlError("DATABASE_URL: nama basis data belum diisi (…/NAMA_DB)")
    return conf


def _raw_host(netloc: str) -> str:
    host = netloc.rpartition("@")[2]
    if host.startswith("["):  # IPv6 literal [::1]:5432
        return host[1:host.index("]")]
    return host.split(":", 1)[0]


def _sqlite(url: str) -> dict:
    # Usual convention: sqlite:////abs/path -> /abs/path, sqlite:///rel/path -> rel/path.
    rest = url.split(":", 1)[1]
    path = rest[3:] if rest.startswith("///") else rest[2:] if rest.startswith("//") else rest
    if not path:
        raise DatabaseUrlError("DATABASE_URL: lokasi berkas SQLite belum diisi")
    return sqlite_settings(unquote(path))


def sqlite_settings(path: str) -> dict:
    """Settings for the embedded SQLite file, with the pragmas a shared workspace needs."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets readers (the web app) work during an import; NORMAL is durable with WAL
            # except for the very last commit on power loss, and much faster than FULL.
            "init_command": ";".join([
                # Bigger pages: fewer b-tree splits in bulk loads. Only takes effect when the
                # file is created (a no-op afterwards), so it must come before WAL.
                "PRAGMA page_size=8192",
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
                "PRAGMA busy_timeout=10000",
                "PRAGMA temp_store=MEMORY",
                "PRAGMA cache_size=-65536",
            ]),
            # Take the write lock when the transaction starts, so two writers queue instead
            # of one failing with "database is locked" halfway through.
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        },
    }


def describe(conf: dict) -> str:
    """A printable description of the database, without the password."""
    if conf["ENGINE"].endswith("sqlite3"):
        return f"SQLite {conf['NAME']}"
    where = conf.get("HOST") or "localhost"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"PostgreSQL {conf.get('USER') or ''}@{where}{port}/{conf['NAME']}"
