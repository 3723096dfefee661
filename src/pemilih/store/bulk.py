"""Bulk writes into the store's tables, outside the ORM's row-by-row path.

SQLite: executemany on the raw sqlite3 connection, binding only the values that change from
row to row (see _sqlite_chunk). PostgreSQL: COPY ... FROM STDIN through
psycopg on Django's connection, fed CSV that Polars writes (in Rust, far faster than Python
formatting rows). Both run inside the caller's transaction.atomic(): they use Django's own
connection, so the rows land or vanish with everything else the import wrote.
"""
from __future__ import annotations

import io
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
    connection.ensure_connection()
    if connection.vendor != "sqlite":
        return _postgres_copy(table, frame, after_chunk, cut_at)
    written = 0
    for chunk in _chunks(frame, cut_at):
        _sqlite_chunk(table, chunk)
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


# Python's sqlite3 spends ~0.35 us on each bound value (a None more than twice that: it goes
# through the adapter lookup), most of an executemany's time; preparing and running one more
# statement costs ~40 us. Measured on the 2-core VM; only their ratio matters below.
_BIND_US, _STATEMENT_US = 0.35, 40.0


def _sqlite_chunk(table: str, chunk: pl.DataFrame) -> None:
    """executemany over stretches of rows. A column that seldom changes down the chunk (the
    batch, the file, the sheet, the village and TPS of a list sorted by them, an empty column)
    is written into each stretch's statement as a literal instead of being bound on every
    row; the other columns are bound, a null as a sentinel of a type the column never holds,
    turned back into NULL by NULLIF. Stored values and types are those of plain binding."""
    steady, starts = _steady_columns(chunk)
    bound = {name: _bound_values(chunk.get_column(name)) for name in chunk.columns if name not in steady}
    firsts = chunk.select(steady)[starts].rows() if steady else [()] * len(starts)
    head = f"INSERT INTO {connection.ops.quote_name(table)} ({_column_list(chunk)}) VALUES ("
    for start, end, first in zip(starts, [*starts[1:], chunk.height], firsts):
        literal = dict(zip(steady, first))
        values, lists = [], []
        for name in chunk.columns:
            if name in bound:
                values.append(bound[name][0])
                lists.append(bound[name][1][start:end])
            elif (text := _literal(literal[name])) is not None:
                values.append(text)
            else:  # the same value all along the stretch, but one a literal cannot carry
                values.append("?")
                lists.append([literal[name]] * (end - start))
        # The raw sqlite3 connection skips Django's per-row parameter conversion; it is in the
        # same transaction because Django began it on this very connection. zip() over the
        # columns builds the row tuples in C (and reuses them), cheaper than iter_rows().
        rows = zip(*lists) if lists else (() for _ in range(end - start))
        connection.connection.executemany(head + ", ".join(values) + ")", rows)


def _steady_columns(chunk: pl.DataFrame) -> tuple[list[str], list[int]]:
    """(columns written as literals, first row of each stretch in which none of them changes).

    Greedy, fewest changes first: a column joins when the binds it saves cost more than the
    statements its changes add (one that changes where others already do adds none)."""
    candidates = [c for c in chunk.columns
                  if chunk.schema[c] in (pl.String, pl.Null) or chunk.schema[c].is_integer()]
    if not candidates or chunk.height < 2:
        return [], [0]
    later = pl.int_range(pl.len()) > 0  # the first row starts the first stretch anyway
    changes = chunk.select((pl.col(c).ne_missing(pl.col(c).shift(1)) & later).alias(c) for c in candidates)
    counts = dict(zip(candidates, changes.sum().row(0)))
    chosen, edges, stretches = [], None, 1
    for name in sorted(candidates, key=counts.__getitem__):
        joined = changes[name] if edges is None else edges | changes[name]
        more = int(joined.sum()) + 1
        if (more - stretches) * _STATEMENT_US <= chunk.height * _BIND_US:
            chosen, edges, stretches = [*chosen, name], joined, more
    starts = [0] + (edges.arg_true().to_list() if edges is not None else [])
    return chosen, starts


def _bound_values(series: pl.Series) -> tuple[str, list]:
    """(what the VALUES list holds for this column, its values to bind)."""
    values = series.to_list()
    if not series.null_count():
        return "?", values
    # Text columns hold str only and integer columns int only; SQLite never finds a text
    # equal to an integer, so the sentinel cannot collide with a real value.
    if series.dtype == pl.String:
        return "NULLIF(?, 0)", [0 if v is None else v for v in values]
    if series.dtype.is_integer():
        return "NULLIF(?, '')", ["" if v is None else v for v in values]
    return "?", values


def _literal(value) -> str | None:
    """SQL text for a value stored exactly as if bound, or None when it must be bound."""
    if value is None:
        return "NULL"
    if value.__class__ is int and abs(value) < 2 ** 62:
        return str(value)
    if value.__class__ is str and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def _postgres_copy(table: str, frame: pl.DataFrame, after_chunk, cut_at: int | None) -> int:
    """One COPY for the whole frame, fed a chunk at a time: the server parses a chunk while
    the next is formatted here (a COPY per chunk would make each side wait for the other)."""
    sql = (f"COPY {connection.ops.quote_name(table)} ({_column_list(frame)}) "
           f"FROM STDIN (FORMAT csv, NULL '{NULL}')")
    written = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for chunk in _chunks(frame, cut_at):
                data = io.BytesIO()  # UTF-8 bytes straight from Polars: no Python str to encode again
                chunk.write_csv(data, include_header=False, null_value=NULL, quote_style="non_numeric")
                copy.write(data.getbuffer())
                written += chunk.height
                if after_chunk:
                    after_chunk(written)
    return written


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
