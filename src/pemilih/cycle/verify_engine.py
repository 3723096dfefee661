"""Which engine links the list to the registry in a verification (`pemilih verify --engine`).

DuckDB (with Polars) is the default and needs nothing more. Spark runs the exact NIK join and
the model's scoring (engine/link_spark.py) on a session started for the run (local mode by
default, or the cluster at `--spark-master`) and stopped after it; everything else of the
verification is the same code for both (docs/spark.md).
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pemilih.cycle.common import StepError

DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)


def checked(engine: str, encoded: bool) -> None:
    """StepError for an engine that is not one, or one that cannot verify this extract."""
    if engine not in ENGINES:
        raise StepError(f"Mesin pencocokan '{engine}' tidak dikenal; pilih: {', '.join(ENGINES)}")
    if engine == SPARK and encoded:
        raise StepError("Mesin Spark belum dapat mencocokkan ekstrak terenkode; pakai --engine duckdb.")


@contextmanager
def linking(engine: str, master: str | None = None) -> Iterator[None]:
    """Linkage within the block runs on `engine` (Spark: a session at `master`)."""
    if engine != SPARK:
        yield
        return
    from pemilih.engine import link, spark_session
    try:
        spark_session.check()
    except spark_session.SparkUnavailable as exc:
        raise StepError(str(exc)) from None
    from pemilih.engine.link_spark import SparkEngine
    try:
        with spark_session.session(master) as spark, link.using(SparkEngine(spark)):
            yield
    except Exception as exc:  # Spark's Java errors come as Py4JJavaError, its message a Java trace
        said = spark_session.out_of_memory(exc)
        if said is None:
            raise
        raise StepError(said) from None
