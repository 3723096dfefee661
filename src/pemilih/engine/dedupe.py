"""Duplicates inside the list (TMS-2), found with the linkage itself.

Two list rows linked to the same registry record are the same person, whatever their NIKs
(one may be mistyped or empty) and wherever they are listed (another village). The record
that stays is the one that matches the registry best: fewest differing fields; on a tie,
the one earlier in the list. Every other row of the group gets one TMS-2 naming it.

Across villages a namesake is likelier than a copy: two people of one name and birth year
live in different villages of any regency. So a row linked without its NIK, in a group whose
rows are listed in different villages, stays in the group only with evidence beyond the
name, the sex and the birth year (the NIK's region and serial, the family card or village,
the birthplace, the address, or a full birth date that is no placeholder day); without it,
it is taken out of the group and asked about (LINK-UNCERTAIN), not struck.
"""
from __future__ import annotations

import json

import polars as pl

from pemilih.domain.dates import PLACEHOLDER_DAYS
from pemilih.engine import link_model

DUP_SCHEMA = {"lid": pl.UInt32, "keep_lid": pl.UInt32, "rid": pl.UInt32}
_WEAK_FIELDS = {link_model.FIELD_OF["nama"], link_model.FIELD_OF["jenis_kelamin"]}
_DATE_FIELD = link_model.FIELD_OF["tanggal_lahir"]


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


def beyond_name_and_year(evidence: str | None, birth_date: str | None) -> bool:
    """Whether a link's evidence holds more than name, sex and birth year (a NIK link does)."""
    if not evidence:
        return True
    for f in json.loads(evidence)["fields"]:
        if (f.get("weight") or 0) <= 0 or f["field"] in _WEAK_FIELDS:
            continue
        if f["field"] != _DATE_FIELD:
            return True
        if f["level"] in link_model.FULL_DATE_LEVELS and (birth_date or "")[5:] not in PLACEHOLDER_DAYS:
            return True
    return False


def weak_across_villages(links: pl.DataFrame, list_records: pl.DataFrame) -> pl.Series:
    """List positions (lid) of the links to take out of a cross-village group (module doc):
    the rows without evidence beyond name and birth year, except the group's best-scored row
    when no row of the group has such evidence."""
    shared = links.filter(pl.len().over("rid") > 1).select("lid", "rid", "method", "score", "evidence")
    shared = shared.with_columns(list_records["kode_desa"].gather(shared["lid"]).alias("village"),
                                 list_records["tanggal_lahir"].gather(shared["lid"]).alias("born"))
    mixed = shared.filter(pl.col("village").n_unique().over("rid") > 1)
    if mixed.height == 0:
        return pl.Series("lid", [], dtype=pl.UInt32)
    strong = [beyond_name_and_year(e, b) for e, b in zip(mixed["evidence"], mixed["born"])]
    mixed = mixed.with_columns(pl.Series("strong", strong, dtype=pl.Boolean))
    best = pl.col("lid") == pl.col("lid").sort_by("score", "lid", descending=[True, False]).first().over("rid")
    keep = pl.col("strong") | (~pl.col("strong").any().over("rid") & best)
    return mixed.filter(~keep)["lid"]
