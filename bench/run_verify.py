"""Benchmark of `pemilih verify` (issue 3): accuracy against the generator's truth, and speed
and memory side by side with plain Splink on the same files.

    .venv/bin/python bench/run_verify.py [--data DIR] [--scale 1.0] [--seed 2026] [--repeat 3] [--splink-repeat N]
                                         [--no-splink]

Both run as their own processes from the same CSV files (start-up and reading included);
peak memory is the summed PSS of the process tree (bench/measure.py). Accuracy per finding
code as the issue defines it: per row for TMS codes, per row and field (and proposed value)
for U, per registry NIK for B, per pair for TMS-2; plus the pairwise precision and recall of
the list-to-registry links of both tools. Results: bench/results/verify.json and verify.md.

`python bench/run_verify.py --plain-splink LIST REGISTRY OUT.parquet` is the plain-Splink
run itself: what a data team would write from Splink's documentation (DuckDB, columns mapped
to common names, a link_only model trained in the same run: prior from NIK agreement (from name
and birth date when the list has no NIK at all), u by random sampling, m by EM under two
blockings; Levenshtein on NIK, Jaro-Winkler with term frequencies on names, Splink's
date-of-birth comparison, birthplace, sex, village, card).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

PEMILIH = [sys.executable, "-m", "pemilih"]
TMS = ["TMS-1", "TMS-2", "TMS-3", "TMS-4", "TMS-5", "TMS-6", "TMS-7", "TMS-8", "TMS-D"]


# --- plain Splink -------------------------------------------------------------------------

LIST_SQL = """
select '{name}::' || (row_number() over () + 1)::varchar as unique_id, "NIK" as nik, "NKK" as nkk,
       upper("NAMA") as nama, upper("TEMPAT LAHIR") as tempat_lahir,
       try_strptime("TANGGAL LAHIR", '%d-%m-%Y')::date as tanggal_lahir,
       "JENIS KELAMIN" as jenis_kelamin, "KODE DESA" as kode_desa
from read_csv('{path}', all_varchar=true, header=true)
"""
REGISTRY_SQL = """
select "NIK" as unique_id, "NIK" as nik, "NO_KK" as nkk, upper("NAMA_LGKP") as nama,
       upper("TMPT_LHR") as tempat_lahir, try_strptime("TGL_LHR", '%d-%m-%Y')::date as tanggal_lahir,
       case when "JENIS_KLMIN" like 'L%' then 'L' else 'P' end as jenis_kelamin,
       "KODE_WILAYAH" as kode_desa
from read_csv('{path}', all_varchar=true, header=true)
"""


def plain_splink(list_csv: str, registry_csv: str, out: str) -> None:
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    logging.disable(logging.WARNING)
    t0 = time.perf_counter()
    con = duckdb.connect()
    db = DuckDBAPI(con)
    name = os.path.basename(list_csv)
    rows = con.sql(LIST_SQL.format(name=name, path=list_csv)).arrow().read_all()
    left = db.register(rows, table_name="daftar")
    right = db.register(con.sql(REGISTRY_SQL.format(path=registry_csv)).arrow().read_all(), table_name="registri")
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[block_on("nik"), block_on("tanggal_lahir"), block_on("nkk"),
                                                block_on("nama", "kode_desa")],
        comparisons=[
            cl.LevenshteinAtThresholds("nik", [1, 2]),
            cl.JaroWinklerAtThresholds("nama", [0.95, 0.88, 0.8]).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("tanggal_lahir", input_is_string=False),
            cl.JaroWinklerAtThresholds("tempat_lahir", [0.9]),
            cl.ExactMatch("jenis_kelamin"), cl.ExactMatch("kode_desa"), cl.ExactMatch("nkk"),
        ])
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    t1 = time.perf_counter()
    # A list without a single NIK (bench/run_nik_blank.py) gives NIK agreement nothing to
    # train on: the prior and the second EM pass then come from name and birth date.
    key = block_on("nik") if rows["nik"].null_count < rows.num_rows else block_on("nama", "tanggal_lahir")
    linker.training.estimate_probability_two_random_records_match([key], recall=0.95)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("tanggal_lahir"))
    linker.training.estimate_parameters_using_expectation_maximisation(key)
    t2 = time.perf_counter()
    pairs = linker.inference.predict(threshold_match_probability=0.5)
    con.sql(f"""copy (select unique_id_l as source_ref, unique_id_r as registry_nik, match_probability
                      from {pairs.physical_name}
                      qualify row_number() over (partition by unique_id_l order by match_weight desc) = 1)
                to '{out}' (format parquet)""")
    t3 = time.perf_counter()
    print(json.dumps({"baca": t1 - t0, "latih": t2 - t1, "prediksi": t3 - t2}))


# --- truth and scores ---------------------------------------------------------------------

def _pl():
    import polars as pl
    return pl


def read_findings(path: Path):
    pl = _pl()
    df = pl.read_csv(path, infer_schema=False)
    return df.with_columns(pl.all().fill_null(""))


def finding_keys(df) -> dict[str, set]:
    """{code: set of keys} in the issue's units."""
    out: dict[str, set] = {}
    for r in df.iter_rows(named=True):
        code = r["code"]
        if code == "U":
            key = (r["source_ref"], r["field"], r["proposed"])
        elif code == "B":
            key = r["registry_nik"]
        elif code == "TMS-2":
            key = (r["source_ref"], r["duplicate_of"])
        elif code in TMS:
            key = r["source_ref"]
        else:
            continue  # data-quality codes: the truth does not list them
        out.setdefault(code, set()).add(key)
    return out


