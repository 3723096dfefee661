"""The registry taken a part at a time (engine/link_parts), and the pairs scored a batch at a
time (engine/link_score), link exactly as the registry taken whole: the same links, the same uncertain rows, the same scores and evidence, with the NIK on
part of the list (the narrow blocks) and on none of it (the wide blocks and the model
re-estimated on the data), and with parts that split the registry anywhere.

The whole-registry run is the reference: this is an equivalence, not a figure of accuracy
(tests/test_verify_without_nik.py has those).
"""
from __future__ import annotations

import polars as pl
import pytest

from pemilih.engine import link, link_parts, link_score
from pemilih.io.read import read_files


@pytest.fixture(scope="module")
def regency(tmp_path_factory):
    from pemilih.generate import generate
    data = tmp_path_factory.mktemp("bagian")
    generate(str(data), scale=0.02, seed=5, progress=False)
    records = read_files([str(data / "kpu" / "dpt_7326.csv")], kind="kpu").records
    registry = read_files([str(data / "registry" / "disdukcapil_7326.csv")], kind="registry").records
    return records, registry


def _blank_every(records: pl.DataFrame, n: int) -> pl.DataFrame:
    """The list with every n-th row's NIK blanked (n=1: no NIK at all)."""
    gone = (pl.int_range(pl.len()) % n) == 0
    return records.with_columns(pl.when(gone).then(None).otherwise(pl.col("nik")).alias("nik"))


@pytest.mark.parametrize("every, part_rows", [(25, 997), (25, 2_003), (1, 1_500)])
def test_parts_link_as_the_whole(regency, monkeypatch, every, part_rows):
    records, registry = regency
    records = _blank_every(records, every)
    whole = link.link(records, registry)
    monkeypatch.setattr(link_parts, "PART_ROWS", part_rows)
    monkeypatch.setattr(link_score, "SCORE_BATCH", 97)  # the pairs scored a few at a time too
    assert registry.height > 3 * part_rows  # four parts or more
    parted = link.link(records, registry)
    assert parted.residual == whole.residual and parted.estimated == whole.estimated
    assert whole.estimated == (every == 1)
    probabilistic = whole.links.filter(pl.col("method") == "probabilistik")
    assert probabilistic.height > 0.5 * whole.residual  # the stage did work worth comparing
    assert parted.links.equals(whole.links)
    assert parted.uncertain.equals(whole.uncertain)


def test_a_birth_date_pairs_within_the_region_unless_a_side_has_none():
    from pemilih.engine import link_model, link_prob
    [by_date] = [b for b in link_model.BLOCKS if b.keys == ("dob",) and not b.left]
    day = "1980-01-01"
    residual = pl.DataFrame({"rid": [0, 1], "dob": [day, day], "regency": ["73.26", None]},
                            schema_overrides={"rid": pl.UInt32})
    keys = pl.DataFrame({"rid": [0, 1, 2, 3], "dob": [day, day, day, "1981-01-01"],
                         "regency": ["73.26", "73.71", None, "73.26"]}, schema_overrides={"rid": pl.UInt32})
    pairs = link_prob.candidate_pairs(residual, keys, (by_date,))
    # By hand: row 0 (Toraja Utara) meets its regency's record and the one of no region; row 1
    # (no region) meets every record born that day; nobody meets the record born another day.
    assert pairs.rows() == [(0, 0), (0, 2), (1, 0), (1, 1), (1, 2)]
