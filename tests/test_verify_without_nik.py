"""`pemilih verify` on a list without any NIK (issue 15): every link from name, birth date,
home and birthplace, the model re-estimated on the data, nobody struck for want of a NIK.

Ground truth from the generator: the registry NIK each list row belongs to
(truth/expected_findings.csv, computed with the NIKs in place). With the list's NIKs blanked,
a row linked to the right resident gets a `U` on NIK proposing exactly that NIK.
"""
from __future__ import annotations

import csv

import polars as pl
import pytest

from pemilih.cli import main

ON, DPS = "2027-03-17", "2027-01-15"


def _rows(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from pemilih.generate import generate
    base = tmp_path_factory.mktemp("tanpa-nik")
    data = base / "data"
    generate(str(data), scale=0.02, seed=11, progress=False)
    lst = data / "kpu" / "dpt_7326.csv"
    blank = base / "dpt_tanpa_nik.csv"
    pl.read_csv(lst, infer_schema=False).with_columns(pl.lit("").alias("NIK")).write_csv(blank)
    truth = {}
    for r in _rows(data / "truth" / "expected_findings.csv"):
        if r["source_ref"] and r["registry_nik"] and r["code"] != "TMS-5":
            truth[r["source_ref"].replace("dpt_7326.csv", blank.name)] = r["registry_nik"]
    with open(lst, encoding="utf-8-sig", newline="") as fh:  # rows without findings: their own NIK
        for i, r in enumerate(csv.DictReader(fh), start=2):
            truth.setdefault(f"{blank.name}::{i}", r["NIK"])
    return blank, data / "registry" / "disdukcapil_7326.csv", base / "hasil", truth


def test_a_list_without_nik_is_linked_by_the_other_fields(run, capsys):
    blank, registry, out, truth = run
    assert main(["verify", "--list", str(blank), "--registry", str(registry), "--on", ON, "--dps", DPS,
                 "--rezim", "PILKALEM", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "diperkirakan ulang" in printed and "Cocok lewat NIK: 0;" in printed
    rows = _rows(out / "findings.csv")
    proposed = {r["source_ref"]: r["proposed"] for r in rows if r["code"] == "U" and r["field"] == "NIK"}
    linked = {r["source_ref"]: r["registry_nik"] for r in rows if r["source_ref"] and r["registry_nik"]
              and r["code"] not in ("LINK-UNCERTAIN",)}
    right = sum(1 for ref, nik in linked.items() if truth.get(ref) == nik)
    assert right / len(linked) >= 0.99  # precision of the links made
    assert right / len(truth) >= 0.95  # recall against every row the registry holds
    assert sum(truth.get(ref) != nik for ref, nik in proposed.items()) <= len(proposed) * 0.01
    struck = {r["source_ref"] for r in rows if r["code"] == "TMS-5"}
    assert len(struck & set(truth)) <= len(truth) * 0.01  # in the registry, yet struck as unknown


def test_the_shipped_model_can_be_kept(run, capsys, tmp_path):
    blank, registry, _, _ = run
    assert main(["verify", "--list", str(blank), "--registry", str(registry), "--on", ON, "--dps", DPS,
                 "--rezim", "PILKALEM", "--perkiraan-ulang", "tidak", "--out", str(tmp_path / "hasil")]) == 0
    assert "diperkirakan ulang" not in capsys.readouterr().out


def test_a_level_em_saw_no_match_in_keeps_the_shipped_weight():
    """link_estimate._unseen_as_shipped: a level whose estimated m is below the floor is weighed
    as the shipped model weighs it (m = u x shipped m / shipped u); a level EM did see, and
    the null level, are left as estimated."""
    import math

    from pemilih.engine import link_estimate

    def model(levels):
        return {"comparisons": [{"output_column_name": "nama", "comparison_levels": levels}]}
    shipped = model([{"is_null_level": True}, {"m_probability": 0.9, "u_probability": 0.001},
                     {"m_probability": 0.02, "u_probability": 0.00002}, {"m_probability": 0.08, "u_probability": 0.99}])
    estimated = model([{"is_null_level": True, "m_probability": None}, {"m_probability": 0.95, "u_probability": 0.002},
                       {"m_probability": 0.0, "u_probability": 0.0001}, {"m_probability": 0.05, "u_probability": 0.9}])
    got = link_estimate._unseen_as_shipped(estimated, shipped)["comparisons"][0]["comparison_levels"]
    assert got[0] == {"is_null_level": True, "m_probability": None}
    assert got[1]["m_probability"] == 0.95 and got[3]["m_probability"] == 0.05
    # The unseen level: its estimated u, the shipped weight log2(0.02 / 0.00002) ~ 9.97 bits.
    assert got[2]["u_probability"] == 0.0001
    assert math.isclose(math.log2(got[2]["m_probability"] / got[2]["u_probability"]), math.log2(1000))
    assert estimated["comparisons"][0]["comparison_levels"][2]["m_probability"] == 0.0  # not changed in place
