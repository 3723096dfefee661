"""From grids of cells (sheets, or the head of a CSV) to one table of text columns.

A `Source` is one sheet (or one CSV file) whose header has been found. Its data rows go
into a frame of text columns with canonical names, plus `row` (the row number a spreadsheet
shows) and `_sheet_no` (which of the file's sources the row came from). Sheets that share
a header layout are stacked before Polars sees them: building a column costs per call as
well as per cell. Cells that were not text in the workbook become text once: whole numbers
without `.0`, date cells as ISO `YYYY-MM-DD`. A number cell in the NIK or NKK column is
remembered (`_nik_num`, `_nkk_num`): it is NIK-FLOAT however its digits look.

Two ways to the frame: `frame_from_grids` (in this process), or `pack_grids` in a worker
process (plain Python: one joined string per column, cheap to send back) and
`frame_from_packed` here. Polars is imported only by the functions that build frames.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import chain, repeat

from pemilih.io.headers import Header

ID_COLUMNS = ("nik", "nkk")
_SEP = "\x1f"  # the ASCII unit separator: joins a column's cells for the trip between processes


@dataclass
class Source:
    file: str
    sheet: str  # "" for a CSV
    header: Header
    kind: str = "kpu"
    header_row: int = 0  # spreadsheet row number of the header, for messages

    @property
    def title(self) -> dict[str, str]:
        return self.header.title


@dataclass
class FileRead:
    """What reading one file gave, before the rows are checked."""

    name: str
    path: str
    kind: str | None = None
    sources: list[Source] = field(default_factory=list)
    frames: list = field(default_factory=list)  # Polars frames; `_sheet_no` indexes sources
    unreadable: str | None = None  # reason, when the file could not be read at all
    missing: list[tuple[str, str]] = field(default_factory=list)  # (sheet, canonical column)
    sha256: str = ""
    size: int = 0
    packed: list[dict] = field(default_factory=list)  # frames still packed by a worker process


def cell_text(value) -> str:
    """One non-text cell as text."""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _stacked(parts: list[tuple[int, list[list], Header]], columns: dict[int, str]):
    """(cells per column index, sheet number per row, row number per row) of the parts."""
    pieces: dict[int, list] = {idx: [] for idx in columns}
    sheet_nos, rows = [], []
    for sheet_no, grid, header in parts:
        body = grid[header.first_data:]
        transposed = list(zip(*body)) if body else []
        for idx in columns:
            pieces[idx].append(transposed[idx] if idx < len(transposed) else repeat("", len(body)))
        sheet_nos.append(repeat(sheet_no, len(body)))
        rows.append(range(header.first_data + 1, header.first_data + 1 + len(body)))
    cells = {idx: list(chain.from_iterable(p)) for idx, p in pieces.items()}
    return cells, list(chain.from_iterable(sheet_nos)), list(chain.from_iterable(rows))


def text_series(name: str, column):
    """(text Series, number-cell flags or None). All-text columns take the fast path."""
    import polars as pl
    try:
        return pl.Series(name, column, dtype=pl.String), None
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        pass  # some cells are numbers or dates
    kinds = set(map(type, column))
    numeric = None
    if name in ID_COLUMNS and kinds & {float, int}:
        numeric = pl.Series(f"_{name}_num", [c.__class__ in (float, int) for c in column], dtype=pl.Boolean)
    if dt.datetime in kinds:
        return pl.Series(name, [cell_text(c) for c in column], dtype=pl.String), numeric
    text = pl.Series(name, column, dtype=pl.String, strict=False)  # dates come out ISO
    if kinds & {float, int} and name not in ID_COLUMNS:
        text = text.str.strip_suffix(".0")  # whole numbers: `12.0` -> `12` (Polars writes 1e16 as 1e+16)
    return text, numeric


def frame_from_grids(parts: list[tuple[int, list[list], Header]], columns: dict[int, str]):
    """The data rows below the header of each (sheet number, grid, header), stacked."""
    import polars as pl
    cells, sheet_nos, rows = _stacked(parts, columns)
    series = []
    for idx, name in columns.items():
        text, numeric = text_series(name, cells[idx])
        series.append(text)
        if numeric is not None:
            series.append(numeric)
    series.append(pl.Series("row", rows, dtype=pl.Int64))
    series.append(pl.Series("_sheet_no", sheet_nos, dtype=pl.Int32))
    return pl.DataFrame(series)


def pack_grids(parts: list[tuple[int, list[list], Header]], columns: dict[int, str]) -> dict:
    """frame_from_grids' content as plain Python, for a worker process to send back."""
    cells, sheet_nos, rows = _stacked(parts, columns)
    packed = {"rows": rows, "_sheet_no": sheet_nos, "columns": {}, "numeric": {}}
    for idx, name in columns.items():
        column = cells[idx]
        if not all(c.__class__ is str for c in column):
            if name in ID_COLUMNS:
                packed["numeric"][name] = bytes(c.__class__ in (float, int) for c in column)
            column = [cell_text(c) for c in column]
        joined = _SEP.join(column)
        packed["columns"][name] = joined if joined.count(_SEP) == len(column) - 1 else column
    return packed


def frame_from_packed(packed: dict):
    """The frame of pack_grids' output."""
    import polars as pl
    series = []
    for name, joined in packed["columns"].items():
        if isinstance(joined, str):  # else a cell held the separator itself: it came as a list
            joined = joined.split(_SEP) if packed["rows"] else []
        series.append(pl.Series(name, joined, dtype=pl.String))
        if name in packed["numeric"]:
            series.append(pl.Series(f"_{name}_num", list(packed["numeric"][name]), dtype=pl.UInt8).cast(pl.Boolean))
    series.append(pl.Series("row", packed["rows"], dtype=pl.Int64))
    series.append(pl.Series("_sheet_no", packed["_sheet_no"], dtype=pl.Int32))
    return pl.DataFrame(series)
