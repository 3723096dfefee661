"""The scaling curve of `pemilih verify` (issue 17 item 4): provinces of growing size, each
verified by the DuckDB engine and, where asked, by Spark in local mode, with wall time (a run
not sampled), peak memory (the process tree, Spark's JVM included; a second run, sampled)
and, for Spark, how many findings differ from DuckDB's (run_spark.agreement: on source_ref,
code, field, proposed).

    .venv/bin/python bench/run_scale.py --data DIR [DIR ...] [--spark DIR ...]

Each DIR is a province from `pemilih generate --province 73 --scale S --out DIR` (made
beforehand: at scale 0.5 the generator itself peaked at 10.7 GB; at scale 1.0, the province
itself, add `--no-workbooks`: 15.2 GB). Results:
bench/results/scale.json and scale.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import measure  # noqa: E402
from run_province import verify  # noqa: E402
from run_spark import agreement  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", required=True, help="folder provinsi hasil generate --province")
    ap.add_argument("--spark", nargs="*", default=[], help="folder yang juga diverifikasi dengan Spark")
    args = ap.parse_args()
    rows = []
    for folder in args.data:
        data = Path(folder)
        meta = json.loads((data / "truth" / "meta.json").read_text("utf-8"))
        with tempfile.TemporaryDirectory(prefix="pemilih-kurva-") as tmp:
            duck = verify(data, meta, 1, "duckdb", Path(tmp) / "duckdb", apart=True)
            row = {"data": folder, "scale": meta["scale"], "list_rows": duck["list_rows"],
                   "registry_rows": duck["registry_rows"],
                   "duckdb": {k: duck[k] for k in ("median_s", "peak_mb", "stdout")}}
            if folder in args.spark:
                spark = verify(data, meta, 1, "spark", Path(tmp) / "spark", apart=True)
                agreed = agreement(Path(tmp) / "duckdb" / "findings.csv", Path(tmp) / "spark" / "findings.csv")
                row["spark"] = {k: spark[k] for k in ("median_s", "peak_mb", "stdout")} | {
                    "differing": agreed["only_duckdb"] + agreed["only_spark"], "findings": agreed["findings_duckdb"]}
        rows.append(row)
        print(json.dumps({k: v for k, v in row.items() if k not in ("duckdb", "spark")}), flush=True)
    lines = ["| list rows | registry rows | DuckDB (s) | DuckDB peak (MB) | Spark local[2] (s) | Spark peak (MB) "
             "| findings differing |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        d, s = r["duckdb"], r.get("spark")
        spark = (f"{s['median_s']:.1f} | {s['peak_mb']:.0f} | {s['differing']} of {s['findings']}" if s
                 else "| |")
        lines.append(f"| {r['list_rows']:,} | {r['registry_rows']:,} | {d['median_s']:.1f} | {d['peak_mb']:.0f} | "
                     f"{spark} |")
    text = "\n".join(lines)
    print(text)
    measure.save("scale", {"rows": rows}, text)


if __name__ == "__main__":
    main()
