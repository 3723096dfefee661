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
from typing import TYPE_CHECKING

import duckdb
import polars as pl

if TYPE_CHECKING:
    import pyarrow as pa

from pemilih.engine import link_model, link_prob

# Pairs scored in one query (predict): joined to both sides' features, some 400 bytes a pair.
SCORE_BATCH = 100_000
# Rows of an Arrow batch handed to DuckDB (_arrow).
ARROW_BATCH = 4096

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
    """(the level's weight, the rarity adjustment or None) as SQL on `gamma_<name>`. The
    adjustment of a level with a term-frequency column is log2(u / frequency), the frequency
    the greater of the pair's two (Splink's rule); a value without one adjusts nothing."""
    name = comp["output_column_name"]
    non_null = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    cases, adjusted = [], []
    for i, lv in enumerate(non_null):
        gamma = len(non_null) - 1 - i
        cases.append(f"WHEN {gamma} THEN {math.log2(lv['m_probability'] / lv['u_probability'])!r}")
        if lv.get("tf_adjustment_column"):
            tf = f"greatest({tf_column(lv['tf_adjustment_column'])}_l, {tf_column(lv['tf_adjustment_column'])}_r)"
            factor = lv.get("tf_adjustment_weight", 1.0)
            adjusted.append(f"WHEN {gamma} THEN CASE WHEN {tf} > 0 THEN log2({lv['u_probability']!r} / {tf}) "
                            f"* {factor!r} ELSE 0 END")
    adjust = f"CAST(CASE gamma_{name} {' '.join(adjusted)} ELSE 0 END AS DOUBLE)" if adjusted else None
    # DOUBLE: the literals would otherwise make a DECIMAL column.
    return f"CAST(CASE gamma_{name} {' '.join(cases)} ELSE 0 END AS DOUBLE)", adjust


def tf_column(column: str) -> str:
    """The column holding the term frequency of `column`'s value (Splink's name for it)."""
    return f"tf_{column}"


def tf_columns(model: dict) -> list[str]:
    """The term-frequency columns the model's levels read."""
    found = {lv["tf_adjustment_column"] for c in model["comparisons"] for lv in c["comparison_levels"]
             if lv.get("tf_adjustment_column")}
    return [tf_column(c) for c in sorted(found)]


def _ends_sql(model: dict) -> tuple[str, str] | None:
    """(the SQL, the name comparison) of the adjustment by the rarity of a partial name's first
    and last words (link_model.ENDS_RARITY_LEVELS), when the two names' first and last words
    agree (their rarity is then one value); nothing when they differ or it is unknown."""
    comp, wanted = link_model.ENDS_RARITY_LEVELS
    gammas = [g for g, label in link_prob.labels(model).get(comp, {}).items() if label in wanted]
    if not gammas:
        return None
    return (f"CAST(CASE WHEN gamma_{comp} IN ({', '.join(map(str, gammas))}) "
            f"AND name_ends_l = name_ends_r THEN coalesce({link_prob.RARITY_COLUMN}_r, 0) ELSE 0 END AS DOUBLE)",
            comp)


def _side(frame: pl.DataFrame, suffix: str, tfs: list[str]) -> pl.DataFrame:
    """One side's features as the scoring SQL names them (`nama_l`, `nama_r`, ...)."""
    cols = [c for c in [*link_model.COLUMNS, *tfs] if c in frame.columns]
    return frame.select(pl.col("rid").alias("lid" if suffix == "_l" else "rid"),
                        *[pl.col(c).alias(c + suffix) for c in cols])


def _arrow(frame: pl.DataFrame) -> pa.Table:
    """`frame` as Arrow in record batches of ARROW_BATCH rows: DuckDB scans an Arrow table a
    batch per thread, and a join's result is one batch. pyarrow is loaded here, when first
    needed, not with the engine while the files are read: its 20 MB then add to that peak."""
    import pyarrow as pa
    table = frame.to_arrow(compat_level=pl.CompatLevel.newest())
    return pa.Table.from_batches(table.to_batches(max_chunksize=ARROW_BATCH), table.schema)


def predict(residual: pl.DataFrame, pool: pl.DataFrame, pairs: pl.DataFrame, model: dict,
            threshold: float | None = None) -> pl.DataFrame:
    """The pairs scored (lid, rid, match_weight, match_probability, gamma_*, mw_*, mw_tf_adj_*,
    mw_ends_adj_*), those at least `threshold` probable when given; the columns link_prob.predict
    gives, and the partial name's rarity (_ends_sql), which Splink has no term for."""
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
    ends = _ends_sql(model)
    if ends:
        weights.append(f"{ends[0]} AS mw_ends_adj_{ends[1]}")
        total.append(f"mw_ends_adj_{ends[1]}")
    tfs = tf_columns(model) + [link_prob.RARITY_COLUMN]
    # A side without a frequency column (a test's bare tables) adjusts nothing.
    blank = [f"NULL::DOUBLE AS {c}{s}" for c in tfs for s, side in (("_l", residual), ("_r", pool))
             if c not in side.columns]
    keep = f"WHERE match_probability >= {threshold!r}" if threshold is not None else ""
    # What the weights read besides the levels; not part of the result.
    carried = ", ".join(f"{c}_l, {c}_r" for c in [*tfs, "name_ends"])
    left, right = _side(residual, "_l", tfs), _side(pool, "_r", tfs)
    sql = f"""
        WITH j AS (SELECT * {", " if blank else ""}{", ".join(blank)} FROM batch),
             g AS (SELECT lid, rid, {gammas}, {carried} FROM j),
             w AS (SELECT *, {", ".join(weights)} FROM g),
             s AS (SELECT *, CAST({" + ".join(total)} AS DOUBLE) AS match_weight FROM w),
             q AS (SELECT *, 1.0 / (1.0 + pow(2.0, -match_weight)) AS match_probability FROM s)
        SELECT * EXCLUDE ({carried}) FROM q {keep}"""
    # A batch of pairs at a time: each pair's score is its own, and a province's millions of
    # pairs joined to their features at once would hold gigabytes. The pairs meet their
    # features in Polars (a gather, where DuckDB's join of the list-valued columns took most of
    # the query's time) and go to DuckDB as Arrow, without a copy.
    found = []
    with duckdb.connect() as con:
        for start in range(0, max(pairs.height, 1), SCORE_BATCH):
            batch = (pairs.slice(start, SCORE_BATCH).join(left, on="lid", how="inner")
                     .join(right, on="rid", how="inner"))
            con.register("batch", _arrow(batch))
            found.append(link_prob.fetch(con.sql(sql)))
            con.unregister("batch")
    out = pl.concat(found)
    return out.with_columns(pl.col("lid", "rid").cast(pl.UInt32), pl.col("^gamma_.*$").cast(pl.Int32))
