"""Probabilistic linkage of the residual: list rows the exact NIK join could not place.

Only a percent or so of a list reaches this stage, so it is cheap as long as the registry
is not compared whole: the candidate pairs are made with Polars joins on exactly the blocking
keys of the model (link_model.BLOCKS, the one definition Splink's blocking rules are made from
too, for training), and only their registry records get the full features. They are scored by
engine/link_score with the model loaded from its file; `predict` here is Splink's own scoring,
kept for the re-trained NCVR benchmark (bench/ncvr_eval.py) and as the test's oracle.

Every accepted link keeps its evidence: per comparison the field, the level that applied
(in Bahasa Indonesia) and its match weight.
"""
from __future__ import annotations

import json
import logging
import math
import os
import tempfile
from dataclasses import dataclass

import duckdb
import polars as pl

from pemilih.engine import link_model, names
from pemilih.engine.held import text
from pemilih.engine.link_prepare import NAME_FEATURES, name_features

# Probability above which the best candidate of a row is taken as the same person.
THRESHOLD = 0.9
# Below THRESHOLD down to this, the best candidate is uncertain: neither a link nor "not in the
# registry" (which would propose striking an eligible voter); a person decides (LINK-UNCERTAIN).
REVIEW_FLOOR = 0.1
FAMILY_NOTE = "NKK sama tetapi tanggal lahir lain: mungkin anggota keluarga lain yang bernama sama"
NAME_NOTE = ("nama sama sekali lain dan tanggal lahir hanya sama tahunnya: kecocokan data lain saja belum "
             "menunjukkan orang yang sama")
# A wide blocking rule (link_model.Block.wide) is used when it makes at most this many pairs
# per residual row, and at most this many in all: a usual run stays within a second or two and
# a regency's whole list without NIK within a minute.
WIDE_PAIRS_PER_ROW = 20
WIDE_PAIRS = 2_000_000
# The most a partial name's rarity moves its weight, either way (name_frequencies): an estimate
# from a few words' frequencies is not trusted beyond a thousandfold.
ENDS_RARITY_BITS = 10.0
RARITY_COLUMN = "rarity_name_ends"  # name_frequencies' column, read by engine/link_score


def registry_keys(registry_records: pl.DataFrame, wide: bool = True) -> pl.DataFrame:
    """The blocking keys (link_model.BLOCKS) of every registry record (rid = position), and
    nothing else: the full features are computed only for the candidates. Raw values serve
    as keys where the residual side's keys are well-formed by construction (a registry NKK
    that is not 16 digits can never equal one that is). The address words only for `wide`
    rules (blocks): with_address_keys."""
    df = registry_records.select(
        pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"),
        pl.col("tanggal_lahir").alias("dob"), pl.col("nkk").alias("nkk_ok"),
        pl.col("tanggal_lahir").str.slice(0, 4).alias("birth_year"),
        text("kode_wilayah").alias("village"), text("kode_wilayah").str.slice(0, 8).alias("district"),
        text("kode_wilayah").str.slice(0, 5).alias("regency"),
        pl.lit(None, pl.List(pl.String)).alias("address_tokens"), pl.col("nama"))
    named = name_features(df["nama"])  # once per distinct name
    keys = df.drop("nama").with_columns(named[c] for c in NAME_FEATURES)
    return with_address_keys(keys, registry_records) if wide else keys


def with_address_keys(keys: pl.DataFrame, registry_records: pl.DataFrame) -> pl.DataFrame:
    """registry_keys' `address_tokens` filled in: the keys of the `wide` rules."""
    if "alamat" not in registry_records.columns:
        return keys
    return keys.with_columns(registry_records.select(names.address_words("alamat"))
                             .to_series().alias("address_tokens"))


