"""Estimating the linkage model on the data at hand, when the shipped one does not fit.

The shipped model (data/linkage_model.json) learnt its m probabilities from list rows whose
NIK the registry has: people written carefully. When a large share of a list reaches the
probabilistic stage (a list from another source, old records, a list without NIKs), those
rows are the usual case, not the careless exception, and their names, dates and addresses
differ from the registry in their own ways and proportions. Then the m and u probabilities
are re-estimated on these rows, as Splink's unsupervised training does:

* u (how often two different people agree) from random pairs of these rows and their
  candidate registry records, less what the true matches among those pairs contribute (one
  in the number of candidates: each list row has at most one): on a small list the random
  pairs hold enough matches to make agreeing on a whole name or address look common (taken
  out with the m of the shipped model first, then once more with the m EM found);
* m (how often the same person agrees) by expectation maximisation, starting from the
  shipped values, on the pairs that share a birth date and, apart, on the pairs whose names
  sound the same. Not within a family card: there EM learns "same family", not "same person"
  (engine/link_train.py).

The prior is one in the registry's size when every list row is someone of the registry. A
list from another source may hold many who are not: the share of its rows that do have a
match is read from a first scoring (the rows whose best candidate is more likely than not),
and the weights are lowered by it (`with_share`): otherwise a tenth of the rows having a
match would make every near miss look ten times likelier than it is.

The time is bounded: at most ESTIMATION_ROWS list rows (a random sample) take part, u from at
most U_PAIRS pairs, EM at most MAX_ITERATIONS rounds per session, ROUNDS times. On a regency's list without
any NIK (about 180,000 rows) this takes tens of seconds; README "Linkage without NIK" has the
measured figures. The result replaces the shipped model for this run only.
"""
from __future__ import annotations

import logging
import math
import tempfile

import duckdb
import polars as pl

from pemilih.engine import link_model, link_prob, link_train

# When the shipped model is re-estimated: this share of the list reaches the probabilistic
# stage, and at least this many rows (fewer would not estimate anything reliably).
RESIDUAL_SHARE = 0.2
MIN_ROWS = 200
# Asked for (a new source), it is done from this many rows on.
MIN_ROWS_ASKED = 50
ESTIMATION_ROWS = 20_000
U_PAIRS = 1e6
MAX_ITERATIONS = 15
ROUNDS = 2
# Sessions of EM: the pairs each is trained on, and so the comparison it cannot train.
SESSIONS = (("dob",), ("name_sound",))


def _each_level(base: dict, levels: dict, other: dict, change) -> dict:
    """`base` with the comparison levels of `levels`, each non-null level copied and passed to
    change(level, the same level of `other`), which sets its probabilities."""
    comparisons = []
    for comp, start in zip(levels["comparisons"], other["comparisons"]):
        copied = []
        for lv, lv0 in zip(comp["comparison_levels"], start["comparison_levels"]):
            lv = dict(lv)
            if not lv.get("is_null_level"):
                change(lv, lv0)
            copied.append(lv)
        comparisons.append(dict(comp, comparison_levels=copied))
    return dict(base, comparisons=comparisons)


def _without_matches(drawn: dict, model: dict, share: float) -> dict:
    """`model` with the u probabilities of `drawn` (random pairs), each less the share of true
    matches times the level's m: u = (u_drawn - share * m) / (1 - share), at least a floor."""
    def change(lv: dict, lv0: dict) -> None:
        if lv.get("u_probability") is not None:
            m = lv0.get("m_probability") or 0.0
            lv["u_probability"] = max((lv["u_probability"] - share * m) / (1 - share), link_train.U_FLOOR)
            lv["m_probability"] = lv0.get("m_probability")
    return _each_level(model, drawn, model, change)


def _unseen_as_shipped(estimated: dict, shipped: dict) -> dict:
    """`estimated` with each level EM saw no match in (m below link_train.M_FLOOR) weighed as
    the shipped model weighs it: m = u x (shipped m / shipped u). EM on a few thousand rows
    learns nothing of a level its pairs seldom reach (a middle name written as an initial, on a
    list whose birth dates are only years): a zero there says "not seen", not "never so", and
    floored, the level's weight was set by how rare it is among random pairs alone."""
    def change(lv: dict, lv0: dict) -> None:
        unseen = (lv.get("m_probability") or 0.0) < link_train.M_FLOOR
        if unseen and lv.get("u_probability") and lv0.get("u_probability"):
            lv["m_probability"] = min(lv["u_probability"] * lv0["m_probability"] / lv0["u_probability"], 1.0)
    return _each_level(estimated, estimated, shipped, change)


def with_share(scored: pl.DataFrame, residual_rows: int) -> pl.DataFrame:
    """Scored pairs with the prior lowered by the share of residual rows that have a match
    (`scored` holds at least every pair of probability 0.5 or more: the share is read from them)."""
    if scored.height == 0 or residual_rows == 0:
        return scored
    best = scored.group_by("lid").agg(pl.col("match_probability").max())
    share = min(max(int((best["match_probability"] >= 0.5).sum()) / residual_rows, 0.01), 1.0)
    weight = pl.col("match_weight") + math.log2(share)
    return scored.with_columns(weight.alias("match_weight")).with_columns(
        (1.0 / (1.0 + (-pl.col("match_weight") * math.log(2)).exp())).alias("match_probability"))


def needed(residual_rows: int, list_rows: int, asked: bool | None = None) -> bool:
    """Whether the shipped model should be re-estimated for this list: as `asked` (True for a
    new source, False never), or by itself (None) when a large share reached this stage."""
    if asked is not None:
        return asked and residual_rows >= MIN_ROWS_ASKED
    return residual_rows >= MIN_ROWS and residual_rows >= RESIDUAL_SHARE * list_rows


def estimate(residual: pl.DataFrame, pool: pl.DataFrame, model: dict, seed: int = 7326) -> dict:
    """The model with m and u re-estimated on these residual rows and candidate records (both
    with the features of link_prepare, the columns of link_prob.with_frequencies included)."""
    from splink import DuckDBAPI, Linker, block_on
    link_model.quiet_splink()
    if residual.height > ESTIMATION_ROWS:
        residual = residual.sample(ESTIMATION_ROWS, seed=seed)
    model = dict(model, max_iterations=MAX_ITERATIONS, em_convergence=1e-3)
    share = 1.0 / max(pool.height, 1)
    with tempfile.TemporaryDirectory(prefix="pemilih-estimate-") as tmp, duckdb.connect() as con:
        db = DuckDBAPI(con)
        tables = [link_prob.register(db, con, link_prob.splink_table(residual, "l"), "a_daftar", tmp),
                  link_prob.register(db, con, link_prob.splink_table(pool, "r"), "b_registri", tmp)]
        linker = Linker(tables, model, log_level=logging.ERROR, validate_settings=False)
        linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
        drawn = linker.misc.save_model_to_json()
        out = model
        # The matches among the random pairs are taken out with the m of the model at hand; EM
        # then moves m, so it is done again once with the m it found.
        for _ in range(ROUNDS):
            linker = Linker(tables, _without_matches(drawn, out, share), log_level=logging.ERROR,
                            validate_settings=False)
            for keys in SESSIONS:
                linker.training.estimate_parameters_using_expectation_maximisation(block_on(*keys))
            out = linker.misc.save_model_to_json()
        out = _without_matches(drawn, out, share)
    out = _unseen_as_shipped(out, model)
    for comp in out["comparisons"]:
        link_train.smooth(comp["comparison_levels"])
    out["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    return out
