"""`pemilih check` against the demo generator's ground truth (truth/check_defects.csv).

The generator plants Excel floats, bad NIKs, impossible dates and village misspellings and
writes, row by row, the problems a correct check reports (computed with the domain rules).
The same rows are in the flat CSV and in the 151 village workbooks, so both are checked.
"""
from __future__ import annotations

import csv
import glob
from collections import Counter

import pytest

from pemilih.engine.check import check
from pemilih.io.read import read_files


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from pemilih.generate import generate
    out = tmp_path_factory.mktemp("demo")
    generate(str(out), scale=0.03, seed=7326, progress=False)
    return out


def _expected(out, ref_column: str) -> Counter:
    with open(out / "truth" / "check_defects.csv", encoding="utf-8", newline="") as fh:
        return Counter((r[ref_column], r["column"], r["code"]) for r in csv.DictReader(fh) if r[ref_column])


@pytest.mark.slow
def test_flat_csv_matches_ground_truth(demo):
    report = check(read_files([demo / "kpu" / "dpt_7326.csv"]))
    got = Counter(report.errors.select("source_ref", "column", "code").rows())
    assert got == _expected(demo, "csv_ref")
    assert report.status == "FAIL"


@pytest.mark.slow
def test_workbooks_match_ground_truth(demo):
    paths = sorted(glob.glob(str(demo / "kpu" / "form" / "*.xlsx")))
    assert len(paths) == 151
    report = check(read_files(paths))
    got = Counter(report.errors.select("source_ref", "column", "code").rows())
    assert got == _expected(demo, "xlsx_ref")
    flat = check(read_files([demo / "kpu" / "dpt_7326.csv"]))
    assert report.rows == flat.rows  # the same voters, none lost to the summary or signature rows


@pytest.mark.slow
def test_registry_extract_reads_clean(demo):
    report = check(read_files([demo / "registry" / "disdukcapil_7326.csv"]))
    assert report.status == "PASS" and report.rows > 0
