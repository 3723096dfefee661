"""Linkage without NIK (issue 15, item 3): the NCVR voter samples, pemilih against plain Splink.

    .venv/bin/python bench/run_ncvr.py [--zip ZIP...] [--threshold 0.5 0.9] [--precision 0.99]

Two snapshots of the North Carolina voter file per zip (a.csv, b.csv; gold.csv the ncid
pairs that are the same person; ../shared/data/benchmarks/ncvr/README.md). Unlike
bench/ncvr_eval.py, which re-trains pemilih's model on these files, this runs what
`pemilih verify` runs: the two snapshots written as contract files, read by pemilih's own
readers and linked by pemilih.engine.link with the shipped model as it is (the pattern of
bench/run_febrl.py, whose reader and linkage run are reused):

* snapshot a is the KPU list (docs/formats.md section 2), snapshot b the Disdukcapil extract
  (section 3); NIK and NKK blank on both sides; voter_reg_num is never written (a county
  registration number: it would make this an exact-ID join again);
* NAMA / NAMA_LGKP = first + middle + last name; JENIS KELAMIN / JENIS_KLMIN = M/F as L/P
  (U blank);
* TANGGAL LAHIR / TGL_LHR = 1 January of the birth year derived from the age, the snapshots'
  distance in years read from the data, not from gold.csv (bench/ncvr_eval.py's mapping, by
  import);
* region: county as the district and ZIP code as the village, written as the synthetic code
  `99.99.CC.ZZZZ` (ncvr_eval's codes); KECAMATAN and DESA blank, as run_febrl.py explains;
* ALAMAT = res_street_address (the city is the ZIP code's, already the village);
  TEMPAT LAHIR blank (NCVR has no birthplace).

Plain Splink reads the same two CSV files (DuckDB): the name split into first word, middle
words and last word, NameComparison with term frequencies on each, Splink's date-of-birth
comparison on the date, exact sex, Jaro-Winkler on the address, exact ZIP with term
frequencies; blocking on last name, on ZIP, on first name and birth year; the prior from
exact first name, last name and birth year, u by random sampling, m by EM under two blockings
(first and last name; ZIP: Splink 5.0 stops on the m of a level EM drives below 1e-300, which
the birth date or the last name alone do on these files).

Both tools run once each as their own process (bench/measure.py: wall time and peak summed
PSS, start-up and reading included) at a low floor threshold; the best candidate per list row
is kept, and scored against gold.csv at each --threshold and along the whole range of scores:
the recall reached at precision >= --precision (issue 15's target: 0.93 at 0.99).
Results: bench/results/ncvr.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import ncvr_eval  # noqa: E402  (bench/ is not a package: its path is added above)
import run_febrl  # noqa: E402

LIST_CSV, REGISTRY_CSV = run_febrl.LIST_CSV, run_febrl.REGISTRY_CSV
# The floor the tools run at: every best candidate above it is kept for the sweep.
FLOOR = 0.01


# --- the data -----------------------------------------------------------------------------

def _fields(df, kind: str, counties: dict, zips: dict, year: int):
    """ncvr_eval's records of one snapshot with the address, the date as the contract writes it."""
    import polars as pl
    records = ncvr_eval.to_records(df, kind, counties, zips, year)
    address = df["res_street_address"].fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
    born = pl.col("tanggal_lahir").str.slice(8, 2) + "-" + pl.col("tanggal_lahir").str.slice(5, 2) + "-" \
        + pl.col("tanggal_lahir").str.slice(0, 4)
    return records.with_columns(born.alias("tanggal_lahir"), address.alias("alamat"))


def to_list(a, counties: dict, zips: dict, year: int):
    """Snapshot a as a KPU list (docs/formats.md section 2), NIK and NKK blank."""
    import polars as pl

    from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
    r = _fields(a, "kpu", counties, zips, year)
    kept = {"kode_desa", "nama", "tanggal_lahir", "jenis_kelamin", "alamat"}
    return r.select([(pl.col(k) if k in kept else pl.lit("")).fill_null("").alias(KPU_HEADERS[k])
                     for k in KPU_COLUMNS])


def to_registry(b, counties: dict, zips: dict, year: int):
    """Snapshot b as a Disdukcapil extract (docs/formats.md section 3), NIK and NKK blank."""
    import polars as pl

    from pemilih.contract import ALIVE, REGISTRY_COLUMNS, REGISTRY_HEADERS
    r = _fields(b, "registry", counties, zips, year).with_columns(pl.lit(ALIVE).alias("status"))
    kept = {"kode_wilayah", "nama", "tanggal_lahir", "jenis_kelamin", "alamat", "status"}
    return r.select([(pl.col(k) if k in kept else pl.lit("")).fill_null("").alias(REGISTRY_HEADERS[k])
                     for k in REGISTRY_COLUMNS])


def write_task(zip_path: Path, folder: Path) -> dict:
    """The two contract files of one sample in `folder`, and the ncids behind their rows."""
    a, b, gold = ncvr_eval.read(zip_path)
    counties, zips = ncvr_eval._codes(a, b)
    offset = ncvr_eval.age_offset(a, b)
    to_list(a, counties, zips, 2000).write_csv(folder / LIST_CSV)
    to_registry(b, counties, zips, 2000 + offset).write_csv(folder / REGISTRY_CSV)
    return {"list_ids": a["ncid"].to_list(), "registry_ids": b["ncid"].to_list(), "truth": gold,
            "age_offset_years": offset}


# --- plain Splink (its own process) -------------------------------------------------------

