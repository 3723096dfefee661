"""Pre-flight rules the check once passed (issue 12, defect 5): names that are not names, a NIK
whose serial is 0000, a village name that contradicts its village code.

Hand-made KPU rows through the real reader and the check (as test_check.py does); every
expected code is written here by hand. The same bad names are then typed into a coklit
workbook and a public response: both refuse them with the reason the list import gives.
"""
from __future__ import annotations

from datetime import date

import pytest

from pemilih.domain import values as judges
from pemilih.domain.nik import make_nik
from pemilih.engine.check import check
from pemilih.io import coklit_values
from pemilih.io.read import read_files
from pemilih.store.responses import judge_cell

from filemaker import KPU_HEADER, PANTANAKAN, SADAN_MALIMBONG, voter, write_csv

# Names as Indonesians write them: a glottal stop, an abbreviation, a Balinese name, a title,
# a degree, a hyphen, curly apostrophes, lower case and double spaces.
GOOD_NAMES = ["NE' RANTE", "MUH. AMIN", "I GUSTI AYU", "H. ABDUL", "DRS. YOHANIS, S.PD.", "SITI-AMINAH",
              "Ne’ Rante", "  la'bi   tandi ", "A", "ABDUL, S1"]
# (written, code): each bad in exactly one way.
BAD_NAMES = [
    ("", "NAMA-EMPTY"), ("   ", "NAMA-EMPTY"),
    ("=HYPERLINK(\"http://x.test\",\"KLIK\")", "NAMA-FORMULA"), ("+62812345678", "NAMA-FORMULA"),
    ("-ANDI", "NAMA-FORMULA"), ("@ANDI", "NAMA-FORMULA"), ("=1+1", "NAMA-FORMULA"),
    ("12345", "NAMA-DIGITS"), ("73 26", "NAMA-DIGITS"),
    ("ANDI 2", "NAMA-INVALID"), ("YOHANIS/YOHANES", "NAMA-INVALID"), ("RUTH (ALM)", "NAMA-INVALID"),
    ("...", "NAMA-INVALID"), ("ANDI@MAIL", "NAMA-INVALID"),
]


def _names_file(tmp_path, names: list[str]):
    rows = [voter(i + 1, NAMA=name) for i, name in enumerate(names)]
    return write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)


def _errors(path) -> list[tuple[str, str, str]]:
    return check(read_files([path])).errors.select("source_ref", "column", "code").rows()


def test_names_as_indonesians_write_them_pass(tmp_path):
    report = check(read_files([_names_file(tmp_path, GOOD_NAMES)]))
    assert report.errors.height == 0 and report.status == "PASS"


def test_empty_formula_and_digit_names_are_row_problems_on_nama(tmp_path):
    path = _names_file(tmp_path, [n for n, _ in BAD_NAMES])
    want = [(f"dpt.csv::{i + 2}", "NAMA", code) for i, (_, code) in enumerate(BAD_NAMES)]
    assert _errors(path) == want


def test_name_reasons_say_what_is_wrong_without_the_name(tmp_path):
    path = _names_file(tmp_path, ["YOHANIS PATIKU 2", "=CONCAT(\"RUTH\",\"SAMPE\")", "19800512"])
    reasons = check(read_files([path])).errors["reason"].to_list()
    assert len(reasons) == 3
    for reason, name in zip(reasons, ["YOHANIS PATIKU", "RUTH", "19800512"]):
        assert name not in reason and reason.startswith("NAMA")
    assert "angka" in reasons[0] and "rumus" in reasons[1] and "angka" in reasons[2]


def test_the_fast_path_and_the_judge_agree_on_the_list(tmp_path):
    """Mostly clean names (skipped column-wise) and a few bad ones among them."""
    names = [f"PEMILIH {w}" for w in ("SATU", "DUA", "TIGA")] + ["ANDI 2", "PEMILIH EMPAT", "=A1"]
    assert [c for _, _, c in _errors(_names_file(tmp_path, names))] == ["NAMA-INVALID", "NAMA-FORMULA"]


def test_nik_serial_0000_is_a_problem_on_the_nik(tmp_path):
    zero = make_nik("732615", date(1980, 5, 12), "L", 0)
    assert zero.endswith("0000")
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1), voter(2, NIK=zero)])
    report = check(read_files([path]))
    assert report.errors.select("source_ref", "column", "code").rows() == [("dpt.csv::3", "NIK", "NIK-SERIAL")]
    reason = report.errors["reason"][0]
    assert zero not in reason and "0000" in reason