def score(found: dict[str, set], expected: dict[str, set]) -> dict[str, dict]:
    out = {}
    for code in sorted(set(found) | set(expected)):
        f, e = found.get(code, set()), expected.get(code, set())
        tp = len(f & e)
        out[code] = {"expected": len(e), "found": len(f), "tp": tp,
                     "precision": tp / len(f) if f else 1.0, "recall": tp / len(e) if e else 1.0}
    return out


def links_from_findings(findings, list_csv: Path) -> dict[str, str | None]:
    """source_ref -> registry NIK each list row was linked to (None: not in the registry).
    A row without findings was linked by its own NIK (nothing differed, nothing was wrong)."""
    pl = _pl()
    rows = pl.read_csv(list_csv, infer_schema=False, columns=["NIK"]).with_row_index("i")
    name = list_csv.name
    links = {f"{name}::{i + 2}": nik for i, nik in rows.iter_rows()}
    per_row = findings.filter(pl.col("source_ref") != "").group_by("source_ref", maintain_order=True).agg(
        pl.col("registry_nik").filter(pl.col("registry_nik") != "").first(),
        (pl.col("code") == "TMS-5").any().alias("ghost"))
    for ref, nik, ghost in per_row.iter_rows():
        links[ref] = None if ghost else nik
    return links


def link_score(got: dict, truth: dict) -> dict:
    tp = sum(1 for k, v in got.items() if v and truth.get(k) == v)
    n_got = sum(1 for v in got.values() if v)
    n_true = sum(1 for v in truth.values() if v)
    return {"tp": tp, "found": n_got, "expected": n_true,
            "precision": tp / n_got if n_got else 1.0, "recall": tp / n_true if n_true else 1.0}


# --- the run ------------------------------------------------------------------------------

def ensure_regency(data: Path, scale: float, seed: int, province: str | None = None) -> dict:
    """The generated regency (or with `province`, e.g. 73, the province) in `data`, made when absent."""
    import measure

    from pemilih.generate import existing
    meta = data / "truth" / "meta.json"
    if not existing(data, scale, seed):  # absent, or another scale or seed: not silently reused
        what = f"provinsi {province}" if province else "kabupaten contoh"
        print(f"membangkitkan {what} (skala {scale}, benih {seed}) di {data} ...", flush=True)
        cmd = PEMILIH + ["generate", "--out", str(data), "--scale", str(scale), "--seed", str(seed)]
        r = measure.run(cmd + (["--province", province] if province else []))
        if r.returncode:
            sys.exit(f"generate gagal:\n{r.stderr[-2000:]}")
    return json.loads(meta.read_text())


