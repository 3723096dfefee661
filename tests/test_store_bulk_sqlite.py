"""The SQLite bulk writer stores exactly what a plain row-by-row INSERT stores.

bulk.write_frame writes constant columns as SQL literals and binds nulls as sentinels (speed);
the ground truth here is a plain sqlite3 executemany of the same rows, every value bound as
itself, compared value by value and type by type (typeof), in the same table layout.
"""
from __future__ import annotations

import sqlite3

import polars as pl
import pytest

COLUMNS = "t_const, t_null, t_some_null, t_varied, i_const, i_some_null, i_varied, f_varied, b_varied"


def _rows() -> list[tuple]:
    """Hand-made rows: quotes, unicode, empty vs null, a NUL character, big integers."""
    texts = ["O'NEIL", 'kata "kutip"', "", "JOSÉ\nTANDI", "a\x00b", "\\N", "73.26.01.2001", "x"]
    rows = []
    for i in range(40):
        rows.append((
            "SA'DAN; -- ",  # one value throughout, with a quote
            None,  # null throughout
            None if i % 3 == 0 else texts[i % len(texts)],
            texts[(i * 5) % len(texts)],
            7,
            None if i % 4 == 1 else i - 20,
            (2 ** 62 + i) if i % 7 == 0 else -i,
            i / 3,
            i % 2 == 0,
        ))
    return rows


def _runs() -> list[tuple]:
    """Long stretches of one value (as a list sorted by village and TPS), some of them values a
    literal cannot carry, with the varying columns in between."""
    rows = []
    for i in range(600):
        stretch = i // 150
        rows.append((
            ["LEMBANG A", "a\x00b", "SA'DAN", None][stretch],
            None if stretch % 2 else f"TPS {stretch}",
            f"nama {i}",
            None if i % 5 == 0 else f"v{i % 3}",
            [7, 2 ** 63 - 1, -3, None][stretch],
            None if i % 4 == 1 else i - 20,
            i,
            i / 3,
            stretch == 2,
        ))
    return rows


def _frame(rows: list[tuple]) -> pl.DataFrame:
    names = [c.strip() for c in COLUMNS.split(",")]
    schema = {n: (pl.String if n.startswith("t_") else pl.Int64 if n.startswith("i_")
                  else pl.Float64 if n.startswith("f_") else pl.Boolean) for n in names}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _stored(execute) -> list[tuple]:
    parts = ", ".join(f"typeof({c}), {c}" for c in (c.strip() for c in COLUMNS.split(",")))
    return execute(f"SELECT {parts} FROM bulk_probe ORDER BY rowid").fetchall()


@pytest.fixture
def probe_table(workspace):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite writer only")
    connection.ensure_connection()
    connection.connection.execute(f"CREATE TEMP TABLE bulk_probe ({COLUMNS})")
    yield connection
    connection.connection.execute("DROP TABLE temp.bulk_probe")


@pytest.mark.parametrize("rows", [_rows(), _rows()[:1], [_rows()[0]] * 5, _runs()],
                         ids=["mixed", "one-row", "all-constant", "stretches"])
def test_sqlite_writer_stores_what_plain_inserts_store(probe_table, rows):
    from pemilih.store import bulk

    bulk.write_frame("bulk_probe", _frame(rows))
    got = _stored(probe_table.connection.execute)

    plain = sqlite3.connect(":memory:")
    plain.execute(f"CREATE TABLE bulk_probe ({COLUMNS})")
    plain.executemany(f"INSERT INTO bulk_probe VALUES ({', '.join('?' * len(rows[0]))})", rows)
    assert got == _stored(plain.execute)
    assert len(got) == len(rows)


def test_stretches_follow_the_columns_that_seldom_change():
    from pemilih.store.bulk import _steady_columns

    steady, starts = _steady_columns(_frame(_runs()))
    assert {"t_const", "t_null", "i_const"} <= set(steady)
    assert not {"t_some_null", "t_varied", "i_varied"} & set(steady)
    assert starts == [0, 150, 300, 450]


def test_sqlite_writer_literal_never_used_for_unsafe_values():
    from pemilih.store.bulk import _literal

    assert _literal("a\x00b") is None
    assert _literal(2 ** 63 - 1) is None
    assert _literal(True) is None and _literal(1.5) is None
    assert _literal("O'NEIL") == "'O''NEIL'"
    assert _literal(-5) == "-5"
    assert _literal(None) == "NULL"
