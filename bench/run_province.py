"""Benchmark of `pemilih verify` on a province (issue 17): time, peak memory, and each code's
accuracy against the generator's truth, beside the same figures for one regency at the same scale.

    .venv/bin/python bench/run_province.py [--data DIR] [--scale 0.2] [--seed 17] [--repeat 1]
                                           [--regency-data DIR]

The province is `pemilih generate --province 73` (the 24 regencies of Sulawesi Selatan, one
list per regency, one provincial extract; made once per DIR, scale and seed). Every list is
verified in one run against the provincial extract. With `--regency-data`, a single regency
(Toraja Utara) generated at the same scale is verified too, so that each code's F1 on the
province can be set beside it (the target: within 0.005). Results go to
bench/results/province.json and province.md.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
PEMILIH = [str(ROOT / ".venv" / "bin" / "pemilih")]


def verify(data: Path, meta: dict, repeat: int, engine: str = "duckdb", out: Path | None = None,
           apart: bool = False) -> dict:
    """One `pemilih verify` over every list of `data` with `engine`: median time, peak memory
    (the whole process tree: Spark's JVM included), codes scored; the findings left in `out`.
    `apart`: the memory from a run of its own even when timed once (sampling a process of
    several gigabytes steals a third of its time: measure.py)."""
    import measure
    import run_verify as rv
    lists = meta["files"]["kpu_csv"]
    lists = [lists] if isinstance(lists, str) else lists
    dates = meta["dates"]
    out = out or Path(tempfile.mkdtemp(prefix="pemilih-provinsi-"))
    cmd = PEMILIH + ["verify", "--engine", engine, "--list", *[str(data / f) for f in lists],
                     "--registry", str(data / meta["files"]["registry_csv"]),
                     "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
                     "--rezim", meta.get("regime", "PILKALEM"), "--out", str(out)]
    run = measure.repeat(cmd, repeat, memory_run=apart or repeat > 1)  # else one run, sampled and timed
    codes = rv.score(rv.finding_keys(rv.read_findings(out / "findings.csv")),
                     rv.finding_keys(rv.read_findings(data / "truth" / "expected_findings.csv")))
    for s in codes.values():
        p, r = s["precision"], s["recall"]
        s["f1"] = 2 * p * r / (p + r) if p + r else 0.0
    return {"list_rows": meta["counts"]["list_rows"], "registry_rows": meta["counts"]["registry_rows"],
            "median_s": run["median_s"], "peak_mb": run["peak_mb"], "stdout": run["last"].stdout.strip(),
            "codes": codes}


def report(r: dict) -> str:
    p, g = r["province"], r.get("regency")
    lines = [f"Provinsi 73 skala {r['scale']} (benih {r['seed']}): {p['list_rows']} baris daftar, "
             f"{p['registry_rows']} baris Disdukcapil; waktu {p['median_s']:.1f} s (median {r['repeat']}x), "
             f"puncak memori {p['peak_mb']:.0f} MB."]
    if g:
        lines.append(f"Satu kabupaten, skala yang sama: {g['list_rows']} baris daftar; waktu {g['median_s']:.1f} s, "
                     f"puncak memori {g['peak_mb']:.0f} MB.")
    lines += ["", "| kode | diharapkan | presisi | recall | F1 provinsi | F1 satu kabupaten | selisih |",
              "|---|---|---|---|---|---|---|"]
    for code, s in p["codes"].items():
        one = g["codes"].get(code) if g else None
        beside = f"{one['f1']:.4f} | {s['f1'] - one['f1']:+.4f}" if one else " | "
        lines.append(f"| {code} | {s['expected']} | {s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} | "
                     f"{beside} |")
    return "\n".join(lines)


def main() -> None:
    import measure
    import run_verify as rv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "province"))
    ap.add_argument("--scale", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--regency-data", default=None, help="folder for one regency at the same scale (compared)")
    args = ap.parse_args()
    data = Path(args.data)
    result = {"scale": args.scale, "seed": args.seed, "repeat": args.repeat,
              "province": verify(data, rv.ensure_regency(data, args.scale, args.seed, "73"), args.repeat)}
    if args.regency_data:
        one = Path(args.regency_data)
        result["regency"] = verify(one, rv.ensure_regency(one, args.scale, args.seed), args.repeat)
    text = report(result)
    print(text)
    measure.save("province", result, text)


if __name__ == "__main__":
    main()
