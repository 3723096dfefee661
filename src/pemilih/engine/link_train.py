"""Training the probabilistic linkage model (`pemilih train-linkage`), once, not per run.

The prior comes from the share of pairs that agree on a well-formed NIK (almost every list
row does), u probabilities from random pairs. The m probabilities (how often a field agrees
for the same person) come from pairs the data labels for free, not from expectation
maximisation: within a family card everyone agrees on card, village and address, and EM
there learns "same family" instead of "same person" (tried: it rated a birth-date match as
a 22% event among matches). Pairs with the same well-formed NIK are the same person whatever
their names and dates say, so they give unbiased m for every field except the NIK itself.

The NIK comparison is trained apart, where the model is used: on the list rows whose NIK the
registry does not have. Its m comes from pairs agreeing on birth date, name and family card
(the same person with a NIK gone wrong), its u from random pairs of those rows. Trained on
all rows instead, a mistyped NIK would be a 0.3% event among matches and count against the
very rows that need the model, and an incomplete NIK would look rarer than it is.

The result is a JSON file in Splink's model format, loaded by pemilih.engine.link_prob.
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb
import polars as pl

from pemilih.engine import link_model
from pemilih.engine.link_prepare import add_name_features, prepare
from pemilih.engine.link_prob import splink_table

DATASETS = ("a_daftar", "b_registri")
# Smallest probabilities a trained level may have (see smooth).
M_FLOOR, U_FLOOR = 1e-4, 1e-7


def features(records: pl.DataFrame, kind: str) -> pl.DataFrame:
    return add_name_features(prepare(records, kind))


def train(list_records: pl.DataFrame, registry_records: pl.DataFrame, out: str | Path,
          seed: int = 7326, u_pairs: float = 5e6) -> dict:
    """Train on these records and write the model to `out`; returns the model dict."""
    link_model.quiet_splink()
    left = features(list_records, "kpu")
    right = features(registry_records, "registry")
    model = _fit(left, right, _label_pairs(left, right, ["nik_full"]), seed, u_pairs, prior=True)
    broken = left.join(right.select("nik_full").drop_nulls(), on="nik_full", how="anti")
    if broken.height:
        labels = _label_pairs(broken, right, ["dob", "name_flat", "nkk_ok"])
        nik_model = _fit(broken, right, labels, seed, min(u_pairs, 1e6), prior=False)
        for comp in model["comparisons"]:
            if comp["output_column_name"] == "nik":
                comp["comparison_levels"] = _levels(nik_model, "nik")
    for comp in model["comparisons"]:
        smooth(comp["comparison_levels"])
    model.pop("linker_uid", None)  # random per run; without it the same data gives the same file
    Path(out).write_text(json.dumps(model, indent=2, ensure_ascii=False), encoding="utf-8")
    return model


def _fit(left: pl.DataFrame, right: pl.DataFrame, labels: pl.DataFrame, seed: int, u_pairs: float,
         prior: bool) -> dict:
    """One Splink training: prior (optional), u by random sampling, m from labelled pairs."""
    from splink import DuckDBAPI, Linker
    con = duckdb.connect()
    try:
        db = DuckDBAPI(con)
        a = db.register(splink_table(left, "l").with_columns(left["nik_full"]).to_arrow(), table_name=DATASETS[0])
        b = db.register(splink_table(right, "r").with_columns(right["nik_full"]).to_arrow(), table_name=DATASETS[1])
        linker = Linker([a, b], link_model.settings(), log_level=logging.ERROR)
        if prior:
            linker.training.estimate_probability_two_random_records_match(["l.nik_full = r.nik_full"], recall=0.99)
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
        if labels.height:
            linker.training.estimate_m_from_pairwise_labels(db.register(labels.to_arrow(), table_name="label"))
        return linker.misc.save_model_to_json()
    finally:
        con.close()


def _label_pairs(left: pl.DataFrame, right: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """Pairs (in Splink's labels layout) agreeing on every column of `on`, none of them null."""
    cols = ["rid", *dict.fromkeys(["nik_full", *on])]
    pairs = left.drop_nulls(on).select(cols).join(right.drop_nulls(on).select(cols), on=on, suffix="_r")
    return pairs.select(pl.lit(DATASETS[0]).alias("source_dataset_l"),
                        ("l" + pl.col("rid").cast(pl.String)).alias("unique_id_l"),
                        pl.lit(DATASETS[1]).alias("source_dataset_r"),
                        ("r" + pl.col("rid_r").cast(pl.String)).alias("unique_id_r"))


def smooth(levels: list, m_floor: float = M_FLOOR, u_floor: float = U_FLOOR) -> None:
    """A level never seen in training is rare, not impossible: give it a small probability
    (a zero would make one field veto or prove a link on its own)."""
    real = [lv for lv in levels if not lv.get("is_null_level")]
    for key, floor in (("m_probability", m_floor), ("u_probability", u_floor)):
        values = [max(lv.get(key) or 0.0, floor) for lv in real]
        total = sum(values)
        for lv, v in zip(real, values):
            lv[key] = v / total


def _levels(model: dict, name: str) -> list:
    return next(c["comparison_levels"] for c in model["comparisons"] if c["output_column_name"] == name)
