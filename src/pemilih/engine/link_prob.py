"""Probabilistic linkage of the residual: list rows the exact NIK join could not place.

Only a percent or so of a list reaches this stage, so it is cheap as long as the registry
is not pushed through Splink whole: the candidate registry records are first selected with
Polars semi-joins on exactly the blocking keys of the model (link_model.blocking_rules: same
birth date, as written or as in the NIK; same family card; same name and birth year or
district; a shared name word with the same birth year, sex and district). Splink then blocks
and scores only those, with the trained model loaded from its file.

Every accepted link keeps its evidence: per comparison the field, the level that applied
(in Bahasa Indonesia) and its match weight.
"""
from __future__ import annotations

import json
import logging
import math
import os
import tempfile

import duckdb
import polars as pl

from pemilih.engine import link_model, names

# A shared name word counts for blocking together with these (link_model.blocking_rules).
TOKEN_WITH = ["birth_year", "sex", "district"]
# Probability above which the best candidate of a row is taken as the same person.
THRESHOLD = 0.9


def _keys(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {
        "dob": df.select(pl.col("dob").alias("k")),
        "nik_dob": df.select(pl.col("nik_dob").alias("k")),
        "nkk": df.select(pl.col("nkk_ok").alias("k")),
        "name_year": df.select(pl.col("name_flat").alias("k"), "birth_year"),
        "name_district": df.select(pl.col("name_flat").alias("k"), "district"),
        "token": df.select(pl.col("name_tokens").alias("k"), *TOKEN_WITH).explode("k"),
    }


def registry_keys(registry_records: pl.DataFrame) -> pl.DataFrame:
    """The blocking keys of every registry record (rid = position), and nothing else: the
    full features are computed only for the candidates. Raw values serve as keys where the
    residual side's keys are well-formed by construction (a registry NKK that is not 16
    digits can never equal one that is)."""
    df = registry_records.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"),
        pl.col("tanggal_lahir").alias("dob"), pl.col("nkk").alias("nkk_ok"),
        pl.col("tanggal_lahir").str.slice(0, 4).alias("birth_year"),
        pl.col("jenis_kelamin").alias("sex"), pl.col("kode_wilayah").str.slice(0, 8).alias("district"),
        pl.col("nama"))
    key = names.link_keys(df["nama"].fill_null(""))
    some = key != ""
    return df.drop("nama").with_columns(
        pl.when(some).then(key.str.replace_all(" ", "")).alias("name_flat"),
        pl.when(some).then(key.str.split(" ")).alias("name_tokens"))


def candidates(residual: pl.DataFrame, keys: pl.DataFrame) -> pl.Series:
    """Positions of the registry records sharing at least one blocking key with a residual row."""
    wanted = _keys(residual)
    dates = pl.concat([wanted["dob"], wanted["nik_dob"]]).drop_nulls().unique()
    hit = pl.col("dob").is_in(dates["k"].implode()) | pl.col("nkk_ok").is_in(wanted["nkk"]["k"].drop_nulls().implode())
    found = [keys.filter(hit).select("rid")]
    for key, other in (("name_year", "birth_year"), ("name_district", "district")):
        pick = wanted[key].drop_nulls().unique().rename({"k": "name_flat"})
        found.append(keys.join(pick, on=["name_flat", other], how="semi").select("rid"))
    tokens = wanted["token"].drop_nulls().unique()
    # Explode only the records whose year, sex and district some residual row has.
    near = keys.join(tokens.select(TOKEN_WITH).unique(), on=TOKEN_WITH, how="semi")
    found.append(near.select("rid", pl.col("name_tokens").alias("k"), *TOKEN_WITH).explode("k")
                 .join(tokens, on=["k", *TOKEN_WITH], how="semi").select("rid"))
    return pl.concat(found)["rid"].unique().sort()


def _table(df: pl.DataFrame, prefix: str) -> pl.DataFrame:
    cols = ["nik_rs", "nik_region", "dob", "nik_dob", "birth_year", "name_flat", "name_tokens",
            "nkk_ok", "sex", "place", "village", "district"]
    cols += [c for c in ("tf_name_flat",) if c in df.columns]
    return df.select((pl.lit(prefix) + pl.col("rid").cast(pl.String)).alias("unique_id"), *cols)


def name_frequencies(keys: pl.DataFrame) -> pl.DataFrame:
    """How common each name is in the whole registry (name_flat, tf_name_flat): Splink's
    term-frequency adjustment would otherwise count it among the few candidates only."""
    named = keys.select("name_flat").drop_nulls()
    return named.group_by("name_flat").len().select(
        "name_flat", (pl.col("len") / max(named.height, 1)).alias("tf_name_flat"))


def register(db, con, frame: pl.DataFrame, name: str, folder: str):
    """A Polars table into DuckDB for Splink, through a Parquet file: handing the frame over
    directly would load pyarrow (some 30 MB) for a few thousand rows."""
    path = os.path.join(folder, f"{name}.parquet")
    frame.write_parquet(path, compression="uncompressed", statistics=False)  # read once, at once
    con.execute(f"CREATE TABLE t_{name} AS SELECT * FROM read_parquet('{path}')")
    return db.register(f"t_{name}", dataset_display_name=name)