SPLINK_SQL = """
select '{side}' || (row_number() over () - 1)::varchar as unique_id,
       nullif(split_part(upper(trim({name})), ' ', 1), '') as first_name,
       nullif(trim(regexp_replace(upper(trim({name})), '^\\S+\\s*|\\s*\\S+$', '', 'g')), '') as middle_name,
       case when strpos(trim({name}), ' ') > 0 then upper(regexp_extract(trim({name}), '(\\S+)$', 1)) end
           as last_name,
       nullif(trim({dob}), '') as dob, nullif(substr(trim({dob}), 7, 4), '') as birth_year,
       nullif(trim({sex}), '') as sex, nullif(upper(trim({address})), '') as address,
       nullif(substr({code}, 10, 4), '') as zip
from read_csv('{path}', all_varchar=true, header=true)
"""


def run_splink(folder: Path, threshold: float, out: Path) -> None:
    """Plain Splink on the same two files (the module docstring tells its settings)."""
    import logging

    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    con, left, right = run_febrl.splink_sides(folder, SPLINK_SQL, {"name": "nama", "dob": "tanggal_lahir",
                                                                   "sex": "jenis_kelamin", "address": "alamat"})
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[block_on("last_name"), block_on("zip"),
                                                block_on("first_name", "birth_year")],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("middle_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_name").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%d-%m-%Y"),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
            cl.ExactMatch("zip").configure(term_frequency_adjustments=True),
        ])
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "last_name", "birth_year")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    # Splink 5.0 refuses an m probability below 1e-300, which EM reaches on a level few true
    # pairs fall in (under the birth date or last name alone, on these files): these two
    # blockings estimate every comparison and pass on both samples.
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "last_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("zip"))
    pairs = linker.inference.predict(threshold_match_probability=threshold)
    run_febrl.write_best(con, pairs, out)


# --- scores -------------------------------------------------------------------------------

def recall_at_precision(scored: list[tuple[float, bool]], gold: int, precision: float) -> dict:
    """The highest recall of any score cut whose links are at least `precision` right:
    links (score, true?) sorted by score, cut only between distinct scores."""
    ranked = sorted(scored, key=lambda s: -s[0])
    best = {"threshold": None, "links": 0, "true_links": 0, "precision": 1.0, "recall": 0.0}
    tp = 0
    for i, (score, right) in enumerate(ranked):
        tp += right
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue  # a threshold keeps every link of the same score
        p, r = tp / (i + 1), tp / gold if gold else 1.0
        if p >= precision and r > best["recall"]:
            best = {"threshold": score, "links": i + 1, "true_links": tp, "precision": round(p, 4),
                    "recall": round(r, 4)}
    return best


def evaluate(zip_path: Path, thresholds: list[float], precision: float, work: Path) -> list[dict]:
    import measure
    import polars as pl
    folder = work / zip_path.stem
    folder.mkdir(parents=True, exist_ok=True)
    task = write_task(zip_path, folder)
    truth = task["truth"]
    rows = []
    for tool in ("pemilih", "splink"):
        out = folder / f"{tool}.parquet"
        run = measure.run([sys.executable, __file__, "--run", tool, str(folder), str(FLOOR), str(out)])
        if run.returncode:
            sys.exit(f"{tool} gagal pada {zip_path.name}:\n{run.stderr[-3000:]}")
        best = pl.read_parquet(out)
        named = [((task["list_ids"][lid], task["registry_ids"][rid]), s)
                 for lid, rid, s in best.select("lid", "rid", "score").iter_rows()]
        common = {"file": zip_path.name, "tool": tool, "list_rows": len(task["list_ids"]),
                  "registry_rows": len(task["registry_ids"]), "gold_links": len(truth),
                  "age_offset_years": task["age_offset_years"],
                  "seconds": round(run.seconds, 2), "peak_mb": round(run.peak_mb)}
        sweep = recall_at_precision([(s, pair in truth) for pair, s in named], len(truth), precision)
        for t in thresholds:
            pairs = {pair for pair, s in named if s >= t}
            rows.append({**common, "threshold": t, **run_febrl.score(pairs, truth),
                         f"at_precision_{precision}": sweep})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zip", nargs="+", default=[str(z) for z in ncvr_eval.DEFAULT_ZIPS])
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.9])
    ap.add_argument("--precision", type=float, default=0.99, help="presisi minimum untuk recall hasil sapuan ambang")
    ap.add_argument("--run", nargs=4, metavar=("TOOL", "DIR", "THRESHOLD", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        tool, folder, threshold, out = args.run
        (run_febrl.run_pemilih if tool == "pemilih" else run_splink)(Path(folder), float(threshold), Path(out))
        return
    with tempfile.TemporaryDirectory(prefix="pemilih-ncvr-") as tmp:
        results = [r for z in args.zip for r in evaluate(Path(z), args.threshold, args.precision, Path(tmp))]
    key = f"at_precision_{args.precision}"
    print(f"| berkas | alat | ambang | tautan | benar | presisi | recall | F1 | recall @presisi>={args.precision} "
          "(ambang) | waktu (s) | memori puncak (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r[key]
        cut = f"{s['recall']:.4f} ({s['threshold']:.4f})" if s["threshold"] is not None else "-"
        print(f"| {r['file']} | {r['tool']} | {r['threshold']} | {r['links']} | {r['true_links']} | "
              f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {cut} | {r['seconds']:.1f} | "
              f"{r['peak_mb']} |")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ncvr.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
