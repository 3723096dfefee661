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


def _keys(rows: list[tuple], columns: list[str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=columns, orient="row").with_columns(pl.col("rid").cast(pl.UInt32))


def test_a_name_with_the_birth_year_pairs_within_the_regency_and_with_the_whole_date_across():
    from pemilih.engine import link_model, link_prob
    chosen = tuple(b for b in link_model.BLOCKS if b.keys in (("name_sound", "birth_year"), ("name_sound", "dob")))
    assert len(chosen) == 2
    columns = ["rid", "name_sound", "birth_year", "dob", "regency"]
    residual = _keys([(0, "AISA", "1980", "1980-05-05", "73.26"), (1, "AISA", "1980", "1980-06-06", None)], columns)
    keys = _keys([(0, "AISA", "1980", "1980-01-01", "73.26"),  # the row's regency, another day
                  (1, "AISA", "1980", "1980-02-02", "73.71"),  # another regency, another day
                  (2, "AISA", "1980", "1980-05-05", "73.71"),  # another regency, the whole date
                  (3, "FATIMA", "1980", "1980-05-05", "73.26")], columns)  # another name
    # By hand: row 0 meets its regency's namesake of that year and the namesake born that very
    # day elsewhere (moved away); row 1 (no region) meets every namesake of the year.
    assert link_prob.candidate_pairs(residual, keys, chosen).rows() == [(0, 0), (0, 2), (1, 0), (1, 1), (1, 2)]


def test_a_name_too_many_share_in_the_district_is_paired_by_the_narrower_blocks_only():
    from pemilih.engine import link_model, link_prob
    [by_district] = [b for b in link_model.BLOCKS if b.keys == ("name_sound", "district")]
    [by_year] = [b for b in link_model.BLOCKS if b.keys == ("name_sound", "birth_year")]
    most = by_district.most
    assert most is not None and most >= 10
    columns = ["rid", "name_sound", "district", "birth_year", "regency"]
    # AISA: one more namesake in the district than the bound, all born in other years but one;
    # RANTE: as many as the bound allows.
    crowd = [(n, "AISA", "73.71.13", "1950" if n else "1980", "73.71") for n in range(most + 1)]
    few = [(most + 1 + n, "RANTE", "73.71.13", "1950", "73.71") for n in range(most)]
    keys = _keys(crowd + few, columns)
    residual = _keys([(0, "AISA", "73.71.13", "1980", "73.71"), (1, "RANTE", "73.71.13", "1980", "73.71")], columns)
    pairs = link_prob.candidate_pairs(residual, keys, (by_district, by_year))
    # By hand: AISA meets only its namesake born the same year; RANTE every namesake in the district.
    assert pairs.filter(pl.col("lid") == 0).rows() == [(0, 0)]
    assert pairs.filter(pl.col("lid") == 1)["rid"].to_list() == list(range(most + 1, 2 * most + 1))


def test_a_blocks_bound_counts_the_whole_registry_across_parts(monkeypatch):
    """Namesakes split over parts, each part within the bound, the whole beyond it: the parts
    pair the row as the whole does, not at all by that block."""
    from pemilih.engine import link_model
    bounded = link_model.Block(("name_sound", "district"), most=3)
    monkeypatch.setattr(link_model, "BLOCKS", (bounded,))
    registry = pl.DataFrame({"nama": ["AISA"] * 4 + ["RANTE"] * 3, "tanggal_lahir": ["1950-01-01"] * 7,
                             "nkk": [None] * 7, "kode_wilayah": ["73.71.13.1001"] * 7, "alamat": ["JL X"] * 7})
    residual = pl.DataFrame({"rid": [0, 1], "name_sound": ["AISA", "RANTE"], "district": ["73.71.13"] * 2,
                             "name_flat": ["AISA", "RANTE"]}, schema_overrides={"rid": pl.UInt32})
    whole = link_parts.candidates(residual, registry, wide=False).pairs
    monkeypatch.setattr(link_parts, "PART_ROWS", 2)  # AISA two and two, RANTE in two parts
    parted = link_parts.candidates(residual, registry, wide=False).pairs
    # By hand: AISA has four namesakes (beyond 3): none; RANTE three: all.
    assert whole.rows() == [(1, 4), (1, 5), (1, 6)]
    assert parted.equals(whole)


def test_candidate_pairs_each_once_in_order():
    # bounded() keeps each (lid, rid) once, sorted by lid then rid (of two candidates weighing
    # the same, best_links takes the first): the pairs as one 64-bit number must give what
    # Python's set and sort give, at the edges of the 32-bit positions too.
    import random

    from pemilih.engine.link_prob import bounded
    rng = random.Random(17)
    top = 2**32 - 1
    pairs = [(rng.choice([0, 1, 5, top]), rng.choice([0, 2, 7, top])) for _ in range(200)]
    pairs += [(rng.randrange(50), rng.randrange(10**9)) for _ in range(300)]
    pairs += pairs[:150]  # made by more than one block
    found = pl.DataFrame({"lid": [a for a, _ in pairs], "rid": [b for _, b in pairs],
                          "block": [i % 3 for i in range(len(pairs))]},
                         schema={"lid": pl.UInt32, "rid": pl.UInt32, "block": pl.UInt8})
    got = bounded(found, chosen=())
    assert got.schema == pl.Schema({"lid": pl.UInt32, "rid": pl.UInt32})
    assert list(got.iter_rows()) == sorted(set(pairs))