def test_a_village_name_that_contradicts_the_village_code_names_both(tmp_path):
    code, kec, desa = PANTANAKAN
    rows = [
        voter(1),  # as it should be
        voter(2, **{"KELURAHAN/DESA": "LAANG TANDUK"}),  # another village's name, right kecamatan
        voter(3, **{"KECAMATAN": "RANTEPAO"}),  # another kecamatan, right village
        voter(4, **{"KELURAHAN/DESA": "LAANG TANDUK", "KECAMATAN": "RANTEPAO"}),  # another village altogether
        voter(5, **{"KELURAHAN/DESA": "pantanakan  lolo", "KECAMATAN": "Kesu"}),  # case and spacing
        voter(6, **{"KELURAHAN/DESA": "LEMBANG PANTANAKAN LOLO"}),  # a leading LEMBANG
        voter(7, village=SADAN_MALIMBONG, **{"KELURAHAN/DESA": "SADAN MALIMBONG", "KECAMATAN": "SADAN"}),
        voter(8, **{"KELURAHAN/DESA": "", "KECAMATAN": ""}),  # only the code: nothing to contradict
    ]
    report = check(read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)]))
    got = report.errors.select("source_ref", "column", "code").rows()
    assert got == [("dpt.csv::3", "KELURAHAN/DESA", "DESA-MISMATCH"), ("dpt.csv::4", "KECAMATAN", "KECAMATAN-MISMATCH"),
                   ("dpt.csv::5", "KELURAHAN/DESA", "DESA-MISMATCH")]
    reasons = report.errors["reason"].to_list()
    assert reasons[0] == f"KODE DESA {code} adalah {desa} (KECAMATAN {kec}), bukan LAANG TANDUK"
    assert reasons[1] == f"KODE DESA {code} ({desa}) berada di KECAMATAN {kec}, bukan RANTEPAO"
    assert reasons[2] == f"KODE DESA {code} adalah {desa} (KECAMATAN {kec}), bukan LAANG TANDUK (KECAMATAN RANTEPAO)"
    # The voter stays in the village its code names; the problem keeps what was written.
    records = read_files([write_csv(tmp_path / "dpt.csv", KPU_HEADER, rows)]).records
    assert set(records["kode_desa"]) == {code, SADAN_MALIMBONG[0]}
    assert records["desa"][1] == desa and records["kecamatan"][2] == kec


def test_a_title_block_naming_another_village_contradicts_the_code_of_each_row(tmp_path):
    """A form's title block names the village for every row below it that names none."""
    code, kec, desa = PANTANAKAN
    header = [h for h in KPU_HEADER if h not in ("KECAMATAN", "KELURAHAN/DESA")]
    before = [["DAFTAR PEMILIH TETAP"], ["KECAMATAN : KESU"], ["DESA/KELURAHAN : LAANG TANDUK"], []]
    path = write_csv(tmp_path / "dpt.csv", header, [voter(1), voter(2)], before=before)
    report = check(read_files([path]))
    assert report.errors.select("source_ref", "column", "code").rows() == [
        ("dpt.csv::6", "KELURAHAN/DESA", "DESA-MISMATCH"), ("dpt.csv::7", "KELURAHAN/DESA", "DESA-MISMATCH")]
    assert report.errors["reason"][0] == f"KODE DESA {code} adalah {desa} (KECAMATAN {kec}), bukan LAANG TANDUK"


def test_the_registry_names_are_refused_only_when_they_cannot_be_names(tmp_path):
    """The registry's spelling is its own: only empty, formula and digits-only are problems."""
    from filemaker import REGISTRY_HEADER, resident
    rows = [resident(1, NAMA_LGKP="ANDI 2"), resident(2, NAMA_LGKP="=A1"), resident(3, NAMA_LGKP=""),
            resident(4, NAMA_LGKP="12345"), resident(5, NAMA_LGKP="NE' RANTE (ALM)")]
    report = check(read_files([write_csv(tmp_path / "dukcapil.csv", REGISTRY_HEADER, rows)]))
    assert report.errors.select("source_ref", "column", "code").rows() == [
        ("dukcapil.csv::3", "NAMA_LGKP", "NAMA-FORMULA"), ("dukcapil.csv::4", "NAMA_LGKP", "NAMA-EMPTY"),
        ("dukcapil.csv::5", "NAMA_LGKP", "NAMA-DIGITS")]


# --- every entry point refuses the same names with the same reason -------------------------------

@pytest.mark.parametrize("written,code", [b for b in BAD_NAMES if b[1] != "NAMA-EMPTY"])
def test_coklit_cells_and_responses_refuse_the_names_a_list_import_refuses(written, code):
    verdict = judges.judge("nama", written)
    assert verdict.code == code and verdict.reason
    assert coklit_values.judge("nama", written) == (None, verdict.reason)
    assert judge_cell("nama", written) == verdict


@pytest.mark.parametrize("written", GOOD_NAMES)
def test_coklit_cells_and_responses_take_the_names_a_list_import_takes(written):
    stored = " ".join(written.split()).upper()
    assert judges.judge("nama", written) == judges.Verdict(stored)
    assert coklit_values.judge("nama", written) == (stored, None)
    assert judge_cell("nama", written).value == stored
