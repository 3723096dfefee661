"""The model's scoring without Splink's pipeline (engine/link_score.py) gives Splink's own
pairs and weights: Splink's predict() is the oracle here."""
from __future__ import annotations

import math

import polars as pl
import pytest
from test_verify import fillers, person, row, tables

from pemilih.engine import link_model, link_prob, link_score
from pemilih.engine.link_prepare import add_name_features, prepare, with_nik_dates


def _sides():
    people = [person("YOHANIS PALIMBONG", "1968-04-21"), person("SYAMSUDDIN ALLO", "1975-12-31"),
              person("MARIA RANTE", "1980-07-01", "P"), person("A. RAHMAN TODING", "1990-02-03"),
              person("MARTHEN SAMPE LEMBANG", "1985-09-17")] + fillers(80)
    rows = [row(people[0], nik=""), row(people[1], nik="", nama="SAMSUDIN ALLO", tanggal_lahir="1975-06-15"),
            row(people[2], nik="", nama="RANTE MARIA", kode_desa="73.26.02.1003"),
            row(people[3], nik="", nama="ANDI RAHMAN TODING", tanggal_lahir="1990-03-02"),
            row(people[10], nik="", alamat="DUSUN BARU"), row(person("ZAKARIA MANGALLO", "1991-12-03"), nik=""),
            row(people[4], nik="", nama="MARTHEN LEMBANG")]
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
    return (link_prob.with_frequencies(residual, tf), link_prob.with_frequencies(registry, tf),
            keys, chosen, model)


def test_the_same_pairs_and_weights_as_splink():
    residual, registry, keys, chosen, model = _sides()
    ours = link_score.predict(residual, registry, link_prob.candidate_pairs(residual, keys, chosen), model)
    splink = link_prob.predict(residual, registry, model)
    assert splink.height > 20  # a real comparison, not two empty tables
    assert set(ours.select("lid", "rid").iter_rows()) == set(splink.select("lid", "rid").iter_rows())
    # The partial name's rarity is pemilih's own term (link_model.ENDS_RARITY_LEVELS), tested apart.
    ours = ours.with_columns(pl.col("match_weight") - pl.col("mw_ends_adj_nama"))
    ours = ours.with_columns((1 / (1 + (2 ** -pl.col("match_weight")))).alias("match_probability"))
    both = ours.join(splink, on=["lid", "rid"], suffix="_splink")
    for col in ["match_weight", "match_probability"] + [c for c in splink.columns if c.startswith(("gamma_", "mw_"))]:
        diff = both.select((pl.col(col).cast(pl.Float64) - pl.col(f"{col}_splink").cast(pl.Float64)).abs().max()).item()
        assert diff is not None and diff < 1e-9, col


def test_a_threshold_keeps_only_the_probable():
    residual, registry, keys, chosen, model = _sides()
    pairs = link_prob.candidate_pairs(residual, keys, chosen)
    every, some = link_score.predict(residual, registry, pairs, model), link_score.predict(residual, registry, pairs, model, 0.9)
    assert some.height == every.filter(pl.col("match_probability") >= 0.9).height > 0


def test_a_middle_name_left_out_is_still_a_candidate():
    """Birth date typed in another year, moved to another district, the middle name left out:
    only the name's first and last words bring the pair to be scored."""
    who = person("PAULUS RIDUAN TANDIRERUNG", "1975-03-09")
    lst, reg = tables([row(who, nik="", nama="PAULUS TANDIRERUNG", tanggal_lahir="1957-11-30", alamat="DUSUN BARU",
                           kode_desa="73.26.03.1004", nkk="")], [who] + fillers(40))
    keys = link_prob.registry_keys(reg)
    ids = pl.Series("lid", [0], dtype=pl.UInt32)
    residual = add_name_features(with_nik_dates(prepare(lst, "kpu", ids=ids)))
    chosen = link_prob.blocks(residual, keys)  # a list from elsewhere: the wide blocks it can afford
    assert (0, 0) in set(link_prob.candidate_pairs(residual, keys, chosen).iter_rows())
    others = tuple(b for b in chosen if b.keys != ("name_ends",))
    assert (0, 0) not in set(link_prob.candidate_pairs(residual, keys, others).iter_rows())


