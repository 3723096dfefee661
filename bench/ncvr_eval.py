"""pemilih's probabilistic linkage on real voter records: the North Carolina samples.

    .venv/bin/python bench/ncvr_eval.py [--zip ZIP...] [--threshold 0.5 0.9]

Two snapshots of the NC voter file (a.csv, b.csv; gold.csv lists the ncid pairs that are the
same person; ../shared/data/benchmarks/ncvr/README.md). There is no national ID and no birth
date, so this exercises the probabilistic stage alone, with pemilih's own comparisons and
blocking (pemilih.engine.link_model: whole names in the matcher's spelling, sex, residence,
birth date), mapped as follows:

* name = first + middle + last; sex M/F -> L/P (U unknown);
* residence: county as the district, ZIP code as the village (synthetic dotted codes);
* birth date: the birth year as 1 January of (reference year - age). The snapshots are some
  years apart; the offset is read from the data (the median age difference of pairs agreeing
  on full name and ZIP code), not from the gold pairs;
* voter_reg_num is never compared: it is a county registration number and would make this
  an exact-ID join again. It only labels training pairs, as the NIK does for the shipped
  model (see train_here).

The model's m and u are re-estimated on these files, since the shipped model knows
Indonesian names and NIKs, not these;
links are the best candidate per record of file a at match probability >= threshold, as
`pemilih verify` does. Prints pairwise precision, recall and F1 against gold.csv; results in
bench/results/ncvr_eval.json (bench/run_ncvr.py, the shipped model against plain Splink, writes ncvr.json).
"""
from __future__ import annotations

import argparse
import io
import json
import logging
import sys
import zipfile
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parent.parent
NCVR = ROOT.parent / "shared" / "data" / "benchmarks" / "ncvr"
DEFAULT_ZIPS = [NCVR / "processed_ncvoters_5000_0.1.zip", NCVR / "processed_ncvoters_1700_0.1.zip"]


def read(zip_path: Path) -> tuple[pl.DataFrame, pl.DataFrame, set[tuple[str, str]]]:
    with zipfile.ZipFile(zip_path) as z:
        def table(name):
            member = next(n for n in z.namelist() if n.endswith(name))
            return pl.read_csv(io.BytesIO(z.read(member)), separator=";", infer_schema=False)
        a, b, gold = table("a.csv"), table("b.csv"), table("gold.csv")
    return a, b, set(gold.select("id1", "id2").iter_rows())


def _codes(a: pl.DataFrame, b: pl.DataFrame) -> tuple[dict, dict]:
    counties = sorted(set(a["county_desc"].drop_nulls()) | set(b["county_desc"].drop_nulls()))
    zips = sorted(set(a["zip_code"].drop_nulls()) | set(b["zip_code"].drop_nulls()))
    return {c: i % 100 for i, c in enumerate(counties)}, {z: i % 10000 for i, z in enumerate(zips)}


def age_offset(a: pl.DataFrame, b: pl.DataFrame) -> int:
    """Years between the snapshots: median age difference of records agreeing on name and ZIP."""
    key = ["first_name", "middle_name", "last_name", "zip_code"]
    pairs = a.join(b, on=key, suffix="_b").filter(pl.len().over(key) == 1)
    diff = (pairs["birth_age_b"].cast(pl.Int32, strict=False) - pairs["birth_age"].cast(pl.Int32, strict=False))
    return int(diff.median()) if diff.len() else 0


def to_records(df: pl.DataFrame, kind: str, counties: dict, zips: dict, year: int) -> pl.DataFrame:
    """The snapshot in the records.py layout the linkage stage reads."""
    county = pl.col("county_desc").replace_strict(counties, default=None, return_dtype=pl.Int32)
    zip_ = pl.col("zip_code").replace_strict(zips, default=None, return_dtype=pl.Int32)
    village = (pl.lit("99.99.") + county.cast(pl.String).str.zfill(2) + "." + zip_.cast(pl.String).str.zfill(4))
    name = pl.concat_str(["first_name", "middle_name", "last_name"], separator=" ", ignore_nulls=True)
    born = (pl.lit(year) - pl.col("birth_age").cast(pl.Int32, strict=False)).cast(pl.String) + "-01-01"
    return df.select(
        pl.col("ncid"), pl.lit(None, pl.String).alias("nik"), pl.lit(None, pl.String).alias("nkk"),
        name.alias("nama"), pl.lit(None, pl.String).alias("tempat_lahir"), born.alias("tanggal_lahir"),
        pl.col("gender_code").replace_strict({"M": "L", "F": "P"}, default=None).alias("jenis_kelamin"),
        village.alias("kode_desa" if kind == "kpu" else "kode_wilayah"))


