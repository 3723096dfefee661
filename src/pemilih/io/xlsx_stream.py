"""A faster path for the data rows of a constant_memory xlsxwriter worksheet.

xlsxwriter's per-cell API costs ~15-25 µs a cell on this machine; 200,000 voters x 14 columns
would take close to a minute. In constant_memory mode xlsxwriter itself streams each finished
row as `<row><c .../></row>` XML to a temporary file, so FormSheet renders whole data rows in
the same XML (inline strings, numbers, dates as serial numbers with their format index) and
appends them to that stream; everything else (title, header, merges, styles, zip) stays
xlsxwriter's. It relies on these internals of xlsxwriter 3.x: Worksheet.fh,
previous_row, merge, _write_single_row, _check_dimensions; `supported()` checks for them and
the writer falls back to the plain API when they are missing.
"""
from __future__ import annotations

from datetime import date

from xlsxwriter.worksheet import Worksheet

_EXCEL_EPOCH = date(1899, 12, 30).toordinal()


def text_cell(ref: str, text: str) -> str:
    """inline_string for values that are plain by construction (digits, codes): no checks."""
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value: float, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    return f"<c r=\"{ref}\"{s}><v>{value:.16G}</v></c>"


def excel_serial(day: date) -> int:
    return day.toordinal() - _EXCEL_EPOCH


class FormSheet(Worksheet):
    """A worksheet that can take pre-rendered data rows (constant_memory mode only)."""

    @staticmethod
    def supported() -> bool:
        return all(hasattr(Worksheet, name) for name in ("_write_single_row", "_check_dimensions"))

    def merge_only(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Record a merged range whose cells were already written in row order (in
        constant_memory mode merge_range cannot go back to a flushed row)."""
        self.merge.append([first_row, first_col, last_row, last_col])

    def stream_rows(self, first_row: int, rows_xml: list[str], last_col: int) -> None:
        """Append rows first_row.. as XML; `rows_xml` items are the cells of one row each."""
        if not self.constant_memory or not rows_xml:
            raise ValueError("stream_rows needs constant_memory and at least one row")
        self._write_single_row(first_row)  # flush the pending row, as a write to first_row would
        write = self.fh.write
        for i, cells in enumerate(rows_xml):
            write(f'<row r="{first_row + i + 1}">{cells}</row>')
        last = first_row + len(rows_xml) - 1
        self._check_dimensions(first_row, 0)
        self._check_dimensions(last, last_col)
        self.previous_row = last
