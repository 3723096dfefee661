"""Writing and reading an encoded civil-registry extract (formats.md section 10): a CSV, UTF-8 without
BOM, `,`, the headers of ENCODED_REGISTRY_HEADERS in that order, every value text.

A CLK is base64 and may begin with `+`, which a spreadsheet would run: values go through the
product's one rule for that (domain/formula.py), and a reader takes the mark off again
(csv_read_back). Written beside the target and renamed into place, so a half-written file is
never taken for an extract.
"""
from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from pemilih.contract import ENCODED_LINKAGE_COLUMNS, ENCODED_REGISTRY_HEADERS
from pemilih.domain.formula import csv_read_back, csv_safe


def write(encoded: pl.DataFrame, path: str | os.PathLike) -> Path:
    target = Path(path)
    partial = target.with_name(f".{target.name}.sebagian")
    frame = csv_safe(encoded.select(list(ENCODED_REGISTRY_HEADERS))).rename(ENCODED_REGISTRY_HEADERS)
    frame = frame.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in frame.columns)  # blank: empty
    try:
        frame.write_csv(partial, line_terminator="\n", quote_style="necessary", null_value="")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def is_encoded(header: list[str]) -> bool:
    """Whether a CSV header is an encoded extract's (its first column is TOKEN_NIK)."""
    return bool(header) and header[0].lstrip("\ufeff").strip() == ENCODED_REGISTRY_HEADERS["token_nik"]


def read(path: str | os.PathLike, columns: list[str] | None = None) -> pl.DataFrame:
    """An encoded extract as written: canonical names, every value text, blanks empty, the
    spreadsheet marks taken off; only `columns` (canonical) when given. ValueError (Bahasa
    Indonesia) when a column of the first form is missing. The columns added for verification
    (ENCODED_LINKAGE_COLUMNS) are read when present: a file of the first form lacks them."""
    wanted = {c: h for c, h in ENCODED_REGISTRY_HEADERS.items() if columns is None or c in columns}
    header = pl.read_csv(path, infer_schema=False, n_rows=0).columns
    required = [h for c, h in wanted.items() if c not in ENCODED_LINKAGE_COLUMNS]
    missing = [h for h in required if h not in header]
    if missing:
        raise ValueError(f"{Path(path).name} bukan ekstrak terenkode: kolom {', '.join(missing)} tidak ada")
    present = {h: c for c, h in wanted.items() if h in header}
    frame = pl.read_csv(path, infer_schema=False, columns=list(present))
    return csv_read_back(frame.select(list(present)).rename(present).fill_null(""))


def first_form(frame: pl.DataFrame) -> bool:
    """Whether an extract read by read() is of the first form (without the linkage columns)."""
    return any(c not in frame.columns for c in ENCODED_LINKAGE_COLUMNS)
