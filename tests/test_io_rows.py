"""Voter rows told from summary, signature and blank rows (pemilih.io.rows.classify)."""
from __future__ import annotations

import polars as pl

from pemilih.io.rows import classify

NIK = "7326155205800001"


def _frame(rows: list[tuple]) -> pl.DataFrame:
    names = ["no", "nik", "nama", "rt"]
    frame = pl.DataFrame([dict(zip(names, r)) for r in rows], schema=dict.fromkeys(names, pl.String))
    return frame.with_columns(pl.lit(0, pl.Int32).alias("_src"))


def test_signature_block_with_month_name_and_apostrophe():
    frame = _frame([("1", NIK, "A", "001"), (None, None, None, None),
                    ("JUMLAH : L = 1, P = 0, TOTAL = 1", None, None, None), (None, None, None, "Sa'dan, 21 Juni 2023"), (None, None, None, "KETUA PPS"),
                    (None, None, "Mengetahui,", None), (None, None, None, "YOHANES PALIMBONG")])
    assert classify(frame, ["no", "nik", "nama", "rt"]).to_list() == [True] + [False] * 6


def test_rows_with_a_nik_are_always_voters_and_short_rows_before_the_block_too():
    frame = _frame([("1", NIK, "KETUA RT", None), (None, None, "HANYA NAMA", None), ("2", NIK, "B", "002"),
                    (None, None, None, "Rantepao, 21-06-2023"), (None, None, None, "KETUA PPS"),
                    ("3", NIK, "TERLAMBAT DITULIS", "003"), (None, None, "NAMA PENANDA TANGAN", None)])
    assert classify(frame, ["no", "nik", "nama", "rt"]).to_list() == [True, True, True, False, False, True, False]


def test_each_sheet_has_its_own_block():
    first = _frame([("1", NIK, "A", "001"), (None, None, None, "KETUA PPS"), (None, None, None, "B")])
    second = _frame([(None, None, "HANYA NAMA", None), ("2", NIK, "C", "001")])
    both = pl.concat([first, second.with_columns(pl.lit(1, pl.Int32).alias("_src"))])
    assert classify(both, ["no", "nik", "nama", "rt"]).to_list() == [True, False, False, True, True]


def test_header_repeated_on_a_later_page_and_column_numbers():
    frame = _frame([("1", NIK, "A", "001"), ("NO", "NIK", "NAMA", "RT"), ("(1)", "(2)", "(3)", "(4)"),
                    ("2", NIK, "B", "002"), ("3", None, "NAMA BELUM ADA NIK", "1")])
    assert classify(frame, ["no", "nik", "nama", "rt"]).to_list() == [True, False, False, True, True]
