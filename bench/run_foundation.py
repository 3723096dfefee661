"""Benchmark of the foundation (issue 2): check and import of a scale-1.0 regency.

    .venv/bin/python bench/run_foundation.py [--scale 1.0] [--repeat 3] [--data DIR]

Each step runs as its own `pemilih` process (start-up included, as a user meets it), several
times; the table gives the median wall time, the median CPU time (user + system of the
process tree: steadier than wall time on a shared machine) and the peak memory (summed PSS of
the process tree, measured in one more run of its own so that sampling does not slow the timed
runs, see bench/measure.py). Imports are measured into a fresh SQLite workspace and into a
throwaway PostgreSQL server started here. Results go to bench/results/foundation.json too.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

import measure  # noqa: E402

PEMILIH = [sys.executable, "-m", "pemilih"]
TARGETS = {"check_csv": 2.0, "check_xlsx": 4.0, "import_sqlite": 5.0, "import_postgres": 5.0}


def ensure_regency(data: Path, scale: float, seed: int) -> None:
    from pemilih.generate import existing
    if existing(data, scale, seed):
        return
    print(f"membangkitkan kabupaten contoh (skala {scale}) di {data} ...", flush=True)
    r = measure.run(PEMILIH + ["generate", "--out", str(data), "--scale", str(scale),
                               "--seed", str(seed)])
    if r.returncode:
        sys.exit(f"generate gagal:\n{r.stderr}")
    print(f"  generate: {r.seconds:.1f} s, puncak {r.peak_mb:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "regency"))
    args = ap.parse_args()
    data = Path(args.data)
    ensure_regency(data, args.scale, args.seed)
    csv = str(data / "kpu" / "dpt_7326.csv")
    books = sorted(str(p) for p in (data / "kpu" / "form").glob("*.xlsx"))
    results = {}

    # `check` exits 1 on the demo list: its planted defects are found, which is the point.
    results["check_csv"] = measure.repeat(PEMILIH + ["check", "--json", csv], args.repeat,
                                          ok_codes=(0, 1), memory_run=True)
    results["check_xlsx"] = measure.repeat(PEMILIH + ["check", "--json", *books], args.repeat,
                                           ok_codes=(0, 1), memory_run=True)
    # Same run, same machine: what reading the workbooks' cells alone costs (no checking).
    results["calamine_cells_only"] = measure.repeat(
        [sys.executable, str(HERE / "calamine_cells.py"), *books], args.repeat, memory_run=True)
    rows_csv = json.loads(results["check_csv"]["last"].stdout)["rows"]
    rows_xlsx = json.loads(results["check_xlsx"]["last"].stdout)["rows"]

    work = Path(tempfile.mkdtemp(prefix="pemilih-bench-"))
    ws = work / "ws"
    receive = PEMILIH + ["receive", "--workspace", str(ws), csv]
    results["import_sqlite"] = measure.repeat(
        receive, args.repeat, before=lambda: shutil.rmtree(ws, ignore_errors=True), memory_run=True)

    from conftest import PostgresServer  # the same throwaway server the tests start
    server = PostgresServer()
    server.start()
    try:
        def fresh_db():
            server.admin("DROP DATABASE IF EXISTS bench WITH (FORCE)")
            server.admin("CREATE DATABASE bench")
        env = dict(os.environ, DATABASE_URL=server.url("bench"))
        # CPU time here is the client's: the server's own work is not a child of ours.
        results["import_postgres"] = measure.repeat(receive, args.repeat, env=env, before=fresh_db,
                                                    memory_run=True)
    finally:
        server.stop()
    shutil.rmtree(work, ignore_errors=True)

    report(results, rows_csv, rows_xlsx, len(books), args)


def report(results: dict, rows_csv: int, rows_xlsx: int, n_books: int, args) -> None:
    print()
    print(f"Kabupaten contoh skala {args.scale}: {rows_csv} baris (CSV), {rows_xlsx} baris "
          f"({n_books} buku kerja); median dari {args.repeat} kali")
    print("| langkah | median (s) | CPU (s) | puncak memori (MB) | target (s) |")
    print("|---|---|---|---|---|")
    out = {"scale": args.scale, "rows_csv": rows_csv, "rows_xlsx": rows_xlsx,
           "workbooks": n_books, "repeat": args.repeat, "steps": {}}
    for name, r in results.items():
        if name in TARGETS:
            ok = "ok" if r["median_s"] < TARGETS[name] and r["peak_mb"] < 1024 else "MELESET"
            target = f"< {TARGETS[name]:.0f} ({ok})"
        else:
            target = "pembanding (baseline)"
        print(f"| {name} | {r['median_s']:.2f} | {r['cpu_s']:.2f} | {r['peak_mb']:.0f} | {target} |")
        out["steps"][name] = {k: v for k, v in r.items() if k != "last"}
    if rows_csv != rows_xlsx:
        print("PERHATIAN: jumlah baris CSV dan buku kerja berbeda!")
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "foundation.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
