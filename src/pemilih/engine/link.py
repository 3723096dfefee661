"""Linking a voter list to the civil registry: exact NIK join first, Splink on the rest.

About 99% of list rows carry the NIK the registry has: one set-based join (Polars) places
them in milliseconds. The rest (empty, mistyped, Excel-mangled or unknown NIK) goes to the
probabilistic stage (pemilih.engine.link_prob) with the trained model.

An exact NIK match is not taken on faith when nothing else agrees: a list row whose name is
unlike the registry's and whose birth date differs is someone else written with that NIK
(a child listed with a parent's NIK, say), and it is linked like the residual instead.

Result: one row per linked list row: `lid` (list position), `rid` (registry position),
`method` (`nik` or `probabilistik`), `score` (1 for NIK, else the match probability),
`evidence` (JSON, for probabilistic links); and apart, the rows whose best candidate is
uncertain (probability from link_prob.REVIEW_FLOOR up to the threshold): not links, and not
"unknown" either.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pemilih.engine import link_estimate, link_model, link_parts, link_prob, link_score, names
from pemilih.engine.link_prepare import add_name_features, prepare, with_nik_dates

LINK_SCHEMA = {"lid": pl.UInt32, "rid": pl.UInt32, "method": pl.String, "score": pl.Float64,
               "evidence": pl.String}
# Below this similarity of names (with a different birth date too) a NIK match is doubted.
NAME_DOUBT = 0.8


@dataclass
class Linkage:
    links: pl.DataFrame  # LINK_SCHEMA
    residual: int  # list rows that went to the probabilistic stage
    seconds: dict = field(default_factory=dict)
    estimated: bool = False  # the model was re-estimated on this list (link_estimate)
    uncertain: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LINK_SCHEMA))


def _exact(list_records: pl.DataFrame, registry_records: pl.DataFrame) -> pl.DataFrame:
    """(lid, rid) of the list rows whose well-formed NIK the registry has, less the doubtful."""
    left = list_records.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("lid"), "nik").filter(
        pl.col("nik").str.contains(r"^\d{16}$"))
    right = registry_records.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"), "nik").unique(
        "nik", keep="first", maintain_order=True)
    pairs = left.join(right, on="nik").select("lid", "rid")
    return pairs.join(_doubtful(pairs, list_records, registry_records), on="lid", how="anti")


def _doubtful(pairs: pl.DataFrame, list_records: pl.DataFrame, registry_records: pl.DataFrame) -> pl.DataFrame:
    """Exact pairs whose names are unlike and birth dates differ (names compared only for the
    few whose birth dates differ)."""
    dates = pairs.with_columns(list_records["tanggal_lahir"].gather(pairs["lid"]).alias("a"),
                               registry_records["tanggal_lahir"].gather(pairs["rid"]).alias("b"))
    differ = dates.filter(pl.col("a").is_null() | (pl.col("a") != pl.col("b"))).select("lid", "rid")
    if differ.height == 0:
        return differ.select("lid")
    named = differ.with_columns(list_records["nama"].gather(differ["lid"]).alias("a"),
                                registry_records["nama"].gather(differ["rid"]).alias("b"))
    keyed = named.select("lid", names.link_key("a").alias("a"), names.link_key("b").alias("b"))
    with tempfile.TemporaryDirectory(prefix="pemilih-link-") as tmp, duckdb.connect() as con:
        path = os.path.join(tmp, "names.parquet")
        keyed.write_parquet(path)
        sims = link_prob.fetch(con.sql(f"SELECT lid, jaro_winkler_similarity(a, b) AS s FROM read_parquet('{path}')"))
    if sims.height == 0:
        return sims.select(pl.col("lid").cast(pl.UInt32))
    return sims.filter(pl.col("s").is_null() | (pl.col("s") < NAME_DOUBT)).select(pl.col("lid").cast(pl.UInt32))


# Another engine for the two stages that touch the whole registry (the exact join) or run the
# model's SQL (scoring): an object with `exact` and `score` as _exact and link_score.predict
# (engine/link_spark.SparkEngine); None: Polars and DuckDB, here. Everything else is shared.
_ENGINE: ContextVar = ContextVar("pemilih_link_engine", default=None)


@contextmanager
def using(engine) -> Iterator[None]:
    """Link with `engine` within the block (None: the default engine)."""
    token = _ENGINE.set(engine)
    try:
        yield
    finally:
        _ENGINE.reset(token)


def link(list_records: pl.DataFrame, registry_records: pl.DataFrame, model: dict | None = None,
         threshold: float = link_prob.THRESHOLD, estimate: bool | None = None) -> Linkage:
    """Link every list row to at most one registry record; `estimate`: re-estimate the model
    on this list (True), never (False), or when much of it has no usable NIK (None)."""
    engine = _ENGINE.get()
    seconds = {}
    t = time.perf_counter()
    ahead = link_parts.keys_ahead(registry_records)
    pairs = (engine.exact if engine else _exact)(list_records, registry_records)
    exact, rest = split_exact(pairs, list_records.height)
    seconds["nik"] = time.perf_counter() - t
    t = time.perf_counter()
    found, estimated = _probabilistic(list_records, rest, registry_records, model, threshold, estimate,
                                      score=engine.score if engine else link_score.predict, ahead=ahead)
    seconds["probabilistik"] = time.perf_counter() - t
    links, uncertain = settle(exact, found, threshold)
    return Linkage(links, rest.len(), seconds, estimated, uncertain)


def split_exact(pairs: pl.DataFrame, list_rows: int) -> tuple[pl.DataFrame, pl.Series]:
    """The exact (lid, rid) pairs as links, and the list positions left for the probabilistic stage."""
    exact = pairs.select("lid", "rid", pl.lit("nik").alias("method"), pl.lit(1.0).alias("score"),
                         pl.lit(None, pl.String).alias("evidence"))
    rest = pl.Series("lid", range(list_rows), dtype=pl.UInt32).to_frame().join(
        pairs.select("lid"), on="lid", how="anti")["lid"]
    return exact, rest


def settle(exact: pl.DataFrame, found: pl.DataFrame, threshold: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(links, uncertain): the exact links with the probabilistic candidates that reach the
    threshold and are not `held` (another member of the candidate's family, a name unlike the
    candidate's: link_prob.best_links); the other candidates are uncertain."""
    sure = (pl.col("score") >= threshold) & ~pl.col("held")
    links = pl.concat([exact, found.filter(sure).select(list(LINK_SCHEMA))], how="vertical_relaxed")
    uncertain = found.filter(~sure).select(list(LINK_SCHEMA)).cast(LINK_SCHEMA).sort("lid")
    return links.cast(LINK_SCHEMA).sort("lid"), uncertain


