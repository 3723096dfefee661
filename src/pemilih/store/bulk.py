"""Bulk writes into the store's tables, outside the ORM's row-by-row path.

SQLite: executemany on the raw sqlite3 connection. PostgreSQL: COPY ... FROM STDIN through
psycopg on Django's connection, fed CSV that Polars writes (in Rust, far faster than Python
formatting rows). Both run inside the caller's transaction.atomic(): they use Django's own
connection, so the rows land or vanish with everything else the import wrote.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl
from django.db import connection

CHUNK_ROWS = 50_000  # bounds memory: a chunk of rows is formatted at a time
NULL = r"\N"  # COPY's null marker; written unquoted, so a quoted "\N" value stays text


def write_frame(table: str, frame: pl.DataFrame, *, after_chunk: Callable[[int], None] | None = None,
                cut_at: int | None = None) -> int:
    """Insert every row of `frame` into `table` (frame columns = table columns); rows written.

    `after_chunk(total_so_far)` is called after each chunk; `cut_at` ends a chunk exactly at
    that many rows (the crash test kills the process there).
    """
    writer = _sqlite_chunk if connection.vendor == "sqlite" else _postgres_chunk
    connection.ensure_connection()
    written = 0
    for chunk in _chunks(frame, cut_at):
        writer(table, chunk)
        written += chunk.height
        if after_chunk:
            after_chunk(written)
    return written


def insert_row(model, **values) -> int:
    """Insert one row holding large binary values; returns its id.

    Django's psycopg cursor binds on the client, spelling 30 MB of bytes into the SQL text as
    hex; a psycopg cursor of our own binds on the server and sends the bytes as they are.
    """
    fields = [model._meta.get_field(name) for name in values]
    params = [f.get_db_prep_save(values[f.name], connection) for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        marks = ", ".join("?" * len(params))
        return connection.connection.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", params).lastrowid
    import psycopg

    # %b: bytes travel in binary format, not as a hex text twice their size.
    marks = ", ".join("%b" if isinstance(values[f.name], bytes) else "%s" for f in fields)
    params = [values[f.name] if isinstance(values[f.name], bytes) else p
              for f, p in zip(fields, params)]
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id", params)
        return cursor.fetchone()[0]


def _chunks(frame: pl.DataFrame, cut_at: int | None):
    start = 0
    while start < frame.height:
        end = min(start + CHUNK_ROWS, frame.height)
        if cut_at is not None and start < cut_at < end:
            end = cut_at
        yield frame.slice(start, end - start)
        start = end


def _column_list(frame: pl.DataFrame) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in frame.columns)


def _sqlite_chunk(table: str, chunk: pl.DataFrame) -> None:
    marks = ", ".join("?" * chunk.width)
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({_column_list(chunk)}) VALUES ({marks})"
    # The raw sqlite3 connection skips Django's per-row parameter conversion; it is inside
    # the same transaction because Django began it on this very connection.
    connection.connection.executemany(sql, chunk.iter_rows())


def _postgres_chunk(table: str, chunk: pl.DataFrame) -> None:
    data = chunk.write_csv(include_header=False, null_value=NULL, quote_style="non_numeric")
    sql = (f"COPY {connection.ops.quote_name(table)} ({_column_list(chunk)}) "
           f"FROM STDIN (FORMAT csv, NULL '{NULL}')")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            copy.write(data.encode("utf-8"))


def read_frame(sql: str, columns: list[str]) -> pl.DataFrame:
    """The rows of a query whose result columns are all text, as a DataFrame (nulls kept).

    PostgreSQL: COPY ... TO STDOUT as CSV, parsed by Polars. Every value quoted (FORCE_QUOTE)
    and null left unquoted-empty, so Polars tells an empty text from a null. SQLite: fetch
    the tuples and build the columns, which beats letting Polars transpose rows itself.
    """
    schema = {name: pl.Utf8 for name in columns}
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        rows = connection.connection.execute(sql).fetchall()
        return pl.DataFrame(dict(zip(columns, map(list, zip(*rows)))) if rows else None,
                            schema=schema)
    data = bytearray()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv, FORCE_QUOTE *)") as copy:
            for block in copy:
                data += block
    if not data:
        return pl.DataFrame(schema=schema)
    return pl.read_csv(bytes(data), has_header=False, new_columns=columns, schema=schema)
