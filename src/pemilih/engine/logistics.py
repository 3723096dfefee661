"""Election logistics per TPS: ballots with their reserve, and the equipment every TPS gets.

The reserve is a percentage of each TPS's voters, rounded up, computed per TPS and never on
a total (domain.md section 6): Pemilu 2024 adds 2% (300 voters -> 6, 306 ballots), Pilkada
2024 2.5% (550 -> 13.75 -> 14). Summing per-TPS reserves gives more than the percentage of
the sum, and that difference is real paper that has to be printed and delivered. The
arithmetic is exact (integers and fractions): with floats 300 * (7 / 100) is
21.000000000000004, which rounds up to 22 instead of 21 (a committee may pick any figure).

Tables in, tables out: `logistics(counts, params)`; the parameters and the reserve rule are
the domain's (domain/logistics.py); writing the workbook is io/logistics_xlsx.py's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import polars as pl

from pemilih.contract import LOGISTICS_AMOUNTS, LOGISTICS_COUNT_COLUMNS
from pemilih.domain.logistics import EQUIPMENT, LogisticsParams, percent, reserve  # noqa: F401 (re-exported)

COUNT_COLUMNS, AMOUNTS = LOGISTICS_COUNT_COLUMNS, LOGISTICS_AMOUNTS


def reserve_expr(voters: pl.Expr, pct) -> pl.Expr:
    """The same as `reserve`, as a Polars expression on integer columns (no float involved)."""
    share = Fraction(percent(pct)) / 100
    num, den = share.numerator, share.denominator
    return (voters.cast(pl.Int64) * num + (den - 1)) // den


@dataclass
class Logistics:
    per_tps: pl.DataFrame        # kecamatan, desa, kode_desa, tps, then AMOUNTS
    per_village: pl.DataFrame    # kecamatan, desa, kode_desa, jumlah_tps, then AMOUNTS
    per_kecamatan: pl.DataFrame  # kecamatan, jumlah_desa, jumlah_tps, then AMOUNTS
    total: dict = field(default_factory=dict)  # kecamatan, desa, tps, then AMOUNTS


def logistics(counts: pl.DataFrame, params: LogisticsParams | None = None) -> Logistics:
    """Ballots and equipment per TPS, then summed per village, per kecamatan and overall."""
    params = params or LogisticsParams()
    _validate(counts)
    per_tps = (counts.select(pl.col("kecamatan", "desa", "kode_desa").cast(pl.String),
                             pl.col("tps").cast(pl.Int64), pl.col("pemilih").cast(pl.Int64))
               .with_columns(reserve_expr(pl.col("pemilih"), params.reserve_percent).alias("cadangan"))
               .with_columns((pl.col("pemilih") + pl.col("cadangan")).alias("surat_suara"),
                             *[pl.lit(getattr(params, f), pl.Int64).alias(c) for c, f in EQUIPMENT.items()])
               .sort("kode_desa", "tps"))
    per_village = (per_tps.group_by("kecamatan", "desa", "kode_desa")
                   .agg(pl.len().cast(pl.Int64).alias("jumlah_tps"), *[pl.col(c).sum() for c in AMOUNTS])
                   .sort("kode_desa"))
    per_kecamatan = (per_village.group_by("kecamatan")
                     .agg(pl.col("kode_desa").min().alias("_first"), pl.len().cast(pl.Int64).alias("jumlah_desa"),
                          pl.col("jumlah_tps").sum(), *[pl.col(c).sum() for c in AMOUNTS])
                     .sort("_first", "kecamatan").drop("_first"))
    total = {"kecamatan": per_kecamatan.height, "desa": per_village.height, "tps": per_tps.height,
             **{c: int(per_tps[c].sum()) for c in AMOUNTS}}
    return Logistics(per_tps, per_village, per_kecamatan, total)


def _validate(counts: pl.DataFrame) -> None:
    missing = [c for c in COUNT_COLUMNS if c not in counts.columns]
    if missing:
        raise ValueError(f"kolom tidak ada: {', '.join(missing)}")
    for col in ("kode_desa", "tps", "pemilih"):
        if counts[col].null_count():
            raise ValueError(f"kolom {col} tidak boleh kosong")
    if counts.height and counts["pemilih"].min() < 0:
        raise ValueError("jumlah pemilih tidak boleh negatif")
    if counts.select("kode_desa", "tps").is_duplicated().any():
        raise ValueError("satu TPS tercatat lebih dari sekali (kode_desa dan tps sama)")
    names = counts.select("kode_desa", "kecamatan", "desa").unique()
    if names["kode_desa"].n_unique() != names.height:
        raise ValueError("satu kode desa memakai lebih dari satu nama desa atau kecamatan")
