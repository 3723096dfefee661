"""Election logistics per TPS: ballots with their reserve, and the equipment every TPS gets.

The reserve is a percentage of each TPS's voters, rounded up, computed per TPS and never on
a total (domain.md section 6): Pemilu 2024 adds 2% (300 voters -> 6, 306 ballots), Pilkada
2024 2.5% (550 -> 13.75 -> 14). Summing per-TPS reserves gives more than the percentage of
the sum, and that difference is real paper that has to be printed and delivered. The
arithmetic is exact (integers and fractions): with floats 300 * (7 / 100) is
21.000000000000004, which rounds up to 22 instead of 21 (a committee may pick any figure).

Tables in, tables out: `logistics(counts, params)`; writing the workbook is
io/logistics_xlsx.py's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import polars as pl

COUNT_COLUMNS = ["kecamatan", "desa", "kode_desa", "tps", "pemilih"]
AMOUNTS = ["pemilih", "cadangan", "surat_suara", "kotak_suara", "bilik_suara", "tinta", "segel", "formulir"]
# equipment column -> LogisticsParams field (count per TPS)
EQUIPMENT = {"kotak_suara": "ballot_boxes", "bilik_suara": "booths", "tinta": "ink_bottles",
             "segel": "seal_sets", "formulir": "form_sets"}

# Per-TPS figures of each kind of election. Booths (4) and ink (2 bottles) per TPS are KPU's
# Pemilu 2024 figures (3,280,644 booths and 1,640,322 bottles for 820,161 TPS); seals and
# forms are counted here in sets, one per TPS. Ballot boxes: one per election type held at the
# TPS (PKPU 12/2024): five in Pemilu 2024 (President, DPR, DPD, DPRD province, DPRD regency;
# four in Jakarta), two in Pilkada 2024 (governor and regent voted together).
PRESETS: dict[str, dict] = {
    "pemilu": {"reserve_percent": "2", "ballot_boxes": 5},
    "pilkada": {"reserve_percent": "2.5", "ballot_boxes": 2},
    # Pilkalem: no national reserve rule was found (domain.md 5.1); the percentage is a decision
    # of the committee (panitia pemilihan). 2.5% follows Pilkada until the committee decides.
    "pilkalem": {"reserve_percent": "2.5", "ballot_boxes": 1},
}
PRESET_LABELS = {"pemilu": "Pemilu", "pilkada": "Pilkada", "pilkalem": "Pilkalem"}


@dataclass(frozen=True)
class LogisticsParams:
    """What one TPS gets. reserve_percent is kept as a Decimal (give it as "2.5", 2.5 or
    Decimal("2.5")); the counts are per TPS. Defaults: a village-head election (Pilkalem)."""
    reserve_percent: Decimal = Decimal("2.5")
    ballot_boxes: int = 1
    booths: int = 4
    ink_bottles: int = 2
    seal_sets: int = 1
    form_sets: int = 1
    preset: str | None = "pilkalem"

    def __post_init__(self):
        object.__setattr__(self, "reserve_percent", _percent(self.reserve_percent))
        for name in EQUIPMENT.values():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} harus bilangan bulat 0 atau lebih, bukan {value!r}")

    @classmethod
    def for_election(cls, name: str, **overrides) -> "LogisticsParams":
        """A named preset ("pemilu", "pilkada", "pilkalem"), any field overridden."""
        if name not in PRESETS:
            raise ValueError(f"jenis pemilihan tidak dikenal: {name!r} (pilih: {', '.join(PRESETS)})")
        return cls(**{**PRESETS[name], "preset": name, **overrides})


def _percent(value) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the reserve.
    try:
        pct = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(f"persentase cadangan tidak terbaca: {value!r}") from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ValueError(f"persentase cadangan harus antara 0 dan 100, bukan {value!r}")
    return pct


def reserve(voters: int, percent) -> int:
    """ceil(voters * percent / 100), exactly: reserve(250, "2.5") == 7, reserve(200, "2.5") == 5."""
    share = Fraction(_percent(percent)) / 100
    return -(-voters * share.numerator // share.denominator)


def reserve_expr(voters: pl.Expr, percent) -> pl.Expr:
    """The same as `reserve`, as a Polars expression on integer columns (no float involved)."""
    share = Fraction(_percent(percent)) / 100
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
