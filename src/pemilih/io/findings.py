"""Writing findings: `findings.csv` and `findings.xlsx` (formats.md section 4).

The ten contract columns come first, in the contract's order; `finding_key` and `evidence`
follow (extra columns are allowed by the contract checker). Everything is text, so a NIK is
never turned into a number by a spreadsheet program. The workbook has the same table on the
sheet `temuan` and, on the sheet `bukti`, the evidence of each probabilistic link spread out
one field per row (field, level, weight) for a reviewer who does not read JSON.
"""
from __future__ import annotations

import json
import os
import zipfile
from contextlib import contextmanager
from functools import partial

import polars as pl

SHEET = "temuan"
EVIDENCE_SHEET = "bukti"
CHUNK = 10_000  # rows rendered at a time
EVIDENCE_COLUMNS = ["finding_key", "source_ref", "code", "field_linked", "level", "weight", "score"]


def write_csv(findings: pl.DataFrame, path: str) -> None:
    """UTF-8 with BOM (Excel opens it with the right characters), `,`, quoted where needed."""
    empty_as_null = findings.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
                                          for c in findings.columns)
    empty_as_null.write_csv(path, include_bom=True, line_terminator="\n", quote_style="necessary",
                            null_value="")


def evidence_rows(findings: pl.DataFrame) -> list[list]:
    """One row per field of each probabilistic link's evidence."""
    out = []
    rows = findings.filter(pl.col("evidence").str.contains('"fields"'))
    for key, ref, code, doc in rows.select("finding_key", "source_ref", "code", "evidence").iter_rows():
        data = json.loads(doc)
        for f in data.get("fields", []):
            out.append([key, ref, code, f["field"], f["level"], f["weight"], data.get("score")])
    return out


def write_xlsx(findings: pl.DataFrame, path: str) -> None:
    """Both sheets, streamed: xlsxwriter's per-cell API would take ~20 s for a regency's
    findings; rows rendered as XML column-wise (and streamed through
    pemilih.generate.xlsx_stream) take a fraction of that."""
    import xlsxwriter
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
               "strings_to_urls": False}
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        options["tmpdir"] = "/dev/shm"  # its temporary row files, in memory rather than on disk
    book = xlsxwriter.Workbook(path, options)
    try:
        _sheet(book, SHEET, findings.fill_null(""))
        _sheet(book, EVIDENCE_SHEET, pl.DataFrame(evidence_rows(findings), schema=EVIDENCE_COLUMNS,
                                                  orient="row").cast(pl.String).fill_null(""))
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


def _sheet(book, name: str, table: pl.DataFrame) -> None:
    from pemilih.generate.xlsx_stream import FormSheet
    header = table.columns
    fast = FormSheet.supported()
    sheet = book.add_worksheet(name, worksheet_class=FormSheet if fast else None)
    sheet.set_column(0, len(header) - 1, 18)
    sheet.write_row(0, 0, header, book.add_format({"bold": True}))
    if fast and table.height:
        # In slices, so that only a slice's XML is in memory at a time.
        for start in range(0, table.height, CHUNK):
            part = table.slice(start, CHUNK)
            sheet.stream_rows(1 + start, _rendered(part, first_row=start + 2), len(header) - 1)
    elif table.height:
        for n, row in enumerate(table.iter_rows(), start=1):
            sheet.write_row(n, 0, list(row))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(table.height, 1), len(header) - 1)


_AWKWARD = r"[\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_|^\s|\s$"
_XML = (["&", "<", ">"], ["&amp;", "&lt;", "&gt;"])


def _rendered(table: pl.DataFrame, first_row: int = 2) -> list[str]:
    """The cells of each row as worksheet XML (inline strings; empty cells left out). A row
    with a value holding control characters or edge spaces (rare) is rendered by
    xlsx_stream's careful path instead."""
    from pemilih.generate.xlsx_stream import inline_string
    row = pl.int_range(first_row, pl.len() + first_row).cast(pl.String)
    cells, awkward = [], []
    for j, col in enumerate(table.columns):
        value = pl.col(col)
        cell = (pl.lit(f'<c r="{_column_letter(j)}') + row + pl.lit('" t="inlineStr"><is><t>')
                + value.str.replace_many(*_XML) + pl.lit("</t></is></c>"))
        cells.append(pl.when(value == "").then(pl.lit("")).otherwise(cell))
        awkward.append(value.str.contains(_AWKWARD))
    xml = table.select(pl.concat_str(cells).alias("xml"), pl.any_horizontal(awkward).alias("odd"))
    out = xml["xml"].to_list()
    for i in xml.with_row_index("i").filter("odd")["i"]:
        out[i] = "".join(inline_string(f"{_column_letter(j)}{i + first_row}", v)
                         for j, v in enumerate(table.row(i)) if v != "")
    return out


def _column_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def write_all(findings: pl.DataFrame, out_dir: str) -> dict[str, str]:
    """findings.csv and findings.xlsx in out_dir (created if missing); returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {"csv": os.path.join(out_dir, "findings.csv"), "xlsx": os.path.join(out_dir, "findings.xlsx")}
    write_csv(findings, paths["csv"])
    write_xlsx(findings, paths["xlsx"])
    return paths
