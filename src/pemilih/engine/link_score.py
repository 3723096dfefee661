"""Scoring the candidate pairs by the model: one DuckDB query, no Splink pipeline.

Splink trains the model (link_train, link_estimate); scoring its pairs is a fixed formula
(Fellegi-Sunter): per comparison the level whose SQL condition holds first (the model file's
own `sql_condition`s, evaluated by DuckDB as Splink would), the level's weight log2(m/u), the
rarity adjustment of an exact name log2(u/frequency), and the prior's log-odds; the
probability is 2^w / (1 + 2^w). Splink's predict() wraps the same arithmetic in a pipeline
whose SQL it parses and rewrites each run: on a usual verification that costs more than the
scoring itself. tests/test_link_score.py checks that both give the same weights.

The pairs come from the blocking keys (link_prob.candidate_pairs, the rules chosen by
link_prob.blocks) joined in Polars, so Splink's blocking is not needed either.
"""
from __future__ import annotations

import math
import os
import tempfile

import duckdb
import polars as pl

from pemilih.engine import link_model, link_prob

TF_COLUMN = "tf_name_flat"


def _gamma_sql(comp: dict) -> str:
    """The CASE expression giving a comparison's level (Splink's numbering: -1 null, then the
    highest number for the first level down to 0 for the last)."""
    levels = comp["comparison_levels"]
    non_null = [lv for lv in levels if not lv.get("is_null_level")]
    parts = [f"WHEN {lv['sql_condition']} THEN -1" for lv in levels if lv.get("is_null_level")]
    for i, lv in enumerate(non_null):
        gamma = len(non_null) - 1 - i
        cond = lv["sql_condition"]
        parts.append(f"ELSE {gamma}" if cond.strip().upper() == "ELSE" else f"WHEN {cond} THEN {gamma}")
    return f"CASE {' '.join(parts)} END"


def _weight_sql(comp: dict) -> tuple[str, str | None]:
    """(the level's weight, the rarity adjustment or None) as SQL on `gamma_<name>`."""
    name = comp["output_column_name"]
    non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    cases, adjust = [], None
    for i, lv in enumerate(non_null):
        gamma = len(non_null) - 1 - i
        cases.append(f"WHEN {gamma} THEN {math.log2(lv['m_probability'] / lv['u_probability'])!r}")
        if lv.get("tf_adjustment_column"):
            factor = lv.get("tf_adjustment_weight", 1.0)
            adjust = (f"CAST(CASE WHEN gamma_{name} = {gamma} AND tf > 0 "
                      f"THEN log2({lv['u_probability']!r} / tf) * {factor!r} ELSE 0 END AS DOUBLE)")
    # DOUBLE: the literals would otherwise make a DECIMAL column.
    return f"CAST(CASE gamma_{name} {' '.join(cases)} ELSE 0 END AS DOUBLE)", adjust


def _table(con, frame: pl.DataFrame, name: str, suffix: str, folder: str) -> None:
    cols = [c for c in [*link_model.COLUMNS, TF_COLUMN] if c in frame.columns]
    path = os.path.join(folder, f"{name}.parquet")
    frame.select(pl.col("rid").alias("lid" if suffix == "_l" else "rid"),
                 *[pl.col(c).alias(c + suffix) for c in cols]).write_parquet(path, compression="uncompressed")
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{path}')")


def predict(residual: pl.DataFrame, pool: pl.DataFrame, pairs: pl.DataFrame, model: dict,
            threshold: float | None = None) -> pl.DataFrame:
    """The pairs scored (lid, rid, match_weight, match_probability, gamma_*, mw_*, mw_tf_adj_*),
    those at least `threshold` probable when given; the same columns link_prob.predict gives."""
    comps = model["comparisons"]
    prior = model["probability_two_random_records_match"]
    gammas = ", ".join(f"{_gamma_sql(c)} AS gamma_{c['output_column_name']}" for c in comps)
    weights, total = [], [repr(math.log2(prior / (1 - prior)))]
    for c in comps:
        name = c["output_column_name"]
        level, adjust = _weight_sql(c)
        weights.append(f"{level} AS mw_{name}")
        total.append(f"mw_{name}")
        if adjust:
            weights.append(f"{adjust} AS mw_tf_adj_{name}")
            total.append(f"mw_tf_adj_{name}")
    tf = f"greatest({TF_COLUMN}_l, {TF_COLUMN}_r)" if TF_COLUMN in residual.columns else "NULL"
    keep = f"WHERE match_probability >= {threshold!r}" if threshold is not None else ""
    with tempfile.TemporaryDirectory(prefix="pemilih-score-") as tmp, duckdb.connect() as con:
        _table(con, residual, "l", "_l", tmp)
        _table(con, pool, "r", "_r", tmp)
        path = os.path.join(tmp, "pairs.parquet")
        pairs.write_parquet(path, compression="uncompressed")
        sql = f"""
            WITH g AS (SELECT p.lid, p.rid, {gammas}, {tf} AS tf
                       FROM read_parquet('{path}') p JOIN l USING (lid) JOIN r USING (rid)),
                 w AS (SELECT *, {", ".join(weights)} FROM g),
                 s AS (SELECT *, CAST({" + ".join(total)} AS DOUBLE) AS match_weight FROM w),
                 q AS (SELECT *, 1.0 / (1.0 + pow(2.0, -match_weight)) AS match_probability FROM s)
            SELECT * EXCLUDE (tf) FROM q {keep}"""
        out = link_prob.fetch(con.sql(sql))
    return out.with_columns(pl.col("lid", "rid").cast(pl.UInt32), pl.col("^gamma_.*$").cast(pl.Int32))
