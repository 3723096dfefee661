"""Each row problem code, with the exact row (as a spreadsheet shows it) and printed column."""
from __future__ import annotations

from datetime import date

import pytest

from pemilih.domain.nik import make_nik, nik_problems
from pemilih.domain.regions import load_regions
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, form_workbook, voter, write_csv

BORN = date(1980, 5, 12)

# (overrides on a valid voter, expected (column, code) problems). Built by hand.
CASES = [
    ({"NIK": ""}, [("NIK", "NIK-EMPTY")]),
    ({"NIK": "7.32615E+15"}, [("NIK", "NIK-FLOAT")]),
    ({"NIK": "7326151205800000.0"}, [("NIK", "NIK-FLOAT")]),
    ({"NIK": "732615120580001"}, [("NIK", "NIK-LENGTH")]),
    ({"NIK": "73261512O5800001"}, [("NIK", "NIK-INVALID")]),
    ({"NIK": "9999991205800001"}, [("NIK", "NIK-REGION")]),
    ({"NIK": "7326153205800001"}, [("NIK", "NIK-DATE")]),
    ({"NIK": "7326155205800001"}, [("NIK", "NIK-SEX-MISMATCH")]),  # +40: a woman's NIK on a man
    ({"NIK": "7326151305800001"}, [("NIK", "NIK-DOB-MISMATCH")]),
    ({"NIK": "9999995205800001"}, [("NIK", "NIK-REGION"), ("NIK", "NIK-SEX-MISMATCH")]),
    ({"NKK": ""}, [("NKK", "NKK-EMPTY")]),
    ({"NKK": "7.32615E+15"}, [("NKK", "NKK-FLOAT")]),
    ({"NKK": "73261500000001"}, [("NKK", "NKK-LENGTH")]),
    ({"NKK": "732615000000000A"}, [("NKK", "NKK-INVALID")]),
    ({"NKK": "0000000000000001"}, [("NKK", "NKK-REGION")]),
    ({"TANGGAL LAHIR": "31-02-1980"}, [("TANGGAL LAHIR", "DATE-INVALID")]),
    ({"TANGGAL LAHIR": "12 Mei 80"}, [("TANGGAL LAHIR", "DATE-INVALID")]),
    ({"TANGGAL LAHIR": "05-25-1980", "NIK": make_nik("732615", date(1980, 5, 25), "L", 1)},
     [("TANGGAL LAHIR", "DATE-AMBIGUOUS")]),
    ({"TANGGAL LAHIR": "12/05/1980"}, []),
    ({"TANGGAL LAHIR": "12|05|1980"}, []),
    ({"TANGGAL LAHIR": "1980-05-12"}, []),
    ({"JENIS KELAMIN": "X"}, [("JENIS KELAMIN", "SEX-INVALID")]),
    ({"JENIS KELAMIN": "LAKI-LAKI"}, []),
    ({"STATUS PERKAWINAN": "Z"}, [("STATUS PERKAWINAN", "KAWIN-INVALID")]),
    ({"STATUS PERKAWINAN": "belum kawin"}, []),
    ({"TPS": "TPS A"}, [("TPS", "TPS-INVALID")]),
    ({"TPS": "0"}, [("TPS", "TPS-INVALID")]),
    ({"RT": "1A"}, [("RT", "RT-INVALID")]),
    ({"RW": ""}, [("RW", "RW-INVALID")]),
    ({"DISABILITAS": "7"}, [("DISABILITAS", "DISABILITAS-INVALID")]),
    ({"DISABILITAS": "1, 6"}, []),
    ({"KTP-EL": "X"}, [("KTP-EL", "KTPEL-INVALID")]),
    ({"KODE DESA": "73.26.15.9999"}, [("KODE DESA", "KODE-DESA-UNKNOWN")]),
    ({"KODE DESA": "ABC"}, [("KODE DESA", "KODE-DESA-UNKNOWN")]),
]


def _read_one(tmp_path, overrides):
    rows = [voter(no=1, born=BORN), voter(no=2, born=BORN, **overrides), voter(no=3, born=BORN)]
    return read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])


@pytest.mark.parametrize("overrides,expected", CASES, ids=[str(c[0]) for c in CASES])
def test_problem_codes(tmp_path, overrides, expected):
    result = _read_one(tmp_path, overrides)
    got = result.problems.select("source_ref", "column", "code").rows()
    assert got == [("dpt.csv::3", column, code) for column, code in expected]
    assert result.records.height == 3
    for reason in result.problems["reason"]:
        assert "7326151" not in reason  # NIKs never in clear


def test_values_kept_as_written_when_wrong(tmp_path):
    result = _read_one(tmp_path, {"JENIS KELAMIN": "X", "TANGGAL LAHIR": "31-02-1980", "RT": "1A"})
    rec = result.records.row(1, named=True)
    assert (rec["jenis_kelamin"], rec["tanggal_lahir"], rec["rt"]) == ("X", "31-02-1980", "1A")
    assert result.records.row(0, named=True)["tanggal_lahir"] == "1980-05-12"