def _probabilistic(list_records: pl.DataFrame, rest: pl.Series, registry_records: pl.DataFrame,
                   model: dict | None, threshold: float, estimate: bool | None = None,
                   score=link_score.predict, ahead=None) -> tuple[pl.DataFrame, bool]:
    """Best candidates of the list rows `rest` (positions) down to the review floor, by the
    trained model, re-estimated on these rows when many of the list's rows are here
    (link_estimate.needed)."""
    if rest.len() == 0:
        return pl.DataFrame(schema=LINK_SCHEMA | {"held": pl.Boolean}), False
    model = dict(model or link_model.load_model())
    # Each list row is at most one of the registry's records: the prior is 1 in its size.
    model["probability_two_random_records_match"] = 1.0 / max(registry_records.height, 1)
    estimated = link_estimate.needed(rest.len(), list_records.height, estimate)
    # The wide blocking rules serve a list that is not the registry's own making (the same
    # condition as the estimation); a usual run's residual is the careless few of a clean list.
    residual = add_name_features(with_nik_dates(prepare(list_records[rest], "kpu", ids=rest)))
    found = link_parts.candidates(residual, registry_records, wide=estimated, ahead=ahead)  # a part at a time
    chosen, pairs = found.chosen, found.pairs
    pool = pairs["rid"].unique().sort()
    registry = add_name_features(prepare(registry_records[pool], "registry", ids=pool))
    tf = found.frequencies([residual, registry])
    del found  # the registry's keys (its frequencies hold them): let go before scoring
    residual = link_prob.with_frequencies(residual, tf)
    registry = link_prob.with_frequencies(registry, tf)
    if estimated:  # Splink's settings carry the blocking rules this run chose
        model["blocking_rules_to_generate_predictions"] = link_model.blocking_rules(chosen)
        model = link_estimate.estimate(residual, registry, model)
    floor = min(threshold, link_prob.REVIEW_FLOOR)
    scored = score(residual, registry, pairs, model, floor)
    if estimated:  # a re-estimated run also reads the prior from the data
        scored = link_estimate.with_share(scored, rest.len()).filter(pl.col("match_probability") >= floor)
    best = link_prob.best_links(scored, model, floor)
    return best.with_columns(pl.lit("probabilistik").alias("method")), estimated
