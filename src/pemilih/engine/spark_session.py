"""A Spark session for linkage (engine/link_spark.py), offline, in local mode by default.

Nothing is downloaded at run time: Spark's jars come with pyspark (the optional extra
`pemilih[spark]`), and the string-similarity functions Splink's Spark backend uses
(jaro_winkler, ...) come as a jar inside the Splink wheel, put on `spark.jars` here. Splink
needs a checkpoint folder outside Databricks and leaves parquet there; that folder, Spark's
scratch space and its warehouse live in one temporary folder deleted when the session ends.

Settings for a small machine: few shuffle partitions (200 would be mostly empty on two
cores), no web UI (no fixed port, so two sessions on one machine do not collide), no
hostname lookup (SPARK_LOCAL_IP). A session someone else started in this process (a test's,
a notebook's) is used as it is and left running.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_MASTER = "local[2]"
SHUFFLE_PARTITIONS = 16


def _half_the_memory() -> str:
    """Half the machine's memory, at least 2 GB: in local mode the driver is the whole of Spark
    (2 GB ran out on a province's 3.4 million rows, building a join's hash table)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "2g"
    return f"{max(2, total // 2 // 1024 ** 3)}g"


DRIVER_MEMORY = os.environ.get("PEMILIH_SPARK_MEMORY") or _half_the_memory()


class SparkUnavailable(RuntimeError):
    """Spark cannot start here (pyspark or Java missing); the message is for the user."""


_OUT_OF_MEMORY = ("OutOfMemoryError", "Java heap space", "Not enough memory to build and broadcast")


def out_of_memory(exc: BaseException) -> str | None:
    """What to tell the user when Spark ran out of memory (exc is the error Spark's Java side
    raised); None for any other error."""
    if not any(sign in str(exc) for sign in _OUT_OF_MEMORY):
        return None
    return (f"Mesin Spark kehabisan memori (memori driver {DRIVER_MEMORY}). Naikkan dengan variabel "
            "lingkungan PEMILIH_SPARK_MEMORY (mis. PEMILIH_SPARK_MEMORY=16g), jalankan di klaster "
            "(--spark-master), atau pakai --engine duckdb. Tidak ada berkas hasil yang ditulis.")


def check() -> None:
    """SparkUnavailable, said plainly, when pyspark or Java is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise SparkUnavailable("Mesin Spark memerlukan pyspark, yang belum terpasang. Pasang dengan "
                               "`pip install 'pemilih[spark]'`, atau pakai --engine duckdb.") from None
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and os.path.exists(os.path.join(java_home, "bin", "java"))) and not shutil.which("java"):
        raise SparkUnavailable("Mesin Spark memerlukan Java 17 atau lebih baru, yang tidak ditemukan "
                               "(perintah `java` atau JAVA_HOME). Pasang Java (mis. openjdk-17-jre-headless), "
                               "atau pakai --engine duckdb.")


# Spark's start-up notes (native libraries, log profile, scratch folder) are not for a verifier:
# errors only, on standard error.
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""


def _settings(master: str, folder: str) -> dict[str, str]:
    from splink.backends.spark import similarity_jar_location
    return {
        "spark.master": master,
        "spark.app.name": "pemilih-verify",
        "spark.jars": similarity_jar_location(),
        "spark.driver.memory": DRIVER_MEMORY,
        "spark.sql.shuffle.partitions": str(SHUFFLE_PARTITIONS),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.local.dir": os.path.join(folder, "local"),
        "spark.sql.warehouse.dir": os.path.join(folder, "warehouse"),
        "spark.driver.extraJavaOptions": f"-Djava.io.tmpdir={folder} "
                                         f"-Dlog4j2.configurationFile={os.path.join(folder, 'log4j2.properties')}",
        # DuckDB's semantics where the model's SQL relies on them: the size of a missing list
        # is missing (not -1), and a failed cast is missing rather than an error.
        "spark.sql.legacy.sizeOfNull": "false",
        "spark.sql.ansi.enabled": "false",
    }


@contextmanager
def session(master: str | None = None) -> Iterator:
    """A SparkSession for the duration of the block: started here (and stopped, its folder
    deleted, at the end), or the one already active in this process."""
    check()
    from pyspark.sql import SparkSession
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    folder = tempfile.mkdtemp(prefix="pemilih-spark-")
    spark = None
    try:
        with open(os.path.join(folder, "log4j2.properties"), "w", encoding="utf-8") as fh:
            fh.write(_LOG4J)
        builder = SparkSession.builder
        for key, value in _settings(master or DEFAULT_MASTER, folder).items():
            builder = builder.config(key, value)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sparkContext.setCheckpointDir(os.path.join(folder, "checkpoints"))
        yield spark
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(folder, ignore_errors=True)
