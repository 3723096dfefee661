"""What a spreadsheet runs when it opens a cell, and how a text is written so that it does not
(CSV or formula injection; the OWASP guidance).

A spreadsheet program opening a file takes a cell whose text begins with `=`, `+`, `-` or `@`
for a formula and runs it (`=HYPERLINK("http://…")`, `@SUM(1)`, `-2+3`); a tab or carriage
return in front is dropped first, so they count too. A voter list, a registry extract or a
committee's workbook may carry such a text, and every file the product writes carries it on.

* **XLSX**: every text is written as a string cell (xlsxwriter's `write_string`, or an inline
  string in the writers that render the XML themselves), never a formula cell: a string cell is
  shown, not run, and keeps the text exactly. Only the product's own totals are formulas.
* **CSV** has no cell types, so a text is marked as text the way spreadsheets know: a single
  quote `'` in front (`'=HYPERLINK(…)`), which Excel and LibreOffice take as text and never
  run. An Excel set to the Indonesian list separator (`;`) cuts a comma-separated line at
  every `;` and line break, quotes or not, so the same holds after those inside a value
  (`A;'=1`). A text that itself begins (or goes on after a cut) with a quote gets one more, so
  reading back is exact: one quote taken off the start and after each cut (`csv_value`, what
  the product's own readers do). Numbers stored as numbers (a score) are not text: as they are.

The rule is here once; io's writers and readers call it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars only where frames are written: the coklit reader's workers do without
    import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a text beginning so is run as a formula
TEXT_MARK = "'"  # what marks a CSV value as text for a spreadsheet
# Where a spreadsheet may start a new cell inside a value: at `;` (Excel in the Indonesian
# locale cuts a comma-separated line there, quotes or not) and at a line break.
CELL_CUTS = (";", "\n", "\r")
_MARKED = frozenset((*FORMULA_START, TEXT_MARK))
_ESCAPED = {"\t": r"\t", "\r": r"\r", "\n": r"\n", "-": r"\-"}


def _class(chars) -> str:
    """A regular-expression class of `chars`, read alike by Python's re and by Polars."""
    return "[" + "".join(_ESCAPED.get(c, c) for c in chars) + "]"


# A value with a cell start (its start, or after a cut) that needs the mark, or that has one.
_NEEDS_MARK = f"(^|{_class(CELL_CUTS)}){_class(sorted(_MARKED))}"
_HAS_MARK = f"(^|{_class(CELL_CUTS)}){TEXT_MARK}"


def runs_as_formula(text: str | None) -> bool:
    """True when a spreadsheet would take `text`, opened as a cell, for a formula."""
    return bool(text) and text.startswith(FORMULA_START)


def csv_text(text: str | None) -> str | None:
    """`text` as a CSV value a spreadsheet shows as written and never runs: the mark in front
    of every cell start (the value's start, after a cut) that begins a formula or with the mark."""
    if not text:
        return text
    out, start = [], True
    for ch in text:
        if start and ch in _MARKED:
            out.append(TEXT_MARK)
        out.append(ch)
        start = ch in CELL_CUTS
    return "".join(out)


def csv_value(written: str | None) -> str | None:
    """The text that csv_text() wrote as `written`: one mark taken off each cell start."""
    if not written:
        return written
    out, start, i = [], True, 0
    while i < len(written):
        if start and written[i] == TEXT_MARK and i + 1 < len(written):
            i += 1
        out.append(written[i])
        start = written[i] in CELL_CUTS
        i += 1
    return "".join(out)


def _each_flagged(frame: pl.DataFrame, pattern: str, fix) -> pl.DataFrame:
    """`fix` applied to the text values matching `pattern` (few: found by Polars, fixed in Python)."""
    import polars as pl
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    flags = frame.select(pl.col(c).str.contains(pattern).fill_null(False) for c in texts)  # in parallel
    changed = []
    for name in texts:
        rows = flags.get_column(name).arg_true()
        if rows.len():
            column = frame.get_column(name)
            fixed = pl.Series(name, [fix(v) for v in column.gather(rows).to_list()], dtype=pl.String)
            changed.append(column.clone().scatter(rows, fixed))
    return frame.with_columns(changed) if changed else frame


def csv_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of `frame` through csv_text(); other columns (numbers) as they are."""
    return _each_flagged(frame, _NEEDS_MARK, csv_text)


def csv_read_back(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a frame read from a CSV that csv_safe() wrote, as it was before."""
    return _each_flagged(frame, _HAS_MARK, csv_value)
