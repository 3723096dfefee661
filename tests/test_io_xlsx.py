"""Workbooks: form-style sheets per TPS, summary and signature rows, date and number cells."""
from __future__ import annotations

import random
from datetime import date, timedelta

from pemilih.domain.nik import make_nik
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, LAANG_TANDUK, PANTANAKAN, form_workbook, voter, write_xlsx


def _voters(n, start=1, village=PANTANAKAN, tps="001"):
    return [voter(no=start + i, born=date(1960, 1, 1) + timedelta(days=397 * i), sex="LP"[i % 2],
                  village=village, tps=tps) for i in range(n)]


def test_form_workbook_sheets_per_tps(tmp_path):
    path = form_workbook(tmp_path / "DPT_7326151004_PANTANAKAN_LOLO.xlsx",
                         {"001": _voters(3), "002": _voters(2, start=4, tps="002")})
    result = read_files([path])
    assert result.problems.height == 0, result.problems.to_dicts()
    recs = result.records
    assert recs["source_ref"].to_list() == [
        "DPT_7326151004_PANTANAKAN_LOLO.xlsx:TPS 001:10", "DPT_7326151004_PANTANAKAN_LOLO.xlsx:TPS 001:11",
        "DPT_7326151004_PANTANAKAN_LOLO.xlsx:TPS 001:12", "DPT_7326151004_PANTANAKAN_LOLO.xlsx:TPS 002:10",
        "DPT_7326151004_PANTANAKAN_LOLO.xlsx:TPS 002:11"]
    assert recs["tps"].to_list() == ["001"] * 3 + ["002"] * 2
    assert set(recs["kode_desa"]) == {"73.26.15.1004"}
    assert set(recs["kecamatan"]) == {"KESU"} and set(recs["desa"]) == {"PANTANAKAN LOLO"}
    assert recs["no"].to_list() == ["1", "2", "3", "4", "5"]  # number cells, written without `.0`
    assert recs["tanggal_lahir"][1] == "1961-02-01"  # 1960 is a leap year


def test_summary_and_signature_rows_are_not_voters(tmp_path):
    # The signature sits in column J (RT): read as voters, it would be RT-INVALID rows.
    path = form_workbook(tmp_path / "f.xlsx", {"001": _voters(4)})
    result = read_files([path])
    assert result.records.height == 4
    assert result.problems.height == 0, result.problems.to_dicts()


def test_signature_in_the_name_column_and_a_bare_voter_row_kept(tmp_path):
    voters = _voters(3)
    voters[1] = {h: "" for h in KPU_HEADER} | {"NO": "2", "NAMA": "HANYA NAMA", "TANGGAL LAHIR": ""}
    path = form_workbook(tmp_path / "f.xlsx", {"001": voters}, signature_col=3)
    result = read_files([path])
    assert result.records["nama"].to_list() == ["PEMILIH A", "HANYA NAMA", "PEMILIH C"]
    assert "YOHANES PALIMBONG" not in result.records["nama"].to_list()
    assert set(result.problems["source_ref"]) == {"f.xlsx:TPS 001:11"}


def test_date_cells_become_iso(tmp_path):
    voters = _voters(2)
    voters[1]["TANGGAL LAHIR"] = "31-02-1980"  # impossible: stays text in the cell
    path = form_workbook(tmp_path / "f.xlsx", {"001": voters}, date_cells=True)
    result = read_files([path])
    assert result.records["tanggal_lahir"].to_list() == ["1960-01-01", "31-02-1980"]
    assert result.problems.select("source_ref", "column", "code").rows() == [
        ("f.xlsx:TPS 001:11", "TANGGAL LAHIR", "DATE-INVALID")]


def test_numeric_nik_cell_is_nik_float_even_with_16_digits(tmp_path):
    voters = _voters(3)
    exact = float(voters[0]["NIK"])  # all 16 digits survive in a float below 2**53
    excel = float(voters[1]["NIK"][:15] + "0")  # what Excel keeps: 15 significant digits
    path = form_workbook(tmp_path / "f.xlsx", {"001": voters}, numeric_nik={0: exact, 1: excel},
                         numeric_nkk={1: float(voters[1]["NKK"])})
    result = read_files([path])
    got = result.problems.select("source_ref", "column", "code").rows()
    assert got == [("f.xlsx:TPS 001:10", "NIK", "NIK-FLOAT"), ("f.xlsx:TPS 001:11", "NKK", "NKK-FLOAT"),
                   ("f.xlsx:TPS 001:11", "NIK", "NIK-FLOAT")]
    assert "*" * 10 in result.problems["reason"][0] and voters[0]["NIK"] not in result.problems["reason"][0]
    assert result.records["nik"][2] == voters[2]["NIK"]


