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
`frame_from_packed` here. Row numbers travel as one (sheet, first row, count) span per sheet,
counted out by Polars. Polars is imported only by the functions that build frames.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
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
    """(cells per column index, spans) of the parts; a span is (sheet number, row number of
    its first data row, data rows), from which _numbers() makes the row and sheet columns."""
    pieces: dict[int, list] = {idx: [] for idx in columns}
    spans = []
    for sheet_no, grid, header in parts:
        body = grid[header.first_data:]
        transposed = list(zip(*body)) if body else []
        for idx in columns:
            pieces[idx].append(transposed[idx] if idx < len(transposed) else repeat("", len(body)))
        spans.append((sheet_no, header.first_data + 1, len(body)))
    return {idx: list(chain.from_iterable(p)) for idx, p in pieces.items()}, spans


def _numbers(spans: list[tuple[int, int, int]]):
    """(row, _sheet_no) Series: each sheet's row numbers, counted in Polars."""
    import polars as pl
    table = pl.DataFrame(spans, schema={"_sheet_no": pl.Int32, "first": pl.Int64, "n": pl.Int64},
                         orient="row").filter(pl.col("n") > 0)  # an empty list would explode to a null
    numbers = table.select(
        pl.int_ranges("first", pl.col("first") + pl.col("n"), dtype=pl.Int64).explode().alias("row"),
        pl.col("_sheet_no").repeat_by("n").explode())
    return numbers["row"], numbers["_sheet_no"]


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
    cells, spans = _stacked(parts, columns)
    series = []
    for idx, name in columns.items():
        text, numeric = text_series(name, cells[idx])
        series.append(text)
        if numeric is not None:
            series.append(numeric)
    return pl.DataFrame([*series, *_numbers(spans)])


# Typed: 1.0, 1 and True are equal as keys but not as text. The cells that are not text
# repeat (NO 1..300 on every sheet, birth dates): one conversion per distinct value.
_cached_text = lru_cache(maxsize=65536, typed=True)(cell_text)


def _as_text(column: list) -> list[str]:
    """Every cell as text, converting only the cells that are not text already."""
    try:
        return [c if c.__class__ is str else _cached_text(c) for c in column]
    except TypeError:  # a cell that cannot be a cache key (calamine gives none): no cache then
        return [c if c.__class__ is str else cell_text(c) for c in column]


def pack_grids(parts: list[tuple[int, list[list], Header]], columns: dict[int, str]) -> dict:
    """frame_from_grids' content as plain Python, for a worker process to send back."""
    cells, spans = _stacked(parts, columns)
    packed = {"spans": spans, "columns": {}, "numeric": {}}
    for idx, name in columns.items():
        column = cells[idx]
        try:  # join() checks that every cell is text as it goes: no pass of our own over them
            joined = _SEP.join(column)
        except TypeError:  # some cells are numbers or dates
            if name in ID_COLUMNS:
                packed["numeric"][name] = bytes(c.__class__ in (float, int) for c in column)
            column = _as_text(column)
            joined = _SEP.join(column)
        packed["columns"][name] = joined if joined.count(_SEP) == len(column) - 1 else column
    return packed


def frame_from_packed(packed: dict):
    """The frame of pack_grids' output."""
    import polars as pl
    rows, sheet_nos = _numbers(packed["spans"])
    series = []
    for name, joined in packed["columns"].items():
        if isinstance(joined, str):  # else a cell held the separator itself: it came as a list
            joined = joined.split(_SEP) if rows.len() else []
        series.append(pl.Series(name, joined, dtype=pl.String))
        if name in packed["numeric"]:
            series.append(pl.Series(f"_{name}_num", list(packed["numeric"][name]), dtype=pl.UInt8).cast(pl.Boolean))
    return pl.DataFrame([*series, rows, sheet_nos])


def whole_columns(frame):
    """The frame with each column in one piece, made a column at a time, each column's pieces
    let go as soon as it is whole. A parsed CSV comes in hundreds of pieces, and Polars joins
    them, for every column at once, the first time a column of another shape is added: a
    provincial extract held twice (1.4 GB more)."""
    import polars as pl
    if all(s.n_chunks() == 1 for s in frame.iter_columns()):
        return frame
    columns = [frame.drop_in_place(name).rechunk() for name in list(frame.columns)]
    return pl.DataFrame(columns)
