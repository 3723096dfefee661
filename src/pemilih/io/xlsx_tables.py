"""Fast XLSX tables: whole text tables written as sheets, for lists of 200,000 rows.

xlsxwriter's per-cell API would take ~20 s for a regency's list; rows rendered as XML
column-wise in Polars (and streamed through pemilih.generate.xlsx_stream) take a fraction of
that. Every value is written as text (identifiers never become numbers); empty cells are left
out. Used for findings.xlsx, the hand-back package's lists and other big exports.
"""
from __future__ import annotations

import os
import zipfile
from contextlib import contextmanager
from functools import partial

import polars as pl

CHUNK = 10_000  # rows rendered at a time


@contextmanager
def workbook(path: str):
    """An xlsxwriter Workbook in constant_memory mode, closed (zipped fast) on leaving."""
    import xlsxwriter
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
               "strings_to_urls": False}
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        options["tmpdir"] = "/dev/shm"  # its temporary row files, in memory rather than on disk
    book = xlsxwriter.Workbook(path, options)
    try:
        yield book
    finally:
        with _fast_zip():
            book.close()


@contextmanager
def _fast_zip():
    """Compress the workbook at zlib level 1 instead of 6: a third of the time for a file a
    little larger. xlsxwriter opens its zip file by the name `ZipFile` in its workbook
    module and has no option for the level; without that name this changes nothing."""
    import xlsxwriter.workbook as wb
    original = getattr(wb, "ZipFile", None)
    if original is not zipfile.ZipFile:
        yield
        return
    wb.ZipFile = partial(zipfile.ZipFile, compresslevel=1)
    try:
        yield
    finally:
        wb.ZipFile = original


def text_sheet(book, name: str, table: pl.DataFrame, *, width: int = 18,
               title: list[str] | None = None) -> None:
    """One sheet: optional title lines, a bold header row, then every row of `table` as text
    (nulls as empty cells), with frozen header and autofilter."""
    from pemilih.generate.xlsx_stream import FormSheet
    table = table.cast(pl.String).fill_null("")
    header = table.columns
    fast = FormSheet.supported()
    sheet = book.add_worksheet(name, worksheet_class=FormSheet if fast else None)
    sheet.set_column(0, len(header) - 1, width)
    top = 0
    for line in title or []:
        sheet.write_string(top, 0, line, book.add_format({"bold": True}))
        top += 1
    if title:
        top += 1  # a blank line between the title and the table
    sheet.write_row(top, 0, header, book.add_format({"bold": True}))
    if fast and table.height:
        # In slices, so that only a slice's XML is in memory at a time.
        for start in range(0, table.height, CHUNK):
            part = table.slice(start, CHUNK)
            sheet.stream_rows(top + 1 + start, _rendered(part, first_row=top + start + 2), len(header) - 1)
    elif table.height:
        for n, row in enumerate(table.iter_rows(), start=top + 1):
            sheet.write_row(n, 0, list(row))
    sheet.freeze_panes(top + 1, 0)
    sheet.autofilter(top, 0, top + max(table.height, 1), len(header) - 1)


_AWKWARD = r"[\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
_XML = (["&", "<", ">"], ["&amp;", "&lt;", "&gt;"])


def _rendered(table: pl.DataFrame, first_row: int = 2) -> list[str]:
    """The cells of each row as worksheet XML (inline strings; empty cells left out). A row
    with a value holding control characters or edge spaces (rare) is rendered by
    xlsx_stream's careful path instead."""
    from pemilih.generate.xlsx_stream import column_letter, inline_string
    row = pl.int_range(first_row, pl.len() + first_row).cast(pl.String)
    cells, awkward = [], []
    for j, col in enumerate(table.columns):
        value = pl.col(col)
        cell = (pl.lit(f'<c r="{column_letter(j)}') + row + pl.lit('" t="inlineStr"><is><t>')
                + value.str.replace_many(*_XML) + pl.lit("</t></is></c>"))
        cells.append(pl.when(value == "").then(pl.lit("")).otherwise(cell))
        awkward.append(value.str.contains(_AWKWARD))
    xml = table.select(pl.concat_str(cells).alias("xml"), pl.any_horizontal(awkward).alias("odd"))
    out = xml["xml"].to_list()
    for i in xml.with_row_index("i").filter("odd")["i"]:
        out[i] = "".join(inline_string(f"{column_letter(j)}{i + first_row}", v)
                         for j, v in enumerate(table.row(i)) if v != "")
    return out
