"""`pemilih verify --engine spark` (issue 17 item 3): Spark in local mode gives DuckDB's findings.

A generated regency at scale 0.02 with a tenth of the list's NIKs blanked (so the
probabilistic stage has some 400 rows to place), verified by both engines. The issue's
tolerance: the exact NIK stage and the rule-based findings identical; at most 0.5% of all
findings differing, compared on source_ref, code, field and proposed, and those only on rows
the probabilistic stage placed (borderline links: the engines' string functions differ).
Every difference is listed when the test fails. One Spark session, in one test.
"""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pemilih.cli import main

pytestmark = [pytest.mark.spark, pytest.mark.slow]

ON, DPS = "2027-03-17", "2027-01-15"
KEY = ["source_ref", "code", "field", "proposed"]
TOLERANCE = 0.005


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from pemilih.generate import generate
    base = tmp_path_factory.mktemp("spark")
    generate(str(base / "data"), scale=0.02, seed=17, progress=False)
    listed = pl.read_csv(base / "data" / "kpu" / "dpt_7326.csv", infer_schema=False)
    blank = pl.int_range(pl.len()).hash(17) % 10 == 0  # a tenth of the rows, fixed
    path = base / "dpt_sebagian_tanpa_nik.csv"
    listed.with_columns(pl.when(blank).then(pl.lit("")).otherwise(pl.col("NIK")).alias("NIK")).write_csv(path)
    return base, path, base / "data" / "registry" / "disdukcapil_7326.csv"


@pytest.fixture(scope="module")
def spark():
    from pemilih.engine import spark_session
    with spark_session.session() as session:
        yield session


def _verify(list_path, registry_path, engine=None):
    from pemilih.engine import link
    from pemilih.engine.findings import verify
    from pemilih.io.read import read_files
    records = read_files([str(list_path)], kind="kpu")
    registry = read_files([str(registry_path)], kind="registry").records
    with link.using(engine):
        return records.records, verify(records.records, registry, date.fromisoformat(ON), "PILKALEM",
                                       date.fromisoformat(DPS), records.problems)


def _listed(rows: pl.DataFrame) -> str:
    return "\n".join(str(r) for r in rows.iter_rows(named=True))


def _the_command_runs_on_spark(list_path, registry_path, tmp_path) -> None:
    """`--engine spark` end to end on the first few hundred rows (the active session is used,
    not a second one, and left running): the same findings file as DuckDB's."""
    small = tmp_path / "dpt_kecil.csv"
    pl.read_csv(list_path, infer_schema=False).head(400).write_csv(small)
    found = []
    for engine in ("duckdb", "spark"):
        assert main(["verify", "--list", str(small), "--registry", str(registry_path), "--on", ON, "--dps", DPS,
                     "--rezim", "PILKALEM", "--out", str(tmp_path / engine), "--engine", engine]) == 0
        found.append(pl.read_csv(tmp_path / engine / "findings.csv", infer_schema=False).select(KEY))
    a, b = found
    assert a.height > 50
    assert a.sort(KEY, nulls_last=True).equals(b.sort(KEY, nulls_last=True)), _listed(
        pl.concat([a.join(b, on=KEY, how="anti", nulls_equal=True), b.join(a, on=KEY, how="anti", nulls_equal=True)]))


def test_spark_gives_the_duckdb_findings(data, spark, tmp_path):
    from pemilih.engine.link_spark import SparkEngine
    _, list_path, registry_path = data
    records, duck = _verify(list_path, registry_path)
    _, sparked = _verify(list_path, registry_path, SparkEngine(spark))
    exact = [v.links.filter(pl.col("method") == "nik").select("lid", "rid").sort("lid") for v in (duck, sparked)]
    assert exact[0].height > 3000 and exact[0].equals(exact[1]), "the exact NIK stage differs"
    assert duck.residual == sparked.residual >= 300  # the blanked NIKs reached the probabilistic stage
    a, b = (v.findings.select(KEY) for v in (duck, sparked))
    only_duck = a.join(b, on=KEY, how="anti", nulls_equal=True)
    only_spark = b.join(a, on=KEY, how="anti", nulls_equal=True)
    differing = pl.concat([only_duck.with_columns(pl.lit("duckdb").alias("only")),
                           only_spark.with_columns(pl.lit("spark").alias("only"))])
    shown = _listed(differing)
    assert differing.height <= TOLERANCE * a.height, f"{differing.height} of {a.height} findings differ:\n{shown}"
    # Rule-based findings (rows the NIK placed, rows no engine placed) are identical: the
    # differences are on rows placed by probability.
    refs = records.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("lid"), "source_ref")
    exact_refs = exact[0].join(refs, on="lid")["source_ref"]
    assert differing.filter(pl.col("source_ref").is_in(exact_refs.implode())).height == 0, shown
    # One test, not two: under `make test`'s two processes a second test could start a second JVM.
    _the_command_runs_on_spark(list_path, registry_path, tmp_path)
    assert spark.sparkContext._jsc is not None


def test_spark_refuses_an_encoded_extract_plainly(data, tmp_path, capsys):
    _, list_path, registry_path = data
    key = tmp_path / "kunci.key"
    key.write_text("x")
    assert main(["verify", "--list", str(list_path), "--registry", str(registry_path), "--on", ON,
                 "--key-file", str(key), "--out", str(tmp_path / "o"), "--engine", "spark"]) == 2
    assert "Mesin Spark belum dapat mencocokkan ekstrak terenkode" in capsys.readouterr().err


def test_missing_pyspark_is_said_in_indonesian(data, tmp_path, capsys, monkeypatch):
    import builtins
    real = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    _, list_path, registry_path = data
    assert main(["verify", "--list", str(list_path), "--registry", str(registry_path), "--on", ON,
                 "--out", str(tmp_path / "o"), "--engine", "spark"]) == 2
    assert "Mesin Spark memerlukan pyspark" in capsys.readouterr().err