def _named(*names: str) -> pl.DataFrame:
    people = [person(n, f"19{60 + i}-01-0{1 + i % 9}") for i, n in enumerate(names)]
    return link_prob.registry_keys(tables([], people)[1], wide=False)


def test_the_rarity_of_a_names_first_and_last_words():
    """By hand: first-and-last values ANDI BATARA x2, RUTH ALLO x2, SAMUEL TODING x1 of 5 names;
    two records agreeing by chance show sum(f^3)/sum(f^2) = 0.136/0.36; SAMUEL TODING, seen
    once, is as rare as its words together (1/5 * 1/5), not 1/5."""
    freq = link_prob.name_frequencies(_named("ANDI X BATARA", "ANDI BATARA", "RUTH ALLO", "RUTH Y ALLO",
                                             "SAMUEL TODING"))
    rarity = dict(freq["name_ends"].iter_rows())
    expected = 0.136 / 0.36
    assert rarity["ANDI BATARA"] == pytest.approx(math.log2(expected / 0.4))
    assert rarity["SAMUEL TODING"] == pytest.approx(math.log2(expected / 0.04))
    whole = dict(freq["name_flat"].iter_rows())
    assert whole["ANDIBATARA"] == pytest.approx(min(1 / 5, 2 / 5 * 2 / 5))


def test_a_partial_name_weighs_its_rarity_only_when_its_ends_agree():
    residual, registry, keys, chosen, model = _sides()
    scored = link_score.predict(residual, registry, link_prob.candidate_pairs(residual, keys, chosen), model)
    comp, partial = link_model.ENDS_RARITY_LEVELS
    levels = link_prob.labels(model)[comp]
    ends = dict(zip(residual["rid"], residual["name_ends"])), dict(zip(registry["rid"], registry["name_ends"]))
    rarity = dict(zip(registry["rid"], registry["rarity_name_ends"]))
    seen = 0
    for lid, rid, gamma, adj in scored.select("lid", "rid", f"gamma_{comp}", f"mw_ends_adj_{comp}").iter_rows():
        agree = levels[gamma] in partial and ends[0][lid] is not None and ends[0][lid] == ends[1][rid]
        assert adj == pytest.approx(rarity[rid] if agree else 0.0)
        seen += agree
    assert seen >= 1  # MARTHEN LEMBANG: the middle name left out, the same first and last words


def test_a_name_unlike_the_candidates_is_never_a_link_alone_unless_the_whole_date_agrees():
    """The best candidate of a row whose name shares nothing with it, however probable, is held
    for a person to decide (LINK-UNCERTAIN) when the birth dates agree on the year at most (a
    household member); with the whole date it stands (a name written another way entirely)."""
    model = link_model.load_model()
    gamma = {comp: {label: g for g, label in levels.items()} for comp, levels in link_prob.labels(model).items()}

    def pair(lid: int, name: str, born: str, card: str = "NKK lain, desa dan alamat sama") -> dict:
        return {"lid": lid, "rid": lid, "match_weight": 20.0, "match_probability": 0.99,
                "gamma_nama": gamma["nama"][name], "gamma_tanggal_lahir": gamma["tanggal_lahir"][born],
                "gamma_domisili": gamma["domisili"][card]}

    scored = pl.DataFrame([pair(0, "berbeda", "tahun sama"), pair(1, "berbeda", "sama"),
                           pair(2, "berbeda", "tahun sama, tanggal pengganti (hanya tahun diketahui)"),
                           pair(3, "mirip", "tahun sama"), pair(4, "sama", "berbeda", "NKK sama")])
    best = link_prob.best_links(scored, model, 0.5).sort("lid")
    assert best["held"].to_list() == [True, False, True, False, True]  # 4: the family card's rule
    assert [link_prob.NAME_NOTE in e for e in best["evidence"]] == [True, False, True, False, False]