def main() -> None:
    import measure
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT / "bench" / "results" / "regency"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-splink", action="store_true", help="lewati Splink polos")
    ap.add_argument("--splink-repeat", type=int, default=None,
                    help="berapa kali Splink polos diukur (bawaan: sama dengan --repeat)")
    ap.add_argument("--form", action="store_true",
                    help="verifikasi dari 151 buku kerja per desa (bukan CSV); hanya ketepatan, tanpa Splink")
    ap.add_argument("--plain-splink", nargs=3, metavar=("DAFTAR", "REGISTRI", "KELUARAN"))
    args = ap.parse_args()
    if args.plain_splink:
        return plain_splink(*args.plain_splink)
    data = Path(args.data)
    meta = ensure_regency(data, args.scale, args.seed)
    list_csv, registry_csv = data / meta["files"]["kpu_csv"], data / meta["files"]["registry_csv"]
    dates = meta["dates"]
    work = Path(tempfile.mkdtemp(prefix="pemilih-verify-"))
    lists = sorted(str(p) for p in (data / meta["files"]["kpu_workbooks"]).glob("*.xlsx")) if args.form \
        else [str(list_csv)]
    cmd = PEMILIH + ["verify", "--list", *lists, "--registry", str(registry_csv),
                     "--on", dates["pilkalem_voting_day"], "--dps", dates["pilkalem_dps_set"],
                     "--rezim", meta.get("regime", "PILKALEM"), "--out", str(work)]
    # Timed runs unsampled, memory from one more sampled run (sampling steals CPU: measure.py).
    ours = measure.repeat(cmd, args.repeat, memory_run=True)
    findings = read_findings(work / "findings.csv")
    expected = read_findings(data / "truth" / "expected_findings.csv")
    if args.form:  # the same rows, named as the workbooks name them
        expected = expected.with_columns(_pl().col("xlsx_ref").alias("source_ref"))
        refs = dict(_pl().read_csv(data / "truth" / "list_rows.csv", infer_schema=False)
                    .select("csv_ref", "xlsx_ref").iter_rows())
        expected = expected.with_columns(_pl().col("duplicate_of").replace(refs))
        args.no_splink = True
    result = {"data": str(data), "scale": meta["scale"], "seed": meta["seed"], "repeat": args.repeat,
              "list_rows": meta["counts"]["list_rows"], "registry_rows": meta["counts"]["registry_rows"],
              "pemilih": {"median_s": ours["median_s"], "peak_mb": ours["peak_mb"],
                          "stdout": ours["last"].stdout.strip()},
              "codes": score(finding_keys(findings), finding_keys(expected))}
    if args.form:
        report(result)
        return
    truth = links_from_findings(expected, list_csv)
    result["pemilih"]["links"] = link_score(links_from_findings(findings, list_csv), truth)
    if not args.no_splink:
        out = work / "splink.parquet"
        splink_cmd = [sys.executable, __file__, "--plain-splink", str(list_csv), str(registry_csv), str(out)]
        # Timed like ours: the median of unsampled runs, the memory from one more sampled run.
        try:
            plain = measure.repeat(splink_cmd, args.splink_repeat or args.repeat, memory_run=True)
        except RuntimeError as exc:
            sys.exit(f"Splink polos gagal:\n{exc}")
        got = {ref: nik for ref, nik, _ in _pl().read_parquet(out).iter_rows()}
        result["splink"] = {"seconds": plain["median_s"], "min_s": plain["min_s"], "runs": plain["runs"],
                            "peak_mb": plain["peak_mb"],
                            "phases": json.loads(plain["last"].stdout.strip().splitlines()[-1]),
                            "links": link_score({k: got.get(k) for k in truth}, truth)}
    report(result)


def report(r: dict) -> None:
    lines = [f"Kabupaten contoh skala {r['scale']} (benih {r['seed']}): {r['list_rows']} baris daftar, "
             f"{r['registry_rows']} baris Disdukcapil.", "",
             "| kode | diharapkan | ditemukan | benar | presisi | recall |", "|---|---|---|---|---|---|"]
    for code, s in r["codes"].items():
        lines.append(f"| {code} | {s['expected']} | {s['found']} | {s['tp']} | {s['precision']:.4f} "
                     f"| {s['recall']:.4f} |")
    p = r["pemilih"]
    links = p.get("links", {"precision": float("nan"), "recall": float("nan")})
    lines += ["", "| alat | waktu (s) | puncak memori (MB) | presisi tautan | recall tautan |", "|---|---|---|---|---|",
              f"| pemilih verify (median {r['repeat']}x) | {p['median_s']:.2f} | {p['peak_mb']:.0f} | "
              f"{links['precision']:.4f} | {links['recall']:.4f} |"]
    if "splink" in r:
        s = r["splink"]
        lines.append(f"| Splink polos (median {s.get('runs', 1)}x) | {s['seconds']:.2f} | {s['peak_mb']:.0f} "
                     f"| {s['links']['precision']:.4f} | "
                     f"{s['links']['recall']:.4f} |")
        lines += ["", f"Rasio: pemilih verify {s['seconds'] / p['median_s']:.1f}x lebih cepat, memori "
                      f"{p['peak_mb'] / s['peak_mb']:.2f} dari Splink polos (fase Splink: "
                      + ", ".join(f"{k} {v:.1f} s" for k, v in s["phases"].items()) + ")."]
    text = "\n".join(lines)
    print(text)
    import measure
    measure.save("verify", r, text)


if __name__ == "__main__":
    main()
