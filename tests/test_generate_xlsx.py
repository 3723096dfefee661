"""The workbook writer: the fast row-streaming path (FormSheet) must give the same cells as
xlsxwriter's public API, including awkward values."""
from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pemilih.generate.writers_xlsx import write_workbook
from pemilih.io.xlsx_stream import FormSheet


def _row(tps, no, nik, nama, tgl, tgl_cell, dis="", ket=""):
    return (tps, no, "7326061203180001", nik, nama, "SA'DAN", tgl, tgl_cell, "S", "L",
            "DUSUN TIRO", "001", "002", dis, "S", ket)


ROWS = [
    _row(1, 1, "7326061203800001", "YOHANIS PALIMBONG", "12-03-1980", date(1980, 3, 12)),
    _row(1, 2, 7326061203800000.0, "NE' RANTE", "12-03-1980", date(1980, 3, 12), dis="1,6"),
    _row(1, 3, "", "  MARIA & <TANDI>", "31-02-1980", None, ket="catatan _x0041_"),
    _row(2, 1, "73260612O3800001", "Muh. Arsyad ", "01-01-1950", date(1950, 1, 1)),
]


def _write(tmp_path, fast: bool, date_cells: bool) -> dict:
    path = tmp_path / f"book_{fast}_{date_cells}.xlsx"
    job = {"path": str(path), "kecamatan": "SA'DAN", "desa": "SA'DAN BALLO PASANGE'", "place": "Sa'dan",
           "rows": ROWS, "date_cells": date_cells, "signer": "PETRUS RANTE"}
    assert write_workbook(job, fast=fast) == len(ROWS)
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@pytest.mark.parametrize("date_cells", [False, True])
def test_fast_path_equals_public_api(tmp_path, date_cells):
    assert FormSheet.supported()
    fast, plain = _write(tmp_path, True, date_cells), _write(tmp_path, False, date_cells)
    assert list(fast) == ["TPS 001", "TPS 002"]
    assert fast == plain


def test_awkward_values_survive(tmp_path):
    sheet = _write(tmp_path, True, True)["TPS 001"]
    assert sheet[9][2] == "7326061203800001" and isinstance(sheet[10][2], float)
    assert sheet[11][3] == "  MARIA & <TANDI>" and sheet[11][13] == "catatan _x0041_"
    assert sheet[9][5] == date(1980, 3, 12) and sheet[11][5] == "31-02-1980"
    assert sheet[10][11] == "1,6" and sheet[11][2] == ""
    assert sheet[13][0] == "JUMLAH : L = 3, P = 0, TOTAL = 3"


def test_header_merges_recorded(tmp_path):
    _write(tmp_path, True, False)
    ws = openpyxl.load_workbook(tmp_path / "book_True_False.xlsx").worksheets[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert merged == {"E8:F8"} | {f"{c}8:{c}9" for c in "ABCDGHIJKLMN"}
    assert ws["E9"].value == "TEMPAT LAHIR" and ws["F9"].value == "TANGGAL LAHIR"
