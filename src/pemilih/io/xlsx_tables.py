"""Fast XLSX tables: whole text tables written as sheets, for lists of 200,000 rows.

A workbook here is only text tables (a bold header, frozen under it, an autofilter, optional
title lines above), so it is written directly as the few XML parts of an XLSX package rather
than through a general library: the rows are rendered as XML column-wise in Polars, a slice at
a time, and each slice is compressed on another thread (zlib lets go of Python's lock) while
the next is rendered. A regency's findings (68,000 rows) take about half the time xlsxwriter's
streaming mode took. Every value is written as text (identifiers never become numbers); empty
cells are left out. The file appears under its name only when complete.

Used for findings.xlsx, the hand-back package's lists and the election lists.
"""
from __future__ import annotations

import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from pemilih.domain import limits
from pemilih.io.xlsx_text import column_letter, inline_string

CHUNK = 10_000  # rows rendered at a time
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_AWKWARD = r"[\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
_XML = (["&", "<", ">"], ["&amp;", "&lt;", "&gt;"])
_BOLD = 1  # the cell style index of the bold font (styles.xml below)


def _row_xml(row: int, values: list[str], style: int = 0) -> str:
    cells = "".join(inline_string(f"{column_letter(j)}{row}", v, style) for j, v in enumerate(values) if v != "")
    return f'<row r="{row}">{cells}</row>'


def rendered(table: pl.DataFrame, first_row: int) -> str:
    """The rows of `table` (all text, no nulls) as worksheet XML, the first numbered first_row.
    Cells are rendered column-wise with XML's own escapes; a row holding a value that needs
    more (control characters, a literal `_xHHHH_`, spaces at either end: rare) is rendered
    again by xlsx_text.inline_string."""
    row = pl.int_range(first_row, pl.len() + first_row).cast(pl.String)
    cells, awkward = [], []
    for j, col in enumerate(table.columns):
        value = pl.col(col)
        cell = pl.concat_str([pl.lit(f'<c r="{column_letter(j)}'), row, pl.lit('" t="inlineStr"><is><t>'),
                              value.str.replace_many(*_XML), pl.lit("</t></is></c>")])
        cells.append(pl.when(value == "").then(pl.lit("")).otherwise(cell))
        awkward.append(value.str.contains(_AWKWARD))
    xml = pl.concat_str([pl.lit('<row r="'), row, pl.lit('">'), *cells, pl.lit("</row>")])
    out = table.select(xml.alias("xml"), pl.any_horizontal(awkward).alias("odd"))
    if not out["odd"].any():
        return out.select(pl.col("xml").str.join("")).item()
    rows = out["xml"].to_list()
    for i in out.with_row_index("i").filter("odd")["i"]:
        rows[i] = _row_xml(first_row + i, list(table.row(i)))
    return "".join(rows)