def test_flat_workbook_with_region_columns(tmp_path):
    rows = _voters(2) + _voters(1, start=3, village=LAANG_TANDUK)
    grid = [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in rows]
    result = read_files([write_xlsx(tmp_path / "dpt.xlsx", {"DPT": grid})])
    assert result.problems.height == 0, result.problems.to_dicts()
    assert result.records["kode_desa"].to_list() == ["73.26.15.1004", "73.26.15.1004", "73.26.01.1001"]
    assert result.records["source_ref"][2] == "dpt.xlsx:DPT:4"


def test_instruction_sheet_without_header_is_skipped(tmp_path):
    grid = [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in _voters(2)]
    path = write_xlsx(tmp_path / "dpt.xlsx", {"PETUNJUK": [["Isi NIK sebagai teks"], ["Jangan ubah judul"]],
                                              "DPT": grid})
    result = read_files([path])
    assert result.records.height == 2 and result.problems.height == 0


def test_sheet_with_voters_but_no_header_refuses_the_file(tmp_path):
    good = [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in _voters(1)]
    bare = [[r[h] for h in KPU_HEADER] for r in _voters(1, start=2)]
    result = read_files([write_xlsx(tmp_path / "dpt.xlsx", {"A": good, "B": bare})])
    assert result.records.height == 0
    assert result.problems.select("source_ref", "code").rows() == [("dpt.xlsx:B", "COLUMN-MISSING")]


def test_round_trip_keeps_text(tmp_path):
    """Write random rows with xlsxwriter (text cells), read back: the same text, NIKs 16 digits;
    names in the stored form (capitals, one space between words: formats.md section 1); a name
    that is not one (digits, a formula) kept as written, with its problem."""
    rng = random.Random(20240214)
    stored = {"NE' RANTE": "NE' RANTE", "Ma’ruf  Amin": "MA’RUF AMIN", "YOHANES  PALIMBONG": "YOHANES PALIMBONG",
              "ÀGÜSTINA": "ÀGÜSTINA", "LAI'  TANGKE": "LAI' TANGKE", "0123": "0123", "=SUM(A1)": "=SUM(A1)"}
    refused = {"0123": "NAMA-DIGITS", "=SUM(A1)": "NAMA-FORMULA"}
    names = list(stored)
    rows = []
    for i in range(120):
        born = date(1930, 1, 1) + timedelta(days=rng.randrange(30000))
        sex = rng.choice("LP")
        rows.append(voter(no=i + 1, born=born, sex=sex, serial=rng.randrange(1, 9999),
                          NAMA=rng.choice(names), RT=f"{rng.randrange(0, 30):03d}", RW=f"{rng.randrange(1, 9):03d}",
                          NKK="732615" + f"{rng.randrange(10**10):010d}", DISABILITAS=rng.choice(["", "1", "2,6"]),
                          KETERANGAN=rng.choice(["", "0001", "1e5", "TRUE"])))
    grid = [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in rows]
    result = read_files([write_xlsx(tmp_path / "rt.xlsx", {"DPT": grid})])
    want = [(f"rt.xlsx:DPT:{i + 2}", "NAMA", refused[r["NAMA"]]) for i, r in enumerate(rows) if r["NAMA"] in refused]
    assert want and result.problems.select("source_ref", "column", "code").rows() == want
    back = result.records.to_dicts()
    for want, got in zip(rows, back):
        assert got["nik"] == want["NIK"] and len(got["nik"]) == 16 and got["nkk"] == want["NKK"]
        assert got["nama"] == stored[want["NAMA"]]
        assert (got["rt"], got["rw"]) == (want["RT"], want["RW"])
        assert got["keterangan"] == (want["KETERANGAN"] or None)
        day, month, year = want["TANGGAL LAHIR"].split("-")
        assert got["tanggal_lahir"] == f"{year}-{month}-{day}"
        assert got["nik"] == make_nik("732615", date(int(year), int(month), int(day)), want["JENIS KELAMIN"],
                                      int(want["NIK"][12:]))
