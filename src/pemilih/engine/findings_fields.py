"""Field by field: where a linked list row differs from its registry record.

Long table, one row per (list row, field) that differs beyond what is cosmetic (formats.md
section 4): case, spacing and punctuation of names, places and addresses, `MUH.`/`MUHAMMAD`
and titles in names (pemilih.domain.names.cosmetic_key), `1`/`001` in RT and RW. A value
the registry does not have is never proposed. Values are printed as formats.md wants them
(dates `DD-MM-YYYY`); a list value that could not be read stays as it was written.

KODE DESA is compared only when the list row names a real village: a village the reader
could not resolve is a data-quality finding of its own, not a move.
"""
from __future__ import annotations

import polars as pl

from pemilih.contract import KPU_HEADERS
from pemilih.domain.dates import printed_date
from pemilih.engine import names

DIFF_SCHEMA = {"lid": pl.UInt32, "field": pl.String, "current": pl.String, "proposed": pl.String}
# (field as findings name it, list column, registry column, how to compare), in findings order.
FIELDS = [(KPU_HEADERS[list_col], list_col, registry_col, how) for list_col, registry_col, how in (
    ("nik", "nik", "exact"), ("nkk", "nkk", "exact"), ("nama", "nama", "name"),
    ("tempat_lahir", "tempat_lahir", "key"), ("tanggal_lahir", "tanggal_lahir", "date"),
    ("jenis_kelamin", "jenis_kelamin", "exact"), ("status_kawin", "status_kawin", "exact"),
    ("alamat", "alamat", "key"), ("rt", "rt", "number"), ("rw", "rw", "number"),
    ("kode_desa", "kode_wilayah", "village"))]
FIELD_ORDER = [field for field, *_ in FIELDS]
_VILLAGE = r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"


def _number(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().cast(pl.Int64, strict=False)


def _differs(how: str, a: str, b: str) -> pl.Expr:
    if how == "key":
        return names.place_key(a) != names.place_key(b)
    if how == "number":
        both = _number(a).is_not_null() & _number(b).is_not_null()
        return pl.when(both).then(_number(a) != _number(b)).otherwise(
            pl.col(a).fill_null("").str.strip_chars() != pl.col(b).str.strip_chars())
    if how == "village":
        return pl.col(a).str.contains(_VILLAGE).fill_null(False) & (pl.col(a) != pl.col(b))
    # exact, date, name (names are refined below, on the few that differ in letters at all)
    return pl.col(a).fill_null("").str.strip_chars() != pl.col(b).str.strip_chars()


def differences(list_records: pl.DataFrame, registry_records: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    """DIFF_SCHEMA rows for every field of a linked row that differs (registry value present).

    One field at a time, on just its two columns taken at the links' positions: the whole
    list side by side with the registry would be two hundred megabytes for a regency."""
    parts = []
    for field, lcol, rcol, how in FIELDS:
        pair = links.select("lid").with_columns(list_records[lcol].gather(links["lid"]).alias("a"),
                                                registry_records[rcol].gather(links["rid"]).cast(pl.String).alias("b"))
        # Most values are equal as written: the finer comparisons run on the rest only.
        pair = pair.filter(pl.col("b").is_not_null() & (pl.col("a").is_null() | (pl.col("a") != pl.col("b"))))
        hit = pair.filter((pl.col("b").str.strip_chars() != "") & _differs(how, "a", "b").fill_null(True))
        if how == "name" and hit.height:
            hit = hit.filter(names.cosmetic_key("a") != names.cosmetic_key("b"))
        current = printed_date("a") if how == "date" else pl.col("a")
        proposed = printed_date("b") if how == "date" else pl.col("b")
        parts.append(hit.select("lid", pl.lit(field).alias("field"),
                                current.fill_null("").alias("current"), proposed.alias("proposed")))
    out = pl.concat(parts) if parts else pl.DataFrame(schema=DIFF_SCHEMA)
    order = {f: i for i, f in enumerate(FIELD_ORDER)}
    return (out.with_columns(pl.col("field").replace_strict(order, return_dtype=pl.Int32).alias("_o"))
            .sort("lid", "_o").drop("_o").cast(DIFF_SCHEMA))