def train_here(left: pl.DataFrame, right: pl.DataFrame, reg_a: pl.Series, reg_b: pl.Series,
               seed: int = 1) -> dict:
    """Our comparisons and blocking, trained on these two files the way `pemilih
    train-linkage` trains on a list and a registry, with the county registration number in
    the NIK's role: pairs sharing it give the m probabilities (and the prior), random pairs
    the u probabilities. It is a field of the files, not the gold standard, and the model
    never compares it."""
    from splink import DuckDBAPI, Linker, block_on

    from pemilih.engine import link_model
    from pemilih.engine.link_prob import splink_table
    from pemilih.engine.link_train import smooth
    link_model.quiet_splink()
    a = splink_table(left, "l").with_columns(reg_a.alias("voter_reg"))
    b = splink_table(right, "r").with_columns(reg_b.alias("voter_reg"))
    labels = a.select("unique_id", "voter_reg").join(b.select("unique_id", "voter_reg"), on="voter_reg", suffix="_r")
    labels = labels.select(pl.lit("a_daftar").alias("source_dataset_l"), pl.col("unique_id").alias("unique_id_l"),
                           pl.lit("b_registri").alias("source_dataset_r"), pl.col("unique_id_r"))
    con = duckdb.connect()
    try:
        db = DuckDBAPI(con)
        settings = link_model.settings()
        # Only an age is known: a birth year is off by one for a third of the pairs, and the
        # default rules need the name plus the birth year or the district. On files this
        # small the name alone can block too.
        settings.blocking_rules_to_generate_predictions = [*link_model.blocking_rules(), block_on("name_flat")]
        linker = Linker([db.register(a.to_arrow(), table_name="a_daftar"),
                         db.register(b.to_arrow(), table_name="b_registri")], settings, log_level=logging.ERROR)
        t = linker.training
        t.estimate_probability_two_random_records_match(["l.voter_reg = r.voter_reg"], recall=0.9)
        t.estimate_u_using_random_sampling(max_pairs=2e6, seed=seed)
        t.estimate_m_from_pairwise_labels(db.register(labels.to_arrow(), table_name="label"))
        model = linker.misc.save_model_to_json()
    finally:
        con.close()
    for comp in model["comparisons"]:
        smooth(comp["comparison_levels"])  # as pemilih train-linkage does
    return model


def evaluate(zip_path: Path, threshold: float) -> dict:
    from pemilih.engine import link_prob
    from pemilih.engine.link_prepare import add_name_features, prepare, with_nik_dates
    a, b, gold = read(zip_path)
    counties, zips = _codes(a, b)
    offset = age_offset(a, b)
    ra = to_records(a, "kpu", counties, zips, 2000)
    rb = to_records(b, "registry", counties, zips, 2000 + offset)
    left = add_name_features(with_nik_dates(prepare(ra, "kpu")))
    right = add_name_features(with_nik_dates(prepare(rb, "registry")))
    model = train_here(left, right, a["voter_reg_num"], b["voter_reg_num"])
    model["retain_matching_columns"] = True
    scored = link_prob.predict(left, right, model, threshold)
    best = link_prob.best_links(scored, model, threshold)
    # One record of b for at most one of a: the stronger claim wins.
    best = best.sort("score", descending=True).unique("rid", keep="first")
    found = {(ra["ncid"][lid], rb["ncid"][rid]) for lid, rid in best.select("lid", "rid").iter_rows()}
    tp = len(found & gold)
    p = tp / len(found) if found else 1.0
    r = tp / len(gold) if gold else 1.0
    return {"file": zip_path.name, "records_a": a.height, "records_b": b.height, "gold_pairs": len(gold),
            "age_offset_years": offset, "threshold": threshold, "links": len(found), "true_links": tp,
            "precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if tp else 0.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zip", nargs="+", default=[str(z) for z in DEFAULT_ZIPS])
    ap.add_argument("--threshold", type=float, nargs="+", default=[0.5, 0.9])
    args = ap.parse_args()
    results = [evaluate(Path(z), t) for z in args.zip for t in args.threshold]
    print("| berkas | ambang | tautan | benar | presisi | recall | F1 |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['file']} | {r['threshold']} | {r['links']} | {r['true_links']} | {r['precision']:.4f} | "
              f"{r['recall']:.4f} | {r['f1']:.4f} |")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ncvr_eval.json").write_text(json.dumps(results, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