class TableBook:
    """An XLSX workbook being written: add sheets with text_sheet(), then close()."""

    def __init__(self, path: str):
        self.path = path
        self._part = f"{path}.sebagian"
        self._zip = zipfile.ZipFile(self._part, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._sheets: list[tuple[str, str]] = []  # (name, autofilter range)
        self._compress = ThreadPoolExecutor(1, thread_name_prefix="xlsx-zlib")

    def add_sheet(self, name: str, table: pl.DataFrame, width: int, title: list[str]) -> None:
        """The table on the sheet `name`, and on as many continued() sheets after it as its
        rows need, each with the title and the header."""
        top = len(title) + 1 if title else 0  # a blank line between the title and the table
        room = limits.SHEET_ROWS - top - 1
        for part in range(max(1, -(-table.height // room))):
            self._add_sheet(continued(name, part), table.slice(part * room, room), width, title, top)

    def _add_sheet(self, name: str, table: pl.DataFrame, width: int, title: list[str], top: int) -> None:
        _check_sheet_name(name, [n for n, _ in self._sheets])
        table = table.cast(pl.String).fill_null("")
        header, ncols = table.columns, max(len(table.columns), 1)
        last_col = column_letter(ncols - 1)
        last_row = top + 1 + max(table.height, 1)
        selected = "" if self._sheets else ' tabSelected="1"'
        view = (f'<sheetView workbookViewId="0"{selected}>'
                f'<pane ySplit="{top + 1}" topLeftCell="A{top + 2}" activePane="bottomLeft" state="frozen"/>'
                f'<selection pane="bottomLeft" activeCell="A{top + 2}" sqref="A{top + 2}"/></sheetView>')
        start = (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                 f'<dimension ref="A1:{last_col}{top + 1 + table.height}"/><sheetViews>{view}</sheetViews>'
                 f'<sheetFormatPr defaultRowHeight="15"/>'
                 f'<cols><col min="1" max="{ncols}" width="{width + 0.7109375}" customWidth="1"/></cols><sheetData>')
        start += "".join(_row_xml(i + 1, [line], _BOLD) for i, line in enumerate(title))
        start += _row_xml(top + 1, header, _BOLD)
        filtered = f"A{top + 1}:{last_col}{last_row}"
        with self._zip.open(f"xl/worksheets/sheet{len(self._sheets) + 1}.xml", "w") as part:
            pending = self._compress.submit(part.write, start.encode())
            try:
                for offset in range(0, table.height, CHUNK):
                    xml = rendered(table.slice(offset, CHUNK), top + 2 + offset).encode()
                    pending.result()  # at most one slice waits: memory stays one slice's XML
                    pending = self._compress.submit(part.write, xml)
            finally:
                pending.result()  # never close the part under a write still running
            part.write(f'</sheetData><autoFilter ref="{filtered}"/><pageMargins left="0.7" right="0.7" '
                       f'top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'.encode())
        self._sheets.append((name, filtered))

    def close(self) -> None:
        """Write the package's other parts and move the file to its name."""
        try:
            for name, text in self._parts().items():
                self._zip.writestr(name, text)
            self._zip.close()
            os.replace(self._part, self.path)
        finally:
            self._compress.shutdown()

    def abandon(self) -> None:
        self._compress.shutdown()
        self._zip.close()
        if os.path.exists(self._part):
            os.remove(self._part)

    def _parts(self) -> dict[str, str]:
        n = len(self._sheets)
        sheets = "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, (name, _) in enumerate(self._sheets, start=1))
        filters = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
            f"{escape(_absolute(name, ref))}</definedName>" for i, (name, ref) in enumerate(self._sheets))
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in range(1, n + 1))
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, n + 1))
        return {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{sheet_types}</Types>"),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
            "xl/workbook.xml": (
                f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                f"<sheets>{sheets}</sheets><definedNames>{filters}</definedNames></workbook>"),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}<Relationship Id="rId{n + 1}" '
                f'Type="{_REL}/styles" Target="styles.xml"/></Relationships>'),
            "xl/styles.xml": _STYLES,
        }


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>")


def continued(name: str, part: int) -> str:
    """The name of a table's sheet `part` (0: its own name; then `name (2)`, `name (3)`, ...).
    A table longer than an Excel sheet (limits.SHEET_ROWS) goes on over such sheets: a
    province's findings are more than a million rows, and a workbook with a longer sheet is
    refused by Excel or cut short without a word."""
    return name if part == 0 else f"{name} ({part + 1})"


def table_grid(book, name: str) -> list[list]:
    """A table without title lines read back from a python-calamine workbook: its header row,
    then the rows of its sheet and of every sheet it goes on over (continued), in order."""
    grid, part = [], 0
    while part == 0 or continued(name, part) in book.sheet_names:
        rows = book.get_sheet_by_name(continued(name, part)).to_python(skip_empty_area=False)
        grid += rows if part == 0 else rows[1:]  # each continued sheet repeats the header
        part += 1
    return grid


def _check_sheet_name(name: str, taken: list[str]) -> None:
    if not name or len(name) > 31 or _BAD_SHEET_NAME.search(name) or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"nama lembar tidak sah untuk Excel: {name!r}")
    if name.lower() in (t.lower() for t in taken):
        raise ValueError(f"nama lembar dipakai dua kali: {name!r}")


def _absolute(sheet: str, ref: str) -> str:
    """'Sheet'!$A$1:$L$9 for a defined name."""
    first, last = ref.split(":")
    absolute = ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in (first, last))
    return "'" + sheet.replace("'", "''") + "'!" + absolute


@contextmanager
def workbook(path: str):
    """A TableBook, complete under `path` on leaving; nothing left behind on an error."""
    book = TableBook(path)
    try:
        yield book
    except BaseException:
        book.abandon()
        raise
    book.close()


def text_sheet(book: TableBook, name: str, table: pl.DataFrame, *, width: int = 18,
               title: list[str] | None = None) -> None:
    """One sheet: optional title lines, a bold header row, then every row of `table` as text
    (nulls as empty cells), with frozen header and autofilter."""
    book.add_sheet(name, table, width, title or [])
