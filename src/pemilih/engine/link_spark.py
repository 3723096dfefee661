"""Linkage on Spark: the exact NIK join in Spark SQL, the model's scoring by Splink's Spark backend.

The two stages of engine/link.py that touch the whole registry (the exact join) or run the
model's SQL (scoring the candidate pairs) run here; engine/link.link calls them when asked
(`with link.using(SparkEngine(spark))`). What lies between and after is the one shared code:
the features (link_prepare), the choice of blocking rules and the candidate pairs
(link_prob), re-estimation (link_estimate), the best candidate and the held links
(link_prob.best_links), settling links and uncertain rows (link.settle), then duplicates and
findings.

* Exact: list rows with a well-formed NIK joined to the registry's first record of that NIK
  (Spark SQL); the pairs whose birth dates differ (a few) have their names compared, in the
  matcher's spelling (names.link_key, Polars), by the jar's jaro_winkler on Spark; a pair
  under link.NAME_DOUBT is doubted and goes to the probabilistic stage, as in link._exact.
* Scoring: Splink's Spark backend predicts on the residual rows and their candidate
  registry records with the model in Spark SQL (link_spark_model); its blocking rule is the
  candidate pairs themselves (an exploded list of each row's candidates), so both engines
  score the same pairs. The partial name's rarity (link_score._ends_sql, which Splink has
  no term for) is added in Spark SQL on Splink's output.

Frames cross between Polars and Spark as Arrow tables (pyspark 4 reads and writes them).
"""
from __future__ import annotations

import uuid

import polars as pl

from pemilih.engine import link_model, link_prob, link_score, names
from pemilih.engine.link import NAME_DOUBT
from pemilih.engine.link_spark_model import spark_model

# The list of each row's candidate registry records: Splink's blocking rule here.
PAIR_KEY = "pair_rid"
_EMPTY = {"lid": pl.UInt32, "rid": pl.UInt32, "match_weight": pl.Float64, "match_probability": pl.Float64}


