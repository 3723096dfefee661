"""What the registry says about each resident's right to vote, column-wise.

The rules of pemilih.domain.eligibility (TNI, Polri, age with marriage, the Pilkalem
six-month domicile rule) applied to a whole extract at once, plus the two facts only the
registry knows: death (TMS-1) and a move out of the area the extract covers (TMS-4; the area
is its regency, or its province for a provincial extract). Precedence as in the code tables:
TMS-1, TMS-4, TMS-6, TMS-7, TMS-3, then TMS-D.

A move inside that area is not a TMS: the record's village becomes its destination (the
voter gets a `U` on KODE DESA instead), formats.md section 4.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from pemilih.domain import eligibility as E
from pemilih.domain.codes import code_table
from pemilih.engine.held import text

STATUS_SCHEMA = {"rid": pl.UInt32, "code": pl.String}
def home_area(registry: pl.DataFrame) -> str | None:
    """The area the extract covers, as a region-code prefix: its regency (`73.26`) when more
    than half its records are of one regency, else its province (`73`) when more than half are
    of one province (a provincial extract). A move inside the area is no TMS-4."""
    codes = registry.select(text("kode_wilayah").drop_nulls().alias("k"))
    if codes.height == 0:
        return None
    for width in (5, 2):  # regency, then province
        top = codes.group_by(pl.col("k").str.slice(0, width)).len().sort("len", descending=True)
        if 2 * top["len"][0] > codes.height:
            return top["k"][0]
    return None


def current_village(registry: pl.DataFrame, area: str | None) -> pl.DataFrame:
    """The registry with `kode_wilayah` set to the destination of a move within the area
    `area` (home_area: a regency or a province)."""
    if area is None:
        return registry
    inside = pl.col("tgl_pindah").is_not_null() & text("kode_wilayah_tujuan").str.starts_with(area + ".")
    return registry.with_columns(
        pl.when(inside.fill_null(False)).then(text("kode_wilayah_tujuan"))
        .otherwise(text("kode_wilayah")).cast(registry.schema["kode_wilayah"]).alias("kode_wilayah"))


def _date(col: str) -> pl.Expr:
    return text(col).str.to_date("%Y-%m-%d", strict=False)


def age_on(birth: pl.Expr, day: date) -> pl.Expr:
    before = (birth.dt.month() > day.month) | ((birth.dt.month() == day.month) & (birth.dt.day() > day.day))
    return (pl.lit(day.year) - birth.dt.year() - before.cast(pl.Int32)).cast(pl.Int32)


def _iso(col: str) -> pl.Expr:
    """The value when it is an ISO date (the readers write valid dates so), else null."""
    return pl.when(pl.col(col).str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(pl.col(col))


def statuses(registry: pl.DataFrame, voting_day: date, regime: str, dps_set_on: date | None,
             area: str | None) -> pl.DataFrame:
    """STATUS_SCHEMA: per registry record, the TMS code it carries (or null) and its age.

    Ages are compared as ISO text: born after `voting_day` minus 17 years (same month and
    day) is under 17, exactly as eligibility.age_on counts; only the few arrival dates are
    parsed as dates."""
    born = _iso("tanggal_lahir")
    cutoff = f"{voting_day.year - E.VOTING_AGE:04d}-{voting_day.month:02d}-{voting_day.day:02d}"
    job = text("pekerjaan").fill_null("").str.to_uppercase().str.strip_chars()
    married = pl.col("status_kawin").is_in(["S", "P"]).fill_null(False)
    dead = (text("status").fill_null("") == "MATI") | pl.col("tgl_mati").is_not_null()
    if area is None:
        gone = pl.col("tgl_pindah").is_not_null()
    else:
        inside = text("kode_wilayah_tujuan").str.starts_with(area + ".").fill_null(False)
        elsewhere = ~text("kode_wilayah").str.starts_with(area + ".").fill_null(True)
        gone = (pl.col("tgl_pindah").is_not_null() & ~inside) | elsewhere
    code = (pl.when(dead).then(pl.lit("TMS-1")).when(gone).then(pl.lit("TMS-4"))
            .when(job == E.TNI_OCCUPATION).then(pl.lit("TMS-6"))
            .when(job == E.POLRI_OCCUPATION).then(pl.lit("TMS-7"))
            .when(~married & _young(registry, born, cutoff)).then(pl.lit("TMS-3")))
    if dps_set_on is not None and "TMS-D" in code_table(regime):
        arrived = pl.when(pl.col("tgl_datang").is_not_null()).then(_date("tgl_datang"))
        recent = arrived.dt.offset_by(f"{E.DOMICILE_MONTHS}mo") > pl.lit(dps_set_on)
        code = code.when(recent.fill_null(False)).then(pl.lit("TMS-D"))
    out = registry.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"), code.otherwise(None).alias("code"))
    return out.cast({"rid": pl.UInt32, "code": pl.String})


def _young(registry: pl.DataFrame, born: pl.Expr, cutoff: str) -> pl.Expr:
    """Born after the cutoff. An encoded extract withholds most birth dates and releases the
    year (THN_LHR): a year after the cutoff's is young, one before it not; the cutoff's own year
    has its dates (engine/encoded_registry.with_known_dates)."""
    young = born.is_not_null() & (born > cutoff)
    if "thn_lahir" not in registry.columns:
        return young
    year = pl.col("thn_lahir").cast(pl.Int32, strict=False)
    return pl.when(born.is_not_null()).then(young).otherwise((year > int(cutoff[:4])).fill_null(False))


def ages(registry: pl.DataFrame, rids: pl.Series, day: date) -> pl.Series:
    """Age on `day` of the registry records at `rids` (null when the birth date is unknown)."""
    born = registry["tanggal_lahir"].gather(rids).to_frame("b").select(_iso("b").str.to_date("%Y-%m-%d"))
    return born.select(age_on(pl.col("b"), day)).to_series()
