"""The coklit workbook on paper and on screen (issue 14): A4 landscape, one page wide, the header
row repeated on every printed page, and the cells the committee fills in (not only their
headers) in light yellow, as the instruction on the sheet says. Written by the product's writer
(both paths: the streamed rows and xlsxwriter's API) and read back with openpyxl."""
from __future__ import annotations

import openpyxl
import pytest

from pemilih.io import coklit_workbook as book

YELLOW, GREY = "FFFFF2CC", "FFD9D9D9"  # as openpyxl reads xlsxwriter's #FFF2CC and #D9D9D9
BASE = book.BaseVersion(cut="a" * 32, kode_desa="73.26.01.2001", desa="LEMBANG SATU", kecamatan="RANTEPAO",
                        regime="PEMILU2024", base_seq=7, agreement="7/PKS/UJI", shared_on="01-06-2026",
                        file="COKLIT_7326012001_LEMBANG_SATU.xlsx")
LOCKED = [["1", "7326010101200001", "7326010204850004", "MARKUS TANDI", "RANTEPAO", "02-04-1985", "L", "S",
           "DUSUN A", "001", "001", "", "S"],
          ["2", "7326010101200001", "7326014507890001", "NE' RANTE", "RANTEPAO", "05-07-1989", "P", "S",
           "DUSUN A", "001", "001", "", "S"],
          ["3", "7326010101200002", "7326011203800002", "YOHANIS PATIKU", "RANTEPAO", "12-03-1980", "L", "S",
           "DUSUN A", "001", "002", "", "S"]]
STATUS_ONLY = ["", "TMS-1", *[""] * 14]  # O-AD: STATUS on the second row, as a committee typed it


@pytest.fixture(params=[True, False], ids=["streamed", "plain"])
def written(request, tmp_path):
    rows = [("dpt.csv::2", LOCKED[0], None), ("dpt.csv::3", LOCKED[1], STATUS_ONLY), ("dpt.csv::4", LOCKED[2], None)]
    job = book.WorkbookJob(str(tmp_path / "coklit.xlsx"), BASE, [book.TpsSheet("TPS 001", rows)])
    book.write_workbook(job, fast=request.param)
    return openpyxl.load_workbook(job.path)


def test_tps_sheet_prints_a4_landscape_one_page_wide_with_the_header_repeated(written):
    sheet = written["TPS 001"]
    setup = sheet.page_setup
    # fitToWidth absent is 1 (the ECMA-376 default), fitToHeight 0: as many pages tall as it takes.
    assert (setup.orientation, setup.paperSize, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$4:$4"  # the header row (KUNCI ... PETUGAS)
    assert [c.value for c in sheet[4]][:2] == ["KUNCI", "NO"] and sheet["AD4"].value == "PETUGAS"
    assert sheet.print_area == "'TPS 001'!$A$1:$AD$7"  # the title, the header and three voters: 30 columns
    assert "Halaman &P dari &N" in sheet.oddFooter.right.text


def test_cells_to_fill_in_are_yellow_and_the_instruction_says_so(written):
    sheet = written["TPS 001"]
    fill_in = ["O", "P", "Q", "R", "AA", "AB", "AC", "AD"]  # SESUAI, STATUS, TPS BARU, NAMA BARU, ... PETUGAS
    for row in (5, 6, 7):
        assert {c: sheet[f"{c}{row}"].fill.fgColor.rgb for c in fill_in} == dict.fromkeys(fill_in, YELLOW), row
        assert {sheet[f"{c}{row}"].protection.locked for c in fill_in} == {False}
        assert {c: sheet[f"{c}{row}"].fill.fgColor.rgb for c in ("A", "B", "E", "N")} == dict.fromkeys("ABEN", GREY)
    assert sheet["P6"].value == "TMS-1" and sheet["P6"].fill.fgColor.rgb == YELLOW
    # Above the header and below the last voter nothing is yellow: no row may be added there.
    assert sheet["O8"].fill.fill_type is None and sheet["O2"].fill.fill_type is None
    assert "Isi sel kuning (SESUAI sampai PETUGAS)" in sheet["A2"].value
    assert "Sel abu-abu terkunci" in sheet["A2"].value


def test_new_voters_sheet_prints_alike_and_its_rows_are_yellow(written):
    sheet = written["PEMILIH BARU"]
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$4:$4"
    assert sheet["A5"].fill.fgColor.rgb == YELLOW and sheet["P1004"].fill.fgColor.rgb == YELLOW  # 1000 rows
    assert sheet["A1005"].fill.fill_type is None
    assert "sel kuning" in sheet["A2"].value
