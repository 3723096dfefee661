"""An election's lists as tables: voters placed at their TPS, each village under one name, and
the voters per TPS that logistics count (tables in, tables out; the election step stores them).

- `place`: the DPS and the DPT put every voter at a TPS of their village under the cap,
  families together, neighbours in order (engine/tps.py).
- `place_additional`: the DPTb: the voters of the current list not on the DPT, each at the TPS
  of their family on the DPT, else at the village's smallest TPS.
"""
from __future__ import annotations

import polars as pl

from pemilih.engine.recap import village_names
from pemilih.engine.tps import assign_tps


def place(voters: pl.DataFrame, max_per_tps: int) -> tuple[pl.DataFrame, list[str]]:
    """(voters with tps_number, sorted by village, TPS and order within; warnings)."""
    assignment = assign_tps(voters.select("key", "kode_desa", "nkk", "rw", "rt", "alamat", "nama"), max_per_tps)
    placed = (voters.join(assignment.voters.select("key", pl.col("tps").alias("tps_number"), "urut"), on="key")
              .sort("kode_desa", "tps_number", "urut").drop("urut"))
    return placed, assignment.warnings


def place_additional(voters: pl.DataFrame, dpt: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    """(the voters not on the DPT, each with a tps_number of the DPT; no warnings)."""
    new = voters.join(dpt.select("key"), on="key", how="anti")
    family = dpt.filter(pl.col("nkk").is_not_null()).group_by("kode_desa", "nkk").agg(
        pl.col("tps_number").first().alias("_family_tps"))
    smallest = (dpt.group_by("kode_desa", "tps_number").len().sort("len", "tps_number")
                .group_by("kode_desa", maintain_order=True).first()
                .select("kode_desa", pl.col("tps_number").alias("_small_tps")))
    placed = (new.join(family, on=["kode_desa", "nkk"], how="left").join(smallest, on="kode_desa", how="left")
              .with_columns(pl.coalesce("_family_tps", "_small_tps", pl.lit(1)).alias("tps_number"))
              .drop("_family_tps", "_small_tps"))
    return placed.sort("kode_desa", "tps_number"), []


def named(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with each village under one name (engine.recap.village_names): printed lists,
    TPS and logistics are per village code."""
    return (frame.drop("kecamatan", "desa")
            .join(village_names(frame), on="kode_desa", how="left", maintain_order="left")
            .select(frame.columns))


def tps_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """kecamatan, desa, kode_desa, tps, pemilih: the table logistics take."""
    frame = named(frame)
    return (frame.group_by("kode_desa", "tps_number").agg(pl.col("kecamatan").first(), pl.col("desa").first(),
                                                           pl.len().alias("pemilih"))
            .select("kecamatan", "desa", "kode_desa", pl.col("tps_number").alias("tps"),
                    pl.col("pemilih").cast(pl.Int64)).sort("kode_desa", "tps"))


def sex_counts(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """*by, l, p, n: voters per group, men and women apart (a sex other than L or P counts in n
    only), sorted by the groups."""
    sex = pl.col("jenis_kelamin")
    return (frame.group_by(by).agg((sex == "L").sum().cast(pl.Int64).alias("l"),
                                   (sex == "P").sum().cast(pl.Int64).alias("p"), pl.len().cast(pl.Int64).alias("n"))
            .sort(by))


ADDED, STRUCK, CORRECTED = "tambah", "coret", "ubah"


def changes_between(before: pl.DataFrame, after: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """kode_desa, jenis_kelamin, change: one row per voter of `after` not on `before` (ADDED),
    of `before` not on `after` (STRUCK, with the village and sex `before` had), and on both with
    any of `columns` written differently (CORRECTED; a moved voter counts in the village it is
    in now). Voters are matched by key."""
    def text(frame):
        return frame.select("key", *[pl.col(c).cast(pl.String).fill_null("") for c in columns])
    out = ["kode_desa", "jenis_kelamin"]
    added = after.join(before.select("key"), on="key", how="anti").select(*out, pl.lit(ADDED).alias("change"))
    struck = before.join(after.select("key"), on="key", how="anti").select(*out, pl.lit(STRUCK).alias("change"))
    both = text(after).join(text(before), on="key", suffix="_before")
    differs = pl.any_horizontal(pl.col(c) != pl.col(f"{c}_before") for c in columns)
    changed = both.filter(differs).select("key")
    corrected = after.join(changed, on="key").select(*out, pl.lit(CORRECTED).alias("change"))
    return pl.concat([added, struck, corrected]).cast({"kode_desa": pl.String, "jenis_kelamin": pl.String})
