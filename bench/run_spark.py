"""Benchmark of `pemilih verify --engine spark` beside the default DuckDB engine (issue 17 item 3):
the same input, wall time and peak memory of each, and how far their findings agree.

    .venv/bin/python bench/run_spark.py [--data DIR] [--scale 0.2] [--seed 17] [--blank 0.0] [--repeat 1]
                                        [--spark-master local[2]]

Each engine runs as its own `pemilih verify` process from the same CSV files (start-up,
reading, the Spark session's start and stop included). Peak memory is the summed PSS of the
whole process tree (bench/measure.py), which includes the JVM Spark starts as a child
process (/usr/bin/time would see the Python process only). `--blank` blanks that share of the
list's NIKs (fixed rows) so the probabilistic stage has more to do. Agreement: findings
compared on source_ref, code, field and proposed (the issue's tolerance: at most 0.5%
differing). CPU time is the Python process's only: the JVM is not a child Python reaps.
Results: bench/results/spark.json and spark.md (spark_blank<percent>.* with --blank).
"""
from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
from run_verify import PEMILIH, ensure_regency  # noqa: E402

KEY = ["source_ref", "code", "field", "proposed"]


def _list(data: Path, meta: dict, blank: float, work: Path) -> Path:
    path = data / meta["files"]["kpu_csv"]
    if not blank:
        return path
    import polars as pl
    out = work / f"dpt_blank_{blank}.csv"
    rows = pl.read_csv(path, infer_schema=False)
    chosen = pl.int_range(pl.len()).hash(17) % 1000 < int(blank * 1000)
    rows.with_columns(pl.when(chosen).then(pl.lit("")).otherwise(pl.col("NIK")).alias("NIK")).write_csv(out)
    return out


def _stages(stdout: str) -> dict[str, float]:
    """The stage seconds `pemilih verify` prints (`Waktu: ... (baca berkas 0.7, nik 0.1, ...)`)."""
    found = re.search(r"Waktu: [\d.]+ detik \((.*)\)", stdout)
    if not found:
        return {}
    return {k.strip(): float(v) for k, v in re.findall(r"([a-z ]+?) ([\d.]+)(?:,|$)", found.group(1).strip())}


def agreement(a_csv: Path, b_csv: Path) -> dict:
    import polars as pl
    a, b = (pl.read_csv(p, infer_schema=False) for p in (a_csv, b_csv))
    only_a = a.select(KEY).join(b.select(KEY), on=KEY, how="anti", nulls_equal=True)
    only_b = b.select(KEY).join(a.select(KEY), on=KEY, how="anti", nulls_equal=True)
    codes = pl.concat([only_a, only_b])["code"].value_counts().sort("code")
    return {"findings_duckdb": a.height, "findings_spark": b.height, "only_duckdb": only_a.height,
            "only_spark": only_b.height, "differing_share": (only_a.height + only_b.height) / max(a.height, 1),
            "differing_by_code": dict(codes.iter_rows())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=None, help="folder kabupaten contoh (bawaan: folder sementara)")
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--blank", type=float, default=0.0, help="bagian NIK daftar yang dikosongkan (0-1)")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--spark-master", default=None)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pemilih-bench-spark-"))
    data = Path(args.data) if args.data else work / "data"
    meta = ensure_regency(data, args.scale, args.seed)
    list_csv = _list(data, meta, args.blank, work)
    registry_csv = data / meta["files"]["registry_csv"]
    dates = meta["dates"]
    runs, outs = {}, {}
    for engine in ("duckdb", "spark"):
        outs[engine] = work / engine
        cmd = PEMILIH + ["verify", "--list", str(list_csv), "--registry", str(registry_csv),
                         "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
                         "--rezim", meta.get("regime", "PILKALEM"), "--out", str(outs[engine]), "--engine", engine]
        if engine == "spark" and args.spark_master:
            cmd += ["--spark-master", args.spark_master]
        print(f"{engine}: {args.repeat} kali + 1 dengan pengukuran memori ...", flush=True)
        r = measure.repeat(cmd, args.repeat, memory_run=True)
        runs[engine] = {"seconds": round(r["median_s"], 2), "cpu_s": round(r["cpu_s"], 2),
                        "peak_mb": round(r["peak_mb"]), "stages": _stages(r["last"].stdout)}
    agree = agreement(outs["duckdb"] / "findings.csv", outs["spark"] / "findings.csv")
    import polars as pl
    rows = pl.read_csv(list_csv, infer_schema=False).height
    result = {"scale": args.scale, "seed": args.seed, "blank": args.blank, "list_rows": rows,
              "registry_rows": pl.read_csv(registry_csv, infer_schema=False).height, "runs": runs,
              "agreement": agree}
    lines = [f"# verify: DuckDB and Spark (local mode), scale {args.scale}, seed {args.seed}, "
             f"NIK blanked {args.blank:.0%}",
             "", f"{result['list_rows']} list rows, {result['registry_rows']} registry rows; "
             f"median of {args.repeat}.", "",
             "| engine | wall (s) | CPU (s, Python side) | peak memory (MB, JVM included) | stages (s) |",
             "|---|---|---|---|---|"]
    for engine, r in runs.items():
        stages = ", ".join(f"{k} {v}" for k, v in r["stages"].items())
        lines.append(f"| {engine} | {r['seconds']} | {r['cpu_s']} | {r['peak_mb']} | {stages} |")
    lines += ["", f"Findings: DuckDB {agree['findings_duckdb']}, Spark {agree['findings_spark']}; "
              f"only DuckDB {agree['only_duckdb']}, only Spark {agree['only_spark']} "
              f"({agree['differing_share']:.3%} differing; by code {agree['differing_by_code']})."]
    text = "\n".join(lines)
    print(text)
    shutil.rmtree(work, ignore_errors=True)  # the findings (personal data) and, without --data, the regency
    measure.save("spark" + (f"_blank{round(args.blank * 100)}" if args.blank else ""), result, text)


if __name__ == "__main__":
    main()
