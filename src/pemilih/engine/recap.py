"""The periodic recap (rekapitulasi) of the voter list: per village, per kecamatan, regency.

Takes the list as it stood at the start and at the end of the period and what happened in
between, and counts, male (L) and female (P) separately, with every total computed from them
(domain.md section 1.5: never store totals independently):
voters at start, new (B), not eligible per TMS code, corrected (U), without KTP-el, at end.

Per village the counts always balance, for L, for P and for both:

    start + new + sex corrected in - TMS - sex corrected out = end

A voter who moved between two villages of the regency leaves one (counted TMS-4, "pindah
domisili": PDPB counts moving out of the desa/kelurahan as TMS 4) and joins the other (counted
new there). A voter who stayed in the village but whose sex (JENIS KELAMIN) was corrected is at
the start under one sex and at the end under the other: counted as leaving the first
(`jk_keluar`) and joining the second (`jk_masuk`); for both sexes together the two cancel.
"""
from __future__ import annotations

import polars as pl

from pemilih.contract import (
    RECAP_KECAMATAN_CODE,
    RECAP_MEASURES_AFTER_TMS,
    RECAP_MEASURES_BEFORE_TMS,
    RECAP_PLACE,
    RECAP_STATE_COLUMNS,
    RECAP_TPS,
    recap_tms_column,
)
from pemilih.domain.village_queue import LABEL as QUEUE_LABEL
from pemilih.domain.village_queue import without_village

PLACE, STATE_COLUMNS = RECAP_PLACE, RECAP_STATE_COLUMNS
MOVED_OUT = "TMS-4"
NO_VILLAGE = "-"
UNKNOWN_TMS = "TMS"  # a removal whose code was not recorded (should not happen; counted apart)
SEX_IN, SEX_OUT = "jk_masuk", "jk_keluar"  # a stayed voter's sex corrected: joins one, leaves the other
SEXES = ("l", "p", "jml")


def village_names(frame: pl.DataFrame) -> pl.DataFrame:
    """kode_desa, kecamatan, desa: each village under the names most of its rows carry (a
    voter added by a change may lack them or carry another spelling; a village must not
    print, count or be supplied under two names). Villages with no name at all get nulls."""
    return (frame.filter(pl.col("desa").is_not_null()).group_by(*PLACE).len()
            .sort(["len", "kecamatan", "desa"], descending=[True, False, False])
            .unique("kode_desa", keep="first")
            .join(frame.select("kode_desa").unique(), on="kode_desa", how="right")
            .select(*PLACE))


def measure_columns(tms_codes: list[str]) -> list[str]:
    """The measures in recap order (each has _l, _p and a computed _jml column)."""
    return [*RECAP_MEASURES_BEFORE_TMS, *[recap_tms_column(c) for c in tms_codes], *RECAP_MEASURES_AFTER_TMS]



def recap(start: pl.DataFrame, end: pl.DataFrame, removals: pl.DataFrame,
          corrected: pl.Series, tms_codes: list[str]) -> pl.DataFrame:
    """Counts per village. `start`/`end`: STATE_COLUMNS; `removals`: key, code (the code of the
    last removal of each key within the period); `corrected`: keys corrected in the period."""
    start, end = _state(start), _state(end)
    both = start.join(end.select("key", pl.col("kode_desa").alias("_end_desa")), on="key", how="left")
    left = both.filter(pl.col("_end_desa").is_null() | (pl.col("_end_desa") != pl.col("kode_desa")))
    left = (left.join(removals.select("key", pl.col("code").alias("_code")), on="key", how="left")
            .with_columns(pl.when(pl.col("_end_desa").is_not_null()).then(pl.lit(MOVED_OUT))
                          .otherwise(pl.col("_code").fill_null(UNKNOWN_TMS)).alias("measure")))
    arrived = (end.join(start.select("key", pl.col("kode_desa").alias("_start_desa")), on="key", how="left")
               .filter(pl.col("_start_desa").is_null() | (pl.col("_start_desa") != pl.col("kode_desa"))))
    was = start.select("key", pl.col("kode_desa").alias("_start_desa"), pl.col("sex").alias("_start_sex"))
    stayed = end.join(was, on="key").filter(pl.col("_start_desa") == pl.col("kode_desa"))
    fixed = stayed.filter(pl.col("key").is_in(corrected.implode()))
    # In the same village, under another sex at the end than at the start: leaves one, joins the other.
    resexed = stayed.filter(pl.col("_start_sex") != pl.col("sex"))
    parts = [
        start.with_columns(pl.lit("awal").alias("measure")),
        arrived.with_columns(pl.lit("baru").alias("measure")),
        left.with_columns(pl.col("measure").str.to_lowercase().str.replace_all("-", "_", literal=True)),
        left.with_columns(pl.lit("tms").alias("measure")),
        fixed.with_columns(pl.lit("ubah").alias("measure")),
        resexed.with_columns(pl.lit(SEX_IN).alias("measure")),  # under the sex at the end
        resexed.with_columns(pl.col("_start_sex").alias("sex"), pl.lit(SEX_OUT).alias("measure")),
        end.filter(pl.col("ktp_el") == "B").with_columns(pl.lit("tanpa_ktpel").alias("measure")),
        end.with_columns(pl.lit("akhir").alias("measure")),
    ]
    counted = pl.concat([p.select(*PLACE, "sex", "measure") for p in parts])
    return _with_tps(_spread(counted, measure_columns(tms_codes)), end)


