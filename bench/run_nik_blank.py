"""Linkage without NIK (issue 15, item 3): the generated regency with the list's NIKs blanked.

    .venv/bin/python bench/run_nik_blank.py [--data /tmp/gen1] [--level 5 50 100] [--seed 15] [--repeat 1]
                                            [--no-splink]

The generated regency (`pemilih generate`; scale 1.0 at /tmp/gen1) with the NIK of a share
of the KPU list's rows made blank: 5%, 50% and 100%, the rows a seeded random choice. Only
the list's NIK column changes; its NKK stays, and the Disdukcapil extract is untouched. The
blanked list keeps the original's file name, so its rows keep their references
(`dpt_7326.csv::17`) and the generator's truth still names them.

For each level, `pemilih verify --list --registry` runs as its own process (as
bench/run_verify.py runs it) and plain Splink as its own (run_verify.plain_splink: its NIK
blocking and NIK-based training find nothing on the blanked rows, so it links them by names,
dates and village). Scored with run_verify's functions against the generator's truth
(truth/expected_findings.csv), adjusted for the blanking (blank_truth): a blanked row that is
not a TMS row and belongs to a registry resident is expected to get a `U` on NIK proposing
that resident's NIK, as the generator expects for the NIKs it leaves empty itself; every other
expected finding stays. TMS-2 is scored per ordered pair (the copy that goes, the one that
stays) as run_verify does, and per unordered pair: the generator names as the one that stays
the copy matching the registry best, which, once the NIK of one copy is blank, is a judgment
(a blank NIK against another village, say) the truth cannot be adjusted for by rule.
Also the pairwise list-to-registry links of both tools against the
true links (from the original list and the truth).

Time: median of --repeat unsampled runs; peak memory (summed PSS of the process tree) from one
more, sampled run (bench/measure.py). Results: bench/results/nik_blank.json and a Markdown
table on stdout.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import run_verify  # noqa: E402  (bench/ is not a package: its path is added above)

LEVELS = [5, 50, 100]
# TMS-2 scored as unordered pairs: which copy stays (the one matching the registry best) is a
# judgment once one copy has lost its NIK, and the truth cannot be adjusted for it by rule.
PAIRS = "TMS-2 (pasangan)"


def blank_list(list_csv: Path, share: float, seed: int, out: Path) -> set[str]:
    """The list with the NIK of `share` of its rows blank, written to `out`; their references."""
    import polars as pl

    from pemilih.contract import KPU_HEADERS
    df = pl.read_csv(list_csv, infer_schema=False)
    rows = sorted(random.Random(seed).sample(range(df.height), round(share * df.height)))
    chosen = pl.Series("i", rows, dtype=pl.UInt32)
    nik = KPU_HEADERS["nik"]
    df = df.with_row_index("_i").with_columns(
        pl.when(pl.col("_i").is_in(chosen.implode())).then(pl.lit(None, pl.String)).otherwise(pl.col(nik)).alias(nik))
    df.drop("_i").write_csv(out)
    return {f"{list_csv.name}::{i + 2}" for i in rows}  # the header is row 1


def blank_truth(expected, blanked: set[str], truth_links: dict):
    """The expected findings once the NIKs of `blanked` rows are blank (the module docstring)."""
    import polars as pl
    tms = set(expected.filter(pl.col("code").is_in(run_verify.TMS))["source_ref"])
    owed = {ref: truth_links[ref] for ref in blanked if ref not in tms and truth_links.get(ref)}
    kept = expected.filter(~((pl.col("code") == "U") & (pl.col("field") == "NIK")
                             & pl.col("source_ref").is_in(list(owed))))
    added = pl.DataFrame([{"source_ref": ref, "nik": "", "code": "U", "field": "NIK", "current": "",
                           "proposed": nik, "registry_nik": nik} for ref, nik in owed.items()],
                         schema={c: pl.String for c in ("source_ref", "nik", "code", "field", "current",
                                                        "proposed", "registry_nik")})
    blank_nik = pl.when(pl.col("source_ref").is_in(list(blanked))).then(pl.lit("")).otherwise(pl.col("nik"))
    return pl.concat([kept, added], how="diagonal").with_columns(blank_nik.alias("nik")).fill_null("")


def with_f1(s: dict) -> dict:
    p, r = s["precision"], s["recall"]
    return {**s, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


def run_level(level: int, data: Path, meta: dict, args, work: Path) -> dict:
    import measure
    import polars as pl
    list_csv, registry_csv = data / meta["files"]["kpu_csv"], data / meta["files"]["registry_csv"]
    folder = work / f"nik{level}"
    (folder / "out").mkdir(parents=True, exist_ok=True)
    blanked_csv = folder / list_csv.name
    blanked = blank_list(list_csv, level / 100, args.seed, blanked_csv)
    expected = run_verify.read_findings(data / "truth" / "expected_findings.csv")
    truth_links = run_verify.links_from_findings(expected, list_csv)
    expected = blank_truth(expected, blanked, truth_links)
    dates = meta["dates"]
    cmd = run_verify.PEMILIH + ["verify", "--list", str(blanked_csv), "--registry", str(registry_csv),
                                "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
                                "--rezim", meta.get("regime", "PILKALEM"), "--out", str(folder / "out")]
    ours = measure.repeat(cmd, args.repeat, memory_run=True)
    findings = run_verify.read_findings(folder / "out" / "findings.csv")
    found_keys, expected_keys = run_verify.finding_keys(findings), run_verify.finding_keys(expected)
    codes = run_verify.score(found_keys, expected_keys)
    codes.update(run_verify.score(*({PAIRS: {frozenset(k) for k in keys.get("TMS-2", set())}}
                                    for keys in (found_keys, expected_keys))))
    result = {"level_percent": level, "blanked_rows": len(blanked), "list_rows": meta["counts"]["list_rows"],
              "registry_rows": meta["counts"]["registry_rows"], "repeat": args.repeat,
              "codes": {c: with_f1(s) for c, s in codes.items()},
              "pemilih": {"median_s": round(ours["median_s"], 2), "cpu_s": round(ours["cpu_s"], 2),
                          "peak_mb": round(ours["peak_mb"]),
                          "links": with_f1(run_verify.link_score(
                              run_verify.links_from_findings(findings, blanked_csv), truth_links))}}
    if not args.no_splink:
        out = folder / "splink.parquet"
        splink_cmd = [sys.executable, str(HERE / "run_verify.py"), "--plain-splink", str(blanked_csv),
                      str(registry_csv), str(out)]
        try:
            plain = measure.repeat(splink_cmd, args.repeat, memory_run=True)
        except RuntimeError as exc:
            result["splink"] = {"error": str(exc)[-1500:]}
        else:
            got = {ref: nik for ref, nik, _ in pl.read_parquet(out).iter_rows()}
            result["splink"] = {"median_s": round(plain["median_s"], 2), "cpu_s": round(plain["cpu_s"], 2),
                                "peak_mb": round(plain["peak_mb"]),
                                "links": with_f1(run_verify.link_score({k: got.get(k) for k in truth_links},
                                                                       truth_links))}
    return result


def report(results: list[dict], meta: dict) -> str:
    lines = [f"Kabupaten contoh skala {meta['scale']} (benih {meta['seed']}): {meta['counts']['list_rows']} baris "
             f"daftar, {meta['counts']['registry_rows']} baris Disdukcapil; NIK daftar dikosongkan.", "",
             "| NIK kosong | kode | diharapkan | ditemukan | benar | presisi | recall | F1 |",
             "|---|---|---|---|---|---|---|---|"]
    for r in results:
        for code, s in r["codes"].items():
            lines.append(f"| {r['level_percent']}% | {code} | {s['expected']} | {s['found']} | {s['tp']} | "
                         f"{s['precision']:.4f} | {s['recall']:.4f} | {s['f1']:.4f} |")
    lines += ["", "| NIK kosong | alat | presisi tautan | recall tautan | F1 tautan | waktu (s) | memori puncak (MB) |",
              "|---|---|---|---|---|---|---|"]
    for r in results:
        for tool, label in (("pemilih", "pemilih verify"), ("splink", "Splink polos")):
            t = r.get(tool)
            if t is None:
                continue
            if "error" in t:
                lines.append(f"| {r['level_percent']}% | {label} | gagal | | | | |")
                continue
            s = t["links"]
            lines.append(f"| {r['level_percent']}% | {label} (median {r['repeat']}x) | {s['precision']:.4f} | "
                         f"{s['recall']:.4f} | {s['f1']:.4f} | {t['median_s']:.2f} | {t['peak_mb']} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="/tmp/gen1")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--generate-seed", type=int, default=7326, help="benih generator bila --data belum ada")
    ap.add_argument("--level", type=int, nargs="+", default=LEVELS, help="persen baris daftar yang NIK-nya dikosongkan")
    ap.add_argument("--seed", type=int, default=15, help="benih pilihan baris yang dikosongkan")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--no-splink", action="store_true", help="lewati Splink polos")
    ap.add_argument("--work", help="folder kerja yang disimpan (bawaan: folder sementara, dihapus)")
    args = ap.parse_args()
    data = Path(args.data)
    from pemilih.generate import existing
    if data.exists() and not existing(data, args.scale, args.generate_seed):
        # Never regenerated in place: another run may be reading the folder (it is shared).
        sys.exit(f"{data} bukan kabupaten contoh skala {args.scale} benih {args.generate_seed}; "
                 "pilih --data lain atau hapus folder itu")
    meta = run_verify.ensure_regency(data, args.scale, args.generate_seed)
    with tempfile.TemporaryDirectory(prefix="pemilih-nik-blank-") as tmp:
        work = Path(args.work or tmp)
        results = [run_level(level, data, meta, args, work) for level in args.level]
    print(report(results, meta))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "nik_blank.json").write_text(json.dumps({"data": str(data), "scale": meta["scale"], "seed": meta["seed"],
                                                    "blank_seed": args.seed, "levels": results}, indent=2))


if __name__ == "__main__":
    main()