_TYPES = {"VARCHAR": pl.String, "DOUBLE": pl.Float64, "FLOAT": pl.Float32, "INTEGER": pl.Int32,
          "BIGINT": pl.Int64, "BOOLEAN": pl.Boolean}


def fetch(relation) -> pl.DataFrame:
    """A (small) DuckDB result as a Polars table, without pyarrow."""
    schema = {c: _TYPES.get(str(t), None) for c, t in zip(relation.columns, relation.types)}
    rows = relation.fetchall()
    frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return frame.cast({c: t for c, t in schema.items() if t is not None})


def predict(residual: pl.DataFrame, pool: pl.DataFrame, model: dict | None = None,
            threshold: float | None = None) -> pl.DataFrame:
    """Scored pairs of residual rows and candidate registry records (`pool`, both with the
    features of link_prepare), at least `threshold` probable when given: lid, rid,
    match_weight, match_probability, gamma_*, mw_*."""
    from splink import DuckDBAPI, Linker
    link_model.quiet_splink()
    empty = pl.DataFrame(schema={"lid": pl.UInt32, "rid": pl.UInt32, "match_weight": pl.Float64,
                                 "match_probability": pl.Float64})
    if residual.height == 0 or pool.height == 0:
        return empty
    with tempfile.TemporaryDirectory(prefix="pemilih-link-") as tmp, duckdb.connect() as con:
        db = DuckDBAPI(con)
        left = register(db, con, _table(residual, "l"), "a_daftar", tmp)
        right = register(db, con, _table(pool, "r"), "b_registri", tmp)
        # The model file was validated when it was trained; checking it again costs a run time.
        linker = Linker([left, right], model or link_model.load_model(), log_level=logging.ERROR,
                        validate_settings=False)
        scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        relation = scored.as_duckdbpyrelation()
        wanted = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
        wanted += [c for c in relation.columns if c.startswith(("gamma_", "mw_"))]
        out = fetch(relation.select(*[f'"{c}"' for c in wanted]))
    # unique_id_l may come from either table (Splink orders the pair by dataset name).
    lid = pl.when(pl.col("unique_id_l").str.starts_with("l")).then("unique_id_l").otherwise("unique_id_r")
    rid = pl.when(pl.col("unique_id_l").str.starts_with("l")).then("unique_id_r").otherwise("unique_id_l")
    keep = [c for c in out.columns if c.startswith(("gamma_", "mw_"))]
    return out.select(lid.str.slice(1).cast(pl.UInt32).alias("lid"),
                      rid.str.slice(1).cast(pl.UInt32).alias("rid"),
                      "match_weight", "match_probability", *keep)


def labels(model: dict) -> dict[str, dict[int, str]]:
    """{comparison: {gamma value: level label}} from the model file."""
    out = {}
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        mapping = {-1: "kosong"}
        for i, lv in enumerate(non_null):
            mapping[len(non_null) - 1 - i] = lv.get("label_for_charts", "")
        out[comp["output_column_name"]] = mapping
    return out


def evidence(row: dict, names: dict[str, dict[int, str]]) -> str:
    """One JSON document: the probability, the total weight and each field's level and weight
    (a name's weight includes its rarity adjustment)."""
    fields = []
    for comp, levels in names.items():
        gamma = row.get(f"gamma_{comp}")
        weight = row.get(f"mw_{comp}")
        if weight is not None and row.get(f"mw_tf_adj_{comp}") is not None:
            weight += row[f"mw_tf_adj_{comp}"]
        fields.append({"field": link_model.FIELD_OF[comp], "level": levels.get(gamma, str(gamma)),
                       "weight": None if weight is None else round(weight, 2)})
    score = math.floor(row["match_probability"] * 10_000) / 10_000  # as the finding's score
    doc = {"method": "probabilistik", "score": score,
           "match_weight": round(row["match_weight"], 2), "fields": fields}
    return json.dumps(doc, ensure_ascii=False)


def best_links(scored: pl.DataFrame, model: dict, threshold: float = THRESHOLD) -> pl.DataFrame:
    """For each residual row, its best candidate if probable enough: lid, rid, score, evidence."""
    schema = {"lid": pl.UInt32, "rid": pl.UInt32, "score": pl.Float64, "evidence": pl.String}
    if scored.height == 0:
        return pl.DataFrame(schema=schema)
    best = (scored.sort(["lid", "match_weight"], descending=[False, True])
            .group_by("lid", maintain_order=True).first()
            .filter(pl.col("match_probability") >= threshold))
    names = labels(model)
    docs = [evidence(r, names) for r in best.iter_rows(named=True)]
    # Rounded down: a probabilistic link never shows the 1 that marks an exact NIK match.
    score = (pl.col("match_probability") * 10_000).floor() / 10_000
    return best.select("lid", "rid", score.alias("score")).with_columns(
        pl.Series("evidence", docs, dtype=pl.String))