def _with_tps(villages: pl.DataFrame, end: pl.DataFrame) -> pl.DataFrame:
    """RECAP_TPS after the place: the TPS the village's voters are listed at at the end of the
    period (a TPS is a village's own: its number is unique only within the village)."""
    tps = pl.col("tps").cast(pl.String).str.strip_chars()
    listed = (end.filter(tps.is_not_null() & (tps != "")).group_by("kode_desa")
              .agg(tps.n_unique().alias(RECAP_TPS)))
    return (villages.join(listed, on="kode_desa", how="left", maintain_order="left")
            .with_columns(pl.col(RECAP_TPS).fill_null(0).cast(pl.Int64))
            .select(*PLACE, RECAP_TPS, pl.exclude(*PLACE, RECAP_TPS)))


def _state(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per voter, sex as L/P (anything else counted with neither: it is a data problem
    the check reports; the computed total still includes it)."""
    sex = pl.col("jenis_kelamin").fill_null("").str.strip_chars().str.to_uppercase().str.slice(0, 1)
    # A voter without a village (the unresolved queue) is still a voter: counted on a row of its
    # own, under a kecamatan of its own (never a village of one), never dropped.
    queued = without_village()
    place = [pl.when(queued).then(pl.lit(NO_VILLAGE)).otherwise(pl.col("kode_desa")).alias("kode_desa"),
             pl.when(queued).then(pl.lit(QUEUE_LABEL)).otherwise(pl.col("desa")).alias("desa"),
             pl.when(queued).then(pl.lit(QUEUE_LABEL)).otherwise(pl.col("kecamatan")).alias("kecamatan")]
    if "tps" not in frame.columns:  # a state counted before the TPS was tracked
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("tps"))
    return (frame.select(*STATE_COLUMNS).unique("key", keep="last")
            .with_columns(*place, sex.alias("sex")))


def _spread(counted: pl.DataFrame, measures: list[str]) -> pl.DataFrame:
    names = village_names(counted)
    grouped = counted.group_by("kode_desa", "measure").agg(
        (pl.col("sex") == "L").sum().alias("l"), (pl.col("sex") == "P").sum().alias("p"),
        pl.len().alias("jml"))
    # Villages by their codes (so kecamatan by theirs too), the queue's row last: the order
    # every printed recap lists them in.
    out = names.select(*PLACE).sort(pl.col("kode_desa") == NO_VILLAGE, "kode_desa")
    for m in measures:
        part = grouped.filter(pl.col("measure") == m).select(
            "kode_desa", pl.col("l").alias(f"{m}_l"), pl.col("p").alias(f"{m}_p"),
            pl.col("jml").alias(f"{m}_jml"))
        out = out.join(part, on="kode_desa", how="left", maintain_order="left")
    return out.with_columns(pl.exclude(PLACE).fill_null(0).cast(pl.Int64),
                            pl.col("kecamatan").fill_null("(TANPA KECAMATAN)"),
                            pl.col("desa").fill_null("(TANPA NAMA DESA)"))


def by_kecamatan(villages: pl.DataFrame) -> pl.DataFrame:
    """Per kecamatan, in the order of its Kemendagri code (RECAP_KECAMATAN_CODE: the code most
    of its villages start with), as KPU's forms list them, never by name; the queue of voters
    without a village last."""
    numbers = [c for c in villages.columns if c not in PLACE]
    real = pl.col("kode_desa") != NO_VILLAGE
    villages_counted = real.sum().alias("desa_count")  # the queue is no village
    prefix = pl.col("kode_desa").str.split(".").list.slice(0, 3).list.join(".")
    codes = (villages.filter(real).group_by("kecamatan", prefix.alias(RECAP_KECAMATAN_CODE)).len()
             .sort(["len", RECAP_KECAMATAN_CODE], descending=[True, False]).unique("kecamatan", keep="first")
             .select("kecamatan", RECAP_KECAMATAN_CODE))
    return (villages.group_by("kecamatan").agg(villages_counted, *[pl.col(c).sum() for c in numbers])
            .join(codes, on="kecamatan", how="left")
            .sort([RECAP_KECAMATAN_CODE, "kecamatan"], nulls_last=True)
            .select("kecamatan", RECAP_KECAMATAN_CODE, "desa_count", *numbers))


def unresolved(villages: pl.DataFrame) -> int:
    """Voters without a village at the end (the queue's row)."""
    row = villages.filter(pl.col("kode_desa") == NO_VILLAGE)
    return int(row["akhir_jml"].sum()) if row.height else 0


def total(villages: pl.DataFrame) -> dict[str, int]:
    return {c: int(villages[c].sum()) for c in villages.columns if c not in PLACE}


def balanced(villages: pl.DataFrame) -> pl.DataFrame:
    """Rows where start + new + sex in - TMS - sex out != end, for L, P or JML (must be none)."""
    broken = [pl.col(f"awal_{s}") + pl.col(f"baru_{s}") + pl.col(f"{SEX_IN}_{s}") - pl.col(f"tms_{s}")
              - pl.col(f"{SEX_OUT}_{s}") != pl.col(f"akhir_{s}") for s in SEXES]
    return villages.filter(pl.any_horizontal(broken))
