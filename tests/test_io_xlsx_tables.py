"""The text-table XLSX writer (io/xlsx_tables.py): what goes in comes back out, in Excel's
reading (openpyxl) and in the reader the project uses (calamine), across slices."""
from __future__ import annotations

import zipfile

import openpyxl
import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from pemilih.io import xlsx_tables

AWKWARD = ["  spasi di tepi ", "kontrol\x01di\x1ftengah", "harfiah _x0041_ tetap", "A & B <tag> \"kutip\" 'x'",
           "baris\nbaru", "NAMA'S", "Ñ ö 漢字", "tab\tdi tengah", "\r awal"]


def _table(rows: int) -> pl.DataFrame:
    nik = [f"73260{i:011d}" for i in range(rows)]
    text = [AWKWARD[i % len(AWKWARD)] if i % 997 == 0 else f"nama {i}" for i in range(rows)]
    empty = [None if i % 3 else "" if i % 2 else "ada" for i in range(rows)]
    return pl.DataFrame({"NIK": nik, "NAMA": text, "KOSONG": empty, "ANGKA": list(range(rows))})


def _calamine(path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def test_values_come_back_as_text_across_slices(tmp_path):
    table = _table(xlsx_tables.CHUNK * 2 + 17)
    path = tmp_path / "t.xlsx"
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, "DPT", table)
    rows = _calamine(path, "DPT")
    assert rows[0] == ["NIK", "NAMA", "KOSONG", "ANGKA"]
    assert len(rows) == table.height + 1
    expected = table.cast(pl.String).fill_null("").rows()
    assert [tuple(r) for r in rows[1:]] == expected  # every value as text, identical
    assert all(isinstance(v, str) for r in rows[1:] for v in r)


def test_excel_reading_of_layout_and_awkward_values(tmp_path):
    table = pl.DataFrame({"A": AWKWARD, "B": [str(i) for i in range(len(AWKWARD))]})
    path = tmp_path / "t.xlsx"
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, "satu", table, title=["JUDUL BESAR", "baris kedua"])
        xlsx_tables.text_sheet(book, "dua's", table.head(2), width=30)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["satu", "dua's"]
    ws = wb["satu"]
    assert ws["A1"].value == "JUDUL BESAR" and ws["A1"].font.b
    assert ws["A3"].value is None  # the blank line between title and table
    assert [c.value for c in ws[4]] == ["A", "B"] and ws["A4"].font.b
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == f"A4:B{4 + len(AWKWARD)}"
    assert ws["B5"].value == "0" and ws.max_row == 4 + len(AWKWARD)
    two = wb["dua's"]
    assert two.freeze_panes == "A2" and two.auto_filter.ref == "A1:B3"
    assert two.column_dimensions["A"].width == pytest.approx(30.71, abs=0.01)
    # calamine undoes Excel's _xHHHH_ escapes, so the values are exactly the input.
    rows = _calamine(path, "satu")
    assert [r[0] for r in rows[4:]] == AWKWARD


def test_empty_table_still_has_its_header(tmp_path):
    path = tmp_path / "t.xlsx"
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, "kosong", pl.DataFrame(schema={"X": pl.String, "Y": pl.Int64}))
    assert _calamine(path, "kosong") == [["X", "Y"]]
    assert openpyxl.load_workbook(path)["kosong"].auto_filter.ref == "A1:B2"


def test_a_failure_leaves_no_file(tmp_path):
    path = tmp_path / "t.xlsx"
    with pytest.raises(RuntimeError):
        with xlsx_tables.workbook(str(path)) as book:
            xlsx_tables.text_sheet(book, "a", _table(10))
            raise RuntimeError("gagal di tengah")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["a/b", "x" * 32, "", "dup"])
def test_bad_sheet_names_are_refused(tmp_path, name):
    path = tmp_path / "t.xlsx"
    with pytest.raises(ValueError):
        with xlsx_tables.workbook(str(path)) as book:
            xlsx_tables.text_sheet(book, "DUP", _table(1))
            xlsx_tables.text_sheet(book, name, _table(1))
    assert not path.exists()


def test_package_parts_are_well_formed(tmp_path):
    from xml.dom import minidom
    path = tmp_path / "t.xlsx"
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, "a", _table(50))
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= names
        for name in names:
            minidom.parseString(z.read(name))  # every part parses as XML


def test_a_table_longer_than_a_sheet_goes_on_over_named_sheets(tmp_path, monkeypatch):
    """Excel's sheet holds limits.SHEET_ROWS rows: past them the table goes on over `DPT (2)`,
    `DPT (3)`, each with its title and header, and not a row is lost or repeated."""
    from pemilih.domain import limits
    monkeypatch.setattr(limits, "SHEET_ROWS", 10)  # 1 title line + 1 blank + header: 7 rows a sheet
    table = _table(17)
    path = tmp_path / "t.xlsx"
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, "DPT", table, title=["JUDUL"])
        xlsx_tables.text_sheet(book, "Lain", table.head(2))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["DPT", "DPT (2)", "DPT (3)", "Lain"]
    got = []
    for name in book.sheetnames[:3]:
        rows = _calamine(path, name)
        assert rows[0][0] == "JUDUL" and rows[2] == ["NIK", "NAMA", "KOSONG", "ANGKA"]
        assert len(rows) <= 10
        got += [tuple(r) for r in rows[3:]]
    assert got == table.cast(pl.String).fill_null("").rows()


def test_findings_read_back_from_every_sheet_they_go_on_over(tmp_path, monkeypatch):
    from pemilih.contract import FINDINGS_COLUMNS, FINDINGS_EXTRA
    from pemilih.domain import limits
    from pemilih.io.findings import read_findings, write_xlsx
    monkeypatch.setattr(limits, "SHEET_ROWS", 6)
    columns = FINDINGS_COLUMNS + FINDINGS_EXTRA
    findings = pl.DataFrame({c: [f"{c}-{i}" for i in range(13)] for c in columns}).with_columns(
        pl.lit("").alias("evidence"))
    path = tmp_path / "findings.xlsx"
    write_xlsx(findings, str(path))
    assert openpyxl.load_workbook(path, read_only=True).sheetnames[:3] == ["temuan", "temuan (2)", "temuan (3)"]
    back = read_findings(str(path))
    assert back.select(columns[:-1]).rows() == findings.select(columns[:-1]).rows()