def test_nik_checks_agree_with_the_domain_rules(tmp_path):
    """The vectorised checks give what pemilih.domain.nik.nik_problems gives, value by value."""
    regions = load_regions()
    niks = ["", "7.32615E+15", "732615120580001", "73261512058000011", "7326-51205800001", "1111111205800001",
            "7326150013800001", "7326151299800001", "7326157205800001", "7326154105800001", "7326151205800001",
            "7326155205800001", "7326151205810001", "7326150002000001", "9900003102990001"]
    sexes = ["L", "P", "L", "P", "L", "P", "L", "P", "L", "P", "P", "L", "L", "P", "L"]
    rows = [voter(no=i + 1, born=BORN, NIK=n, **{"JENIS KELAMIN": s}) for i, (n, s) in enumerate(zip(niks, sexes))]
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    got = result.problems.filter(result.problems["column"] == "NIK")
    for i, (nik, sex) in enumerate(zip(niks, sexes)):
        want = [p.code for p in nik_problems(nik, regions.district_exists, BORN, sex)]
        mine = got.filter(got["row"] == i + 2)["code"].to_list()
        assert mine == want, (nik, sex)


def test_unknown_village_names_closest_candidates(tmp_path):
    rows = [voter(no=1, **{"KODE DESA": "", "KELURAHAN/DESA": "PANTANAKAN LOLLO"}),
            voter(no=2, **{"KODE DESA": "", "KELURAHAN/DESA": "QQQ XYZ"}),
            voter(no=3, **{"KODE DESA": "", "KELURAHAN/DESA": "Pantanakan-Lolo"}),
            voter(no=4, **{"KODE DESA": "", "KECAMATAN": "SADAN", "KELURAHAN/DESA": "LEMBANG SADAN MALIMBONG"}),
            voter(no=5, **{"KODE DESA": "7326151004"})]
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    got = result.problems.select("source_ref", "column", "code").rows()
    assert got == [("dpt.csv::2", "KELURAHAN/DESA", "DESA-UNKNOWN"), ("dpt.csv::3", "KELURAHAN/DESA", "DESA-UNKNOWN")]
    assert "PANTANAKAN LOLO (73.26.15.1004)" in result.problems["reason"][0]
    assert result.records["kode_desa"].to_list() == [None, None, "73.26.15.1004", "73.26.06.1002", "73.26.15.1004"]
    assert result.records["desa"][3] == "SA'DAN MALIMBONG"


def test_unknown_kecamatan(tmp_path):
    rows = [voter(no=1, **{"KODE DESA": "", "KECAMATAN": "KESSU RAYA"}),
            voter(no=2, **{"KODE DESA": "", "KECAMATAN": "RANTEPAO"})]  # real, but not this village's
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    got = result.problems.select("source_ref", "column", "code").rows()
    assert got == [("dpt.csv::2", "KECAMATAN", "KECAMATAN-UNKNOWN"), ("dpt.csv::3", "KECAMATAN", "KECAMATAN-UNKNOWN")]
    assert result.records["kode_desa"].to_list() == ["73.26.15.1004", "73.26.15.1004"]


def test_month_first_file_is_detected_and_odd_value_ambiguous(tmp_path):
    borns = [date(1980, 5, 25), date(1975, 1, 30), date(1990, 11, 3), date(1985, 12, 14)]
    rows = [voter(no=i + 1, born=b, **{"TANGGAL LAHIR": b.strftime("%m/%d/%Y")}) for i, b in enumerate(borns)]
    rows.append(voter(no=5, born=date(1970, 5, 20), **{"TANGGAL LAHIR": "20/05/1970"}))  # day first
    result = read_files([write_csv(tmp_path / "us.csv", KPU_HEADER, rows)])
    assert result.records["tanggal_lahir"].to_list()[:4] == ["1980-05-25", "1975-01-30", "1990-11-03", "1985-12-14"]
    assert result.problems.select("source_ref", "column", "code").rows() == [
        ("us.csv::6", "TANGGAL LAHIR", "DATE-AMBIGUOUS")]
    assert "MM-DD-YYYY" in result.problems["reason"][0]


def test_a_few_day_first_votes_keep_the_contract_order(tmp_path):
    rows = [voter(no=1, born=date(1980, 5, 12)), voter(no=2, born=date(1981, 7, 3))]  # both ambiguous-looking
    result = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)])
    assert result.records["tanggal_lahir"].to_list() == ["1980-05-12", "1981-07-03"]


def test_problems_in_a_workbook_name_the_sheet_row(tmp_path):
    voters = [voter(no=i + 1, born=BORN) for i in range(3)]
    voters[2]["RT"] = "X"
    path = form_workbook(tmp_path / "w.xlsx", {"001": voters[:1], "002": voters[1:]})
    result = read_files([path])
    assert result.problems.select("source_ref", "file", "sheet", "row", "column", "code").rows() == [
        ("w.xlsx:TPS 002:11", "w.xlsx", "TPS 002", 11, "RT", "RT-INVALID")]
