"""Writing findings: `findings.csv` and `findings.xlsx` (formats.md section 4).

The ten contract columns come first, in the contract's order; `finding_key` and `evidence`
follow (extra columns are allowed by the contract checker). Everything is text, so a NIK is
never turned into a number by a spreadsheet program, and a value a spreadsheet would run as a
formula (`=HYPERLINK(…)` from a list) is marked as text in the CSV and is a string cell in the
workbook (domain/formula.py); read_findings() gives it back as it was. The workbook has the
same table on the sheet `temuan` and, on the sheet `bukti`, the evidence of each probabilistic
link spread out one field per row (field, level, weight) for a reviewer who does not read JSON.
The workbook is for people: its headers are in Bahasa Indonesia (FINDINGS_XLSX_HEADERS), the
CSV keeps the contract's names; read_findings() reads either.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from pemilih.contract import (
    EVIDENCE_COLUMNS,
    EVIDENCE_SHEET,
    FINDINGS_FILE_CSV,
    FINDINGS_FILE_XLSX,
    FINDINGS_SHEET,
    FINDINGS_XLSX_HEADERS,
)
from pemilih.domain.formula import csv_read_back, csv_safe
from pemilih.io import xlsx_tables


def write_csv(findings: pl.DataFrame, path: str) -> None:
    """UTF-8 with BOM (Excel opens it with the right characters), `,`, quoted where needed;
    a text that a spreadsheet would run marked as text (domain/formula.py)."""
    empty_as_null = csv_safe(findings).with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)
                                          for c in findings.columns)
    empty_as_null.write_csv(path, include_bom=True, line_terminator="\n", quote_style="necessary",
                            null_value="")


# What the evidence sheet reads of a probabilistic link's evidence (engine/link_prob.evidence).
_EVIDENCE = pl.Struct({"score": pl.Float64, "fields": pl.List(pl.Struct(
    {"field": pl.String, "level": pl.String, "weight": pl.Float64}))})


def evidence_table(findings: pl.DataFrame) -> pl.DataFrame:
    """EVIDENCE_COLUMNS: one row per field of each probabilistic link's evidence, in the
    findings' order (the JSON decoded column-wise: a province's 0.6 million rows in a tenth of
    the time one by one took)."""
    rows = findings.filter(pl.col("evidence").str.contains('"fields"')).select(
        "finding_key", "source_ref", "code", pl.col("evidence").str.json_decode(_EVIDENCE).alias("e"))
    fields = rows.select("finding_key", "source_ref", "code", pl.col("e").struct.field("fields").alias("f"),
                         pl.col("e").struct.field("score").alias("score")).explode("f").filter(pl.col("f").is_not_null())
    return fields.select("finding_key", "source_ref", "code", pl.col("f").struct.field("field").alias("field_linked"),
                         pl.col("f").struct.field("level").alias("level"),
                         pl.col("f").struct.field("weight").alias("weight"), "score").select(EVIDENCE_COLUMNS)


def write_xlsx(findings: pl.DataFrame, path: str) -> None:
    """Both sheets, streamed (io/xlsx_tables.py), under their Indonesian headers."""
    evidence = evidence_table(findings)
    with xlsx_tables.workbook(path) as book:
        xlsx_tables.text_sheet(book, FINDINGS_SHEET, _printed(findings))
        xlsx_tables.text_sheet(book, EVIDENCE_SHEET, _printed(evidence))


def _printed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename({c: FINDINGS_XLSX_HEADERS[c] for c in frame.columns if c in FINDINGS_XLSX_HEADERS})


def write_all(findings: pl.DataFrame, out_dir: str, meanwhile=None) -> dict[str, str]:
    """findings.csv and findings.xlsx in out_dir (created if missing); returns their paths.
    `meanwhile(csv path)`, when given, runs here once the CSV is written, while the workbook is
    written on another thread: its rendering and compression let go of Python's lock, so work
    that holds it (the verification minutes' layout) takes little more than the longer of the
    two. An error of either is raised; the workbook is never left half-written."""
    os.makedirs(out_dir, exist_ok=True)
    paths = {"csv": os.path.join(out_dir, FINDINGS_FILE_CSV), "xlsx": os.path.join(out_dir, FINDINGS_FILE_XLSX)}
    write_csv(findings, paths["csv"])
    if meanwhile is None:
        write_xlsx(findings, paths["xlsx"])
        return paths
    with ThreadPoolExecutor(1, thread_name_prefix="tulis-xlsx") as pool:
        workbook = pool.submit(write_xlsx, findings, paths["xlsx"])
        try:
            meanwhile(paths["csv"])
        finally:
            workbook.result()
    return paths


class FindingsUnreadable(ValueError):
    """A findings file that cannot be read as one; the message says why (Bahasa Indonesia)."""


def read_findings(path: str) -> pl.DataFrame:
    """findings.csv or the `temuan` sheet of findings.xlsx, every column as text, blanks null:
    the same table whichever of the two was written (the CSV's text marks taken off)."""
    try:
        if str(path).lower().endswith(".xlsx"):
            frame = _sheet_frame(path, FINDINGS_SHEET)
            frame = frame.rename({h: c for c, h in FINDINGS_XLSX_HEADERS.items() if h in frame.columns
                                  and c not in frame.columns})  # the Indonesian headers; older books: English
        else:
            frame = csv_read_back(pl.read_csv(path, infer_schema=False, encoding="utf8-lossy"))
    except Exception as exc:  # unreadable or not a table: a reason, not a traceback
        raise FindingsUnreadable(f"Berkas temuan {path} tidak dapat dibaca: {exc}") from None
    return frame.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in frame.columns)


def _sheet_frame(path: str, sheet: str) -> pl.DataFrame:
    """A sheet as a table of text under its first row, with the sheets it goes on over
    (xlsx_tables.continued: more rows than a sheet holds). Read with python-calamine, as the
    other readers: Polars' own read_excel needs a package the product does not install."""
    from python_calamine import CalamineWorkbook
    grid = xlsx_tables.table_grid(CalamineWorkbook.from_path(str(path)), sheet)
    header = [str(h) for h in grid[0]] if grid else []
    rows = [["" if v is None else str(v) for v in row] for row in grid[1:]]
    return pl.DataFrame(rows, schema={h: pl.String for h in header}, orient="row")
