"""The model's scoring without Splink's pipeline (engine/link_score.py) gives Splink's own
pairs and weights: Splink's predict() is the oracle here."""
from __future__ import annotations

import polars as pl
from test_verify import fillers, person, row, tables

from pemilih.engine import link_model, link_prob, link_score
from pemilih.engine.link_prepare import add_name_features, prepare, with_nik_dates


def _sides():
    people = [person("YOHANIS PALIMBONG", "1968-04-21"), person("SYAMSUDDIN ALLO", "1975-12-31"),
              person("MARIA RANTE", "1980-07-01", "P"), person("A. RAHMAN TODING", "1990-02-03")] + fillers(80)
    rows = [row(people[0], nik=""), row(people[1], nik="", nama="SAMSUDIN ALLO", tanggal_lahir="1975-06-15"),
            row(people[2], nik="", nama="RANTE MARIA", kode_desa="73.26.02.1003"),
            row(people[3], nik="", nama="ANDI RAHMAN TODING", tanggal_lahir="1990-03-02"),
            row(people[10], nik="", alamat="DUSUN BARU"), row(person("ZAKARIA MANGALLO", "1991-12-03"), nik="")]
    lst, reg = tables(rows, people)
    keys = link_prob.registry_keys(reg)
    tf = link_prob.name_frequencies(keys)
    ids = pl.Series("lid", range(lst.height), dtype=pl.UInt32)
    residual = add_name_features(with_nik_dates(prepare(lst, "kpu", ids=ids)))
    chosen = link_prob.blocks(residual, keys)
    pool = link_prob.candidate_pairs(residual, keys, chosen)["rid"].unique().sort()
    registry = add_name_features(prepare(reg[pool], "registry", ids=pool))
    model = dict(link_model.load_model(), probability_two_random_records_match=1 / reg.height,
                 retain_matching_columns=True, blocking_rules_to_generate_predictions=link_model.blocking_rules(chosen))
    return (residual.join(tf, on="name_flat", how="left"), registry.join(tf, on="name_flat", how="left"),
            keys, chosen, model)


def test_the_same_pairs_and_weights_as_splink():
    residual, registry, keys, chosen, model = _sides()
    ours = link_score.predict(residual, registry, link_prob.candidate_pairs(residual, keys, chosen), model)
    splink = link_prob.predict(residual, registry, model)
    assert splink.height > 20  # a real comparison, not two empty tables
    assert set(ours.select("lid", "rid").iter_rows()) == set(splink.select("lid", "rid").iter_rows())
    both = ours.join(splink, on=["lid", "rid"], suffix="_splink")
    for col in ["match_weight", "match_probability"] + [c for c in splink.columns if c.startswith(("gamma_", "mw_"))]:
        diff = both.select((pl.col(col).cast(pl.Float64) - pl.col(f"{col}_splink").cast(pl.Float64)).abs().max()).item()
        assert diff is not None and diff < 1e-9, col


def test_a_threshold_keeps_only_the_probable():
    residual, registry, keys, chosen, model = _sides()
    pairs = link_prob.candidate_pairs(residual, keys, chosen)
    every, some = link_score.predict(residual, registry, pairs, model), link_score.predict(residual, registry, pairs, model, 0.9)
    assert some.height == every.filter(pl.col("match_probability") >= 0.9).height > 0