class SparkEngine:
    """The exact join and the scoring of engine/link.link, on the Spark session `spark`."""

    def __init__(self, spark):
        from splink.backends.spark import SparkAPI
        self.spark = spark
        SparkAPI(spark_session=spark)  # registers the jar's string functions (jaro_winkler, ...)
        self._models: dict[int, dict] = {}

    def _frame(self, df: pl.DataFrame):
        """A Polars table as a Spark DataFrame (Spark has no unsigned integers)."""
        return self.spark.createDataFrame(df.with_columns(pl.col(pl.UInt32).cast(pl.Int64)).to_arrow())

    @staticmethod
    def _polars(sdf) -> pl.DataFrame:
        return pl.from_arrow(sdf.toArrow())

    def exact(self, list_records: pl.DataFrame, registry_records: pl.DataFrame) -> pl.DataFrame:
        """(lid, rid) of the list rows whose well-formed NIK the registry has, less the doubtful."""
        cols = ["nik", "tanggal_lahir", "nama"]
        self._frame(list_records.select(pl.int_range(pl.len()).alias("lid"), *cols)).createOrReplaceTempView(
            "pemilih_daftar")
        self._frame(registry_records.select(pl.int_range(pl.len()).alias("rid"), *cols)).createOrReplaceTempView(
            "pemilih_registri")
        pairs = self.spark.sql(r"""
            WITH r AS (SELECT rid, nik, tanggal_lahir, nama FROM (
                         SELECT *, row_number() OVER (PARTITION BY nik ORDER BY rid) AS n
                         FROM pemilih_registri WHERE nik IS NOT NULL) WHERE n = 1)
            SELECT l.lid, r.rid, l.tanggal_lahir AS a, r.tanggal_lahir AS b, l.nama AS name_a, r.nama AS name_b
            FROM pemilih_daftar l JOIN r ON l.nik = r.nik
            WHERE l.nik RLIKE '^[0-9]{16}$'""").cache()
        differ = self._polars(pairs.filter("a IS NULL OR a != b").select("lid", "rid", "name_a", "name_b"))
        found = self._polars(pairs.select("lid", "rid"))
        pairs.unpersist()
        doubtful = self._doubtful(differ)
        for view in ("pemilih_daftar", "pemilih_registri", "pemilih_nama"):
            self.spark.catalog.dropTempView(view)
        return found.join(doubtful, on="lid", how="anti").select(pl.col("lid", "rid").cast(pl.UInt32)).sort("lid")

    def _doubtful(self, differ: pl.DataFrame) -> pl.DataFrame:
        """The lid of pairs (birth dates differing) whose names are unlike (link.NAME_DOUBT)."""
        if differ.height == 0:
            return pl.DataFrame(schema={"lid": pl.Int64})
        keyed = differ.select("lid", names.link_key("name_a").alias("a"), names.link_key("name_b").alias("b"))
        self._frame(keyed).createOrReplaceTempView("pemilih_nama")
        sims = self._polars(self.spark.sql("SELECT lid, jaro_winkler(a, b) AS s FROM pemilih_nama"))
        return sims.filter(pl.col("s").is_null() | (pl.col("s") < NAME_DOUBT)).select(pl.col("lid").cast(pl.Int64))

    def _model(self, model: dict) -> dict:
        """The model in Spark SQL, scoring exactly the pairs handed over (PAIR_KEY), keeping what
        the rarity of a partial name reads."""
        key = id(model)
        if key not in self._models:
            rule = {"blocking_rule": f"l.{PAIR_KEY} = r.{PAIR_KEY}", "arrays_to_explode": [PAIR_KEY],
                    "sql_dialect": "spark"}
            self._models = {key: spark_model(model) | {
                "blocking_rules_to_generate_predictions": [rule],
                # Splink keeps the levels (gamma_*) only with the compared values.
                "retain_matching_columns": True, "retain_intermediate_calculation_columns": True,
                "additional_columns_to_retain": ["name_ends", link_prob.RARITY_COLUMN]}}
        return self._models[key]

    def _table(self, df: pl.DataFrame, prefix: str, candidates: pl.DataFrame) -> pl.DataFrame:
        """Splink's input table of one side: the model's columns, the rarity and the candidates
        (the term frequencies go to Splink as lookup tables: _frequencies)."""
        rarity = link_prob.RARITY_COLUMN
        extra = [] if rarity in df.columns else [pl.lit(None, pl.Float64).alias(rarity)]
        df = df.with_columns(*extra).join(candidates, on="rid")
        table = link_prob.splink_table(df, prefix)
        return table.drop([c for c in table.columns if c.startswith("tf_")]).with_columns(df[rarity], df[PAIR_KEY])

    def _frequencies(self, linker, db, sides: list[pl.DataFrame], model: dict, run: str) -> None:
        """The whole registry's term frequencies (link_prob.name_frequencies), handed to Splink
        as its lookup tables: Splink would otherwise count them among these few rows."""
        for tf in link_score.tf_columns(model):
            column = tf.removeprefix("tf_")
            lookup = pl.concat([s.select(column, tf) for s in sides if tf in s.columns]).drop_nulls(column)
            if lookup.height:
                table = db.register(self._frame(lookup.unique(column)), dataset_display_name=f"pemilih_{tf}_{run}")
                linker.table_management.register_term_frequency_lookup(table, column)

    def score(self, residual: pl.DataFrame, pool: pl.DataFrame, pairs: pl.DataFrame, model: dict,
              threshold: float | None = None) -> pl.DataFrame:
        """The pairs scored as link_score.predict scores them (lid, rid, match_weight,
        match_probability, gamma_*, mw_*, mw_tf_adj_*, mw_ends_adj_*), by Splink on Spark."""
        if pairs.height == 0:
            return pl.DataFrame(schema=_EMPTY)
        import logging

        from splink import Linker
        from splink.backends.spark import SparkAPI
        link_model.quiet_splink()
        spark_settings = self._model(model)
        per_row = pairs.group_by("lid").agg(pl.col("rid").cast(pl.Int64).alias(PAIR_KEY)).rename({"lid": "rid"})
        own = pool.select("rid", pl.concat_list(pl.col("rid").cast(pl.Int64)).alias(PAIR_KEY))
        db = SparkAPI(spark_session=self.spark, register_udfs_automatically=False)
        run = uuid.uuid4().hex[:8]  # a session may serve many verifications: names of this one
        left = db.register(self._frame(self._table(residual, "l", per_row)), dataset_display_name=f"a_daftar_{run}")
        right = db.register(self._frame(self._table(pool, "r", own)), dataset_display_name=f"b_registri_{run}")
        try:
            linker = Linker([left, right], spark_settings, log_level=logging.ERROR, validate_settings=False)
            self._frequencies(linker, db, [residual, pool], model, run)
            predicted = linker.inference.predict(warning_mode="never")
            scored = self._polars(self._with_ends(predicted.as_spark_dataframe(), model, threshold))
        finally:
            db.delete_tables_created_by_splink_from_db()
            for name in [t.name for t in self.spark.catalog.listTables() if t.isTemporary and run in t.name]:
                self.spark.catalog.dropTempView(name)
            self.spark.catalog.dropTempView("pemilih_skor")
        return self._ids(scored)

    def _with_ends(self, sdf, model: dict, threshold: float | None):
        """Splink's pairs with the partial name's rarity added to the weight, the probability
        from the new weight, those under `threshold` left out."""
        ends = link_score._ends_sql(model)
        cols = [c for c in sdf.columns if c.startswith(("gamma_", "mw_"))]
        adjust = [f"{ends[0]} AS mw_ends_adj_{ends[1]}"] if ends else []
        weight = f"match_weight + mw_ends_adj_{ends[1]}" if ends else "match_weight"
        sdf.createOrReplaceTempView("pemilih_skor")
        scored = self.spark.sql(f"""
            WITH a AS (SELECT unique_id_l, unique_id_r, match_weight, {", ".join(cols + adjust)} FROM pemilih_skor),
                 w AS (SELECT * EXCEPT (match_weight), CAST({weight} AS DOUBLE) AS match_weight FROM a)
            SELECT *, 1.0D / (1.0D + pow(2.0D, -match_weight)) AS match_probability FROM w""")
        return scored if threshold is None else scored.filter(f"match_probability >= {threshold!r}")

    @staticmethod
    def _ids(out: pl.DataFrame) -> pl.DataFrame:
        """lid and rid from Splink's unique ids (`l<lid>`, `r<rid>`; either may come first)."""
        first_is_list = pl.col("unique_id_l").str.starts_with("l")
        lid = pl.when(first_is_list).then("unique_id_l").otherwise("unique_id_r")
        rid = pl.when(first_is_list).then("unique_id_r").otherwise("unique_id_l")
        keep = [c for c in out.columns if c.startswith(("gamma_", "mw_"))]
        return out.select(lid.str.slice(1).cast(pl.UInt32).alias("lid"), rid.str.slice(1).cast(pl.UInt32).alias("rid"),
                          "match_weight", "match_probability", *keep).with_columns(
            pl.col("^gamma_.*$").cast(pl.Int32))