def _sides(block: link_model.Block, residual: pl.DataFrame, keys: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The block's keys of the residual rows (lid) and of the registry records (rid), one word
    per row (the registry's only for the words some residual row has); the scope column too,
    null on the residual side where the row's is unknown."""
    renamed = [pl.col(a).alias(b) for a, b in zip(block.list_keys, block.keys)]
    scope = [block.scope] if block.scope else []
    wanted = residual.select(pl.col("rid").alias("lid"), *renamed, *scope)
    have = keys.select("rid", *block.keys, *scope)
    for column in block.explode:
        wanted = wanted.explode(column)
        have = have.explode(column).filter(pl.col(column).is_in(wanted[column].drop_nulls().unique().implode()))
    return wanted.drop_nulls(block.keys), have.drop_nulls(block.keys)


def _joined(block: link_model.Block, wanted: pl.DataFrame, have: pl.DataFrame, join) -> list[pl.DataFrame]:
    """join(wanted, have, on) for the block's keys, with its scope where both sides have one
    (a row or a record of unknown region pairs with every region)."""
    on = list(block.keys)
    if not block.scope:
        return [join(wanted, have, on)]
    known = pl.col(block.scope).is_not_null()
    return [join(wanted.filter(known), have.filter(known), on + [block.scope]),
            join(wanted.filter(known).drop(block.scope), have.filter(~known).drop(block.scope), on),
            join(wanted.filter(~known).drop(block.scope), have.drop(block.scope), on)]


def _pairs(block: link_model.Block, residual: pl.DataFrame, keys: pl.DataFrame) -> int:
    """How many pairs the block makes (counted from the keys' frequencies, not made)."""
    def counted(a: pl.DataFrame, b: pl.DataFrame, on: list[str]) -> int:
        both = a.group_by(on).len().join(b.group_by(on).len(), on=on)
        return int((both["len"].cast(pl.Int64) * both["len_right"]).sum())
    return sum(_joined(block, *_sides(block, residual, keys), counted))


def blocks(residual: pl.DataFrame, keys: pl.DataFrame, wide: bool = True) -> tuple[link_model.Block, ...]:
    """The blocking rules for this residual: every narrow one, and (`wide`) the wide ones it
    can afford."""
    return affordable(residual.height, wide_pairs(residual, keys) if wide else {})


def wide_pairs(residual: pl.DataFrame, keys: pl.DataFrame) -> dict[link_model.Block, int]:
    """How many pairs each wide block would make (additive over parts of the registry)."""
    return {b: _pairs(b, residual, keys) for b in link_model.BLOCKS if b.wide}


def affordable(residual_rows: int, pairs: dict[link_model.Block, int]) -> tuple[link_model.Block, ...]:
    """Every narrow block, and the wide ones whose pairs (`pairs`; none: not wanted) fit the budget."""
    budget = min(WIDE_PAIRS, WIDE_PAIRS_PER_ROW * residual_rows)
    return tuple(b for b in link_model.BLOCKS if not b.wide or (b in pairs and pairs[b] <= budget))


def candidate_pairs(residual: pl.DataFrame, keys: pl.DataFrame, chosen) -> pl.DataFrame:
    """(lid, rid) of every residual row and registry record agreeing on a chosen block's keys:
    the pairs that are scored (engine/link_score), and whose registry side is the pool whose
    features are computed."""
    return bounded(block_pairs(residual, keys, chosen), chosen)


def block_pairs(residual: pl.DataFrame, keys: pl.DataFrame, chosen) -> pl.DataFrame:
    """(lid, rid, block): each chosen block's pairs (block: its position in `chosen`), as
    made, before any block's bound (bounded); additive over parts of the registry."""
    def paired(a: pl.DataFrame, b: pl.DataFrame, on: list[str]) -> pl.DataFrame:
        return a.join(b, on=on).select("lid", "rid")
    found = [pairs.with_columns(pl.lit(n, pl.UInt8).alias("block"))
             for n, block in enumerate(chosen) for pairs in _joined(block, *_sides(block, residual, keys), paired)]
    if not found:
        return pl.DataFrame(schema={"lid": pl.UInt32, "rid": pl.UInt32, "block": pl.UInt8})
    return pl.concat(found).cast({"lid": pl.UInt32, "rid": pl.UInt32})


def bounded(found: pl.DataFrame, chosen) -> pl.DataFrame:
    """The candidate pairs (lid, rid) of block_pairs, each once, in a fixed order (of two
    candidates weighing the same, the first is taken: best_links), without the pairs of a
    bounded block (link_model.Block.most) for a list row that block pairs with more records
    than its bound: one key per row, so its pairs there are the records sharing that key."""
    for n, block in enumerate(chosen):
        if block.most is not None:
            mine = pl.col("block") == n
            crowded = (mine & (mine.sum().over("lid") > block.most))
            found = found.filter(~crowded)
    return _each_once_in_order(found)


def _each_once_in_order(found: pl.DataFrame) -> pl.DataFrame:
    """found's (lid, rid), each pair once, sorted by lid then rid. As one 64-bit number (lid
    above rid), sorted, then its repeats dropped: for 16 million pairs (made up, half of them
    repeats) 1.1 s where unique() and then a sort on the two columns took 4.7 s."""
    shift = 1 << 32
    key = (pl.col("lid").cast(pl.UInt64) * shift + pl.col("rid").cast(pl.UInt64)).sort().alias("key")
    once = found.select(key).unique(maintain_order=True)
    return once.select((pl.col("key") // shift).cast(pl.UInt32).alias("lid"),
                       (pl.col("key") % shift).cast(pl.UInt32).alias("rid"))


def splink_table(df: pl.DataFrame, prefix: str) -> pl.DataFrame:
    cols = list(link_model.COLUMNS)
    cols += [c for c in df.columns if c.startswith("tf_")]
    return df.select((pl.lit(prefix) + pl.col("rid").cast(pl.String)).alias("unique_id"), *cols)


@dataclass
class NameCounts:
    """How often the registry's name values occur (name_frequencies): additive, so a registry
    counted a part at a time (engine/link_parts) gives the counts of the whole."""
    total: int  # records with a name
    words: pl.DataFrame  # w, len
    ends: pl.DataFrame  # name_ends, n
    flat: pl.DataFrame  # name_flat, n

    def __add__(self, other: NameCounts | None) -> NameCounts:
        if other is None:
            return self
        def merged(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
            key, n = a.columns
            return pl.concat([a, b]).group_by(key).agg(pl.col(n).sum())
        return NameCounts(self.total + other.total, merged(self.words, other.words),
                          merged(self.ends, other.ends), merged(self.flat, other.flat))


def name_counts(keys: pl.DataFrame) -> NameCounts:
    named = keys.select("name_flat", "name_tokens").drop_nulls("name_flat")
    words = named.select(pl.col("name_tokens").alias("w")).explode("w").group_by("w").len()
    ends = keys.select("name_ends").drop_nulls().group_by("name_ends").len("n")
    return NameCounts(named.height, words, ends, named.group_by("name_flat").len("n"))


def name_frequencies(keys: pl.DataFrame, wanted: list[pl.DataFrame] | None = None) -> dict[str, pl.DataFrame]:
    """How common the registry's name values are, as the scoring reads them: {column: table}.
    `name_flat`: (name_flat, tf_name_flat), each whole name's frequency, for Splink's
    term-frequency adjustment of the exact level (computed on the whole registry: Splink would
    count it among the few candidates only). `name_ends`: (name_ends, rarity_name_ends), how
    much rarer the name's first and last words are together than those of two records that
    share theirs by chance, log2(expected / frequency), for the partial name levels
    (link_model.ENDS_RARITY_LEVELS); bounded by ENDS_RARITY_BITS. Only for the values of the
    `wanted` tables when given (the rows to be scored): counted on the whole registry all the
    same.

    A value written once says only that it is at most one in the registry's size; in a small
    registry that is a poor estimate (every name of 500 records would be "one in 500"). For
    those, the product of its words' frequencies is taken when smaller: how often the words
    would meet by chance."""
    return frequencies(name_counts(keys), wanted, keys.select("name_flat", "name_tokens").drop_nulls("name_flat"))


def frequencies(counts: NameCounts, wanted: list[pl.DataFrame] | None, named: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """name_frequencies from the counts; `named` (name_flat, name_tokens): the registry's words
    of at least every wanted whole name it holds once."""
    total = max(counts.total, 1)
    words = counts.words.with_columns((pl.col("len") / total).log().alias("log_f")).select("w", "log_f")
    ends_counts, flat_counts = counts.ends, counts.flat
    # Two records agreeing by chance share a value in proportion to its frequency squared: the
    # frequency they are expected to show is sum(f^3) / sum(f^2).
    f = ends_counts["n"].sort().cast(pl.Float64) / total  # sorted: the same sum however it was counted
    expected = float((f ** 3).sum() / (f ** 2).sum()) if ends_counts.height else 1.0
    if wanted is not None:
        ends_counts = _only(ends_counts, "name_ends", wanted)
        flat_counts = _only(flat_counts, "name_flat", wanted)
    ends = _frequency(ends_counts, "name_ends", pl.col("name_ends").str.split(" "), words, total)
    flat = _frequency(flat_counts, "name_flat", None, words, total, named)
    rarity = (pl.lit(expected) / pl.col("tf")).log(2).clip(-ENDS_RARITY_BITS, ENDS_RARITY_BITS)
    return {"name_flat": flat.select("name_flat", pl.col("tf").alias("tf_name_flat")),
            "name_ends": ends.select("name_ends", rarity.alias(RARITY_COLUMN))}


def _only(counts: pl.DataFrame, column: str, wanted: list[pl.DataFrame]) -> pl.DataFrame:
    values = pl.concat([w.select(column) for w in wanted]).drop_nulls().unique()
    return counts.join(values, on=column, how="semi")


def _frequency(counts: pl.DataFrame, column: str, its_words: pl.Expr | None, words: pl.DataFrame, total: int,
               named: pl.DataFrame | None = None) -> pl.DataFrame:
    """(column, n, tf): each value's share of the registry (`counts`: column, n), or for a value
    seen once the chance of its words meeting when that is smaller (name_frequencies). The
    words are `its_words` of the value, or its `name_tokens` in `named`."""
    once = counts.filter(pl.col("n") == 1)
    if its_words is None:
        once = once.join(named.select(column, pl.col("name_tokens").alias("w")), on=column, how="left")
    else:
        once = once.with_columns(its_words.alias("w"))
    chance = (once.select(column, "w").explode("w").join(words, on="w", how="left")
              .group_by(column).agg(pl.col("log_f").sum().exp().alias("p")))
    out = counts.join(chance, on=column, how="left").with_columns(
        pl.when(pl.col("n") == 1).then(pl.min_horizontal(pl.col("n") / total, pl.col("p")))
        .otherwise(pl.col("n") / total).alias("tf"))
    return out.select(column, "n", "tf")


def with_frequencies(df: pl.DataFrame, frequencies: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """`df` with the frequency or rarity of each of its name values (name_frequencies)."""
    for column, table in frequencies.items():
        df = df.join(table, on=column, how="left")
    return df


def register(db, con, frame: pl.DataFrame, name: str, folder: str):
    """A Polars table into DuckDB for Splink, as a table of its own (Splink reads it several
    times), through a Parquet file."""
    path = os.path.join(folder, f"{name}.parquet")
    frame.write_parquet(path, compression="uncompressed", statistics=False)  # read once, at once
    con.execute(f"CREATE TABLE t_{name} AS SELECT * FROM read_parquet('{path}')")
    return db.register(f"t_{name}", dataset_display_name=name)


_TYPES = {"VARCHAR": pl.String, "DOUBLE": pl.Float64, "FLOAT": pl.Float32, "INTEGER": pl.Int32,
          "BIGINT": pl.Int64, "BOOLEAN": pl.Boolean}


def fetch(relation) -> pl.DataFrame:
    """A (small) DuckDB result as a Polars table, its types kept (_TYPES)."""
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
        left = register(db, con, splink_table(residual, "l"), "a_daftar", tmp)
        right = register(db, con, splink_table(pool, "r"), "b_registri", tmp)
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
    (a name's weight includes its rarity adjustments)."""
    fields = []
    for comp, levels in names.items():
        gamma = row.get(f"gamma_{comp}")
        weight = row.get(f"mw_{comp}")
        for adjusted in (f"mw_tf_adj_{comp}", f"mw_ends_adj_{comp}"):
            if weight is not None and row.get(adjusted) is not None:
                weight += row[adjusted]
        fields.append({"field": link_model.FIELD_OF[comp], "level": levels.get(gamma, str(gamma)),
                       "weight": None if weight is None else round(weight, 2)})
    score = math.floor(row["match_probability"] * 10_000) / 10_000  # as the finding's score
    doc = {"method": "probabilistik", "score": score,
           "match_weight": round(row["match_weight"], 2), "fields": fields}
    if row.get("held"):
        doc["note"] = NAME_NOTE if row.get("name_unlike") else FAMILY_NOTE
    return json.dumps(doc, ensure_ascii=False)


def _gammas(names: dict[str, dict[int, str]], comp: str, wanted) -> pl.Expr:
    """Whether the pair's level of `comp` is one of the labels `wanted`."""
    return pl.col(f"gamma_{comp}").is_in([g for g, label in names[comp].items() if label in wanted])


def _family_member(names: dict[str, dict[int, str]]) -> pl.Expr:
    """Pairs in one family card whose birth dates differ by more than a slip (link_model)."""
    (card, same), (born, other) = link_model.FAMILY_LEVEL, link_model.OTHER_MEMBER_DATES
    return _gammas(names, card, (same,)) & _gammas(names, born, other)


def _name_unlike(names: dict[str, dict[int, str]]) -> pl.Expr:
    """Pairs whose names share nothing and whose birth dates agree on no more than the year
    (link_model.NAME_UNLIKE_LEVELS)."""
    comp, unlike = link_model.NAME_UNLIKE_LEVELS
    return _gammas(names, comp, unlike) & ~_gammas(names, "tanggal_lahir", link_model.FULL_DATE_LEVELS)


def best_links(scored: pl.DataFrame, model: dict, threshold: float = THRESHOLD) -> pl.DataFrame:
    """For each residual row, its best candidate if probable enough: lid, rid, score, evidence,
    and `held`: never a link by itself (another member of the candidate's family card,
    link_model.FAMILY_LEVEL, or a name unlike the candidate's, link_model.NAME_UNLIKE_LEVELS)."""
    schema = {"lid": pl.UInt32, "rid": pl.UInt32, "score": pl.Float64, "evidence": pl.String,
              "held": pl.Boolean}
    if scored.height == 0:
        return pl.DataFrame(schema=schema)
    best = (scored.sort(["lid", "match_weight", "rid"], descending=[False, True, False])
            .group_by("lid", maintain_order=True).first()
            .filter(pl.col("match_probability") >= threshold))
    names = labels(model)
    unlike = _name_unlike(names).fill_null(False)
    best = best.with_columns(unlike.alias("name_unlike"), (_family_member(names).fill_null(False) | unlike)
                             .alias("held"))
    docs = [evidence(r, names) for r in best.iter_rows(named=True)]
    # Rounded down: a probabilistic link never shows the 1 that marks an exact NIK match.
    score = (pl.col("match_probability") * 10_000).floor() / 10_000
    return best.select("lid", "rid", score.alias("score"), "held").with_columns(
        pl.Series("evidence", docs, dtype=pl.String))
