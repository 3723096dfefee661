"""Duplicates inside the list (TMS-2), found with the linkage itself.

Two list rows linked to the same registry record are the same person, whatever their NIKs
(one may be mistyped or empty) and wherever they are listed (another village). The record
that stays is the one that matches the registry best: fewest differing fields; on a tie,
the one earlier in the list. Every other row of the group gets one TMS-2 naming it.
"""
from __future__ import annotations

import polars as pl

DUP_SCHEMA = {"lid": pl.UInt32, "keep_lid": pl.UInt32, "rid": pl.UInt32}


def duplicates(links: pl.DataFrame, diffs: pl.DataFrame) -> pl.DataFrame:
    """One row per record that goes: lid, keep_lid (the record that stays), rid."""
    shared = links.filter(pl.len().over("rid") > 1).select("lid", "rid")
    if shared.height == 0:
        return pl.DataFrame(schema=DUP_SCHEMA)
    n_diff = diffs.group_by("lid").agg(pl.len().alias("n_diff"))
    ranked = (shared.join(n_diff, on="lid", how="left").with_columns(pl.col("n_diff").fill_null(0))
              .sort("rid", "n_diff", "lid"))
    keep = ranked.group_by("rid", maintain_order=True).agg(pl.col("lid").first().alias("keep_lid"))
    return (ranked.join(keep, on="rid").filter(pl.col("lid") != pl.col("keep_lid"))
            .select("lid", "keep_lid", "rid").sort("lid").cast(DUP_SCHEMA))
