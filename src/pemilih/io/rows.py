"""Telling voter rows from the other rows found below a header.

Below the data, forms carry a summary (`JUMLAH : L = 120, P = 131, TOTAL = 251`) and a
signature block (`Rantepao, 14-11-2023`, `KETUA PPS`, a name); between them blank rows.
None of these may become a voter, and no voter row may be lost, so the rules are narrow:

* a row with a NIK- or NKK-like value (6+ digits, or a number cell) is always a voter row;
* a summary row starts with JUMLAH/TOTAL/REKAP; a signature marker is a short row (at most
  3 cells) holding a place and date, or an office (KETUA, SEKRETARIS, ANGGOTA, MENGETAHUI...);
* after the first summary or marker of a source, a short row (at most 2 cells, no id) is
  part of the block (the signer's name);
* the header printed again on a later page (NIK or NAMA cell holding its own column name) and
  a `(1) (2) (3)` column-number row are not voters either;
* blank rows are skipped; every other row is a voter row, however incomplete.
"""
from __future__ import annotations

import polars as pl

_SUMMARY = r"^(JUMLAH|TOTAL|REKAP|REKAPITULASI)\b"
_OFFICE = (r"^(KETUA|SEKRETARIS|ANGGOTA|MENGETAHUI|KEPALA|PPS|PPK|KPPS|PANTARLIH|PANITIA|"
           r"DISAHKAN|DIBUAT|DITETAPKAN|TTD|TANDA TANGAN|CAMAT|LURAH)\b")
_PLACE_DATE = r"^[A-Z][A-Z .'`-]*,\s*\d{1,2}\s*[-/ .]\s*([0-9]{1,2}|[A-Z]+)\s*[-/ .]\s*\d{4}$"
_ID = r"\d{6}"
_COLUMN_NUMBER = r"^\(\d{1,2}\)$"
_HEADER_AGAIN = {"nik": r"^NO\.?\s*NIK$|^NIK$", "nama": r"^NAMA(\s+(LENGKAP|PEMILIH))?$"}


def classify(df: pl.DataFrame, value_columns: list[str]) -> pl.Series:
    """A boolean Series: True for voter rows. Rows must be in sheet order within `_src`."""
    cells = [pl.col(c) for c in value_columns if c in df.columns]
    if not cells or df.height == 0:
        return pl.Series("keep", [False] * df.height, dtype=pl.Boolean)
    id_like = pl.lit(False)
    for col in ("nik", "nkk"):
        if col in df.columns:
            id_like = id_like | pl.col(col).str.contains(_ID).fill_null(False)
    for flag in ("_nik_num", "_nkk_num"):
        if flag in df.columns:
            id_like = id_like | pl.col(flag).fill_null(False)
    flags = df.select(pl.sum_horizontal([c.is_not_null() for c in cells]).alias("filled"),
                      id_like.alias("id_like"))
    # Only rows without a NIK/NKK can be summary or signature rows: look at their text alone.
    maybe = flags.select((pl.col("filled") > 0) & ~pl.col("id_like")).to_series()
    if not maybe.any():
        return (flags["filled"] > 0).alias("keep")
    few = (df.with_columns(flags).with_row_index("_at").filter(maybe)
           .select("_at", "_src", "filled", pl.concat_str(cells, separator=" ", ignore_nulls=True)
                   .str.to_uppercase().str.strip_chars().alias("text")))
    text = pl.col("text")
    few = few.with_columns(text.str.contains(_SUMMARY).alias("summary"),
                           ((pl.col("filled") <= 3) & (text.str.contains(_OFFICE) | text.str.contains(_PLACE_DATE)))
                           .alias("marker"))
    started = (pl.col("summary") | pl.col("marker")).cast(pl.Int8).cum_max().over("_src").cast(pl.Boolean)
    footer = few.filter(pl.col("summary") | pl.col("marker") | (started & (pl.col("filled") <= 2))
                        | pl.col("_at").is_in(_not_data(df, cells, maybe).implode()))["_at"]
    index = pl.int_range(0, df.height, dtype=pl.UInt32)
    return flags.select(((pl.col("filled") > 0) & ~index.is_in(footer.implode())).alias("keep")).to_series()


def _not_data(df: pl.DataFrame, cells: list[pl.Expr], maybe: pl.Series) -> pl.Series:
    """Positions of repeated header rows and `(1) (2) (3)` rows among the rows without an id."""
    part = df.with_row_index("_at").filter(maybe)
    numbers = pl.all_horizontal([c.is_null() | c.str.contains(_COLUMN_NUMBER) for c in cells]) & (
        pl.sum_horizontal([c.is_not_null() for c in cells]) >= 3)
    again = pl.lit(False)
    for col, pattern in _HEADER_AGAIN.items():
        if col in df.columns:
            again = again | pl.col(col).str.to_uppercase().str.contains(pattern).fill_null(False)
    return part.filter(numbers | again)["_at"]
