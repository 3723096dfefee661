"""Reading a returned coklit workbook: every TPS row's locked cells (to check against the
digests shared), the committee's entries judged cell by cell, and the new voters.

python-calamine, no Django, no Polars: read_many() runs in forked worker processes.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pemilih.io.coklit_layout import (
    BASE_SHEET,
    CORRECTABLE,
    FIRST_ROW,
    GUIDE,
    HEADER,
    HEADER_ROW,
    NEW_COLUMNS,
    NEW_HEADERS,
    NEW_SHEET,
    STATUS_COL,
    TPS_HEADERS,
    TPS_SHEET,
    BaseVersion,
    cell_name,
    cell_text,
    padded,
    read_base,
    status_codes,
    strong_digest,
)
from pemilih.io.coklit_values import judge, new_value


@dataclass
class Problem:
    """A cell that makes the workbook unacceptable: sheet, cell (`F12`), column, reason."""

    sheet: str
    cell: str
    column: str
    reason: str


@dataclass
class RowRead:
    """A TPS row the committee filled in (STATUS, a correction or KETERANGAN)."""

    row: int  # spreadsheet row number
    key: str
    status: str | None = None  # normalised code, None = data correct
    corrections: dict[str, str | None] = field(default_factory=dict)  # column -> value as stored
    note: str = ""
    cells: list[str] = field(default_factory=list)  # locked texts as they stand (the cut's values)


@dataclass
class SheetRead:
    """A TPS sheet's rows as parallel lists (cheap to send from a worker process)."""

    rows: list[int] = field(default_factory=list)  # spreadsheet row numbers
    keys: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)  # strong_digest of each row
    locked: list[str] = field(default_factory=list)  # locked texts joined by \x1f
    edits: list[RowRead] = field(default_factory=list)


@dataclass
class NewVoter:
    row: int
    values: dict[str, str | None]  # NEW_COLUMNS as stored (ISO date, 3-digit RT/RW/TPS)
    note: str = ""


@dataclass
class BookRead:
    """Everything collect needs from one returned workbook, checked for values but not yet
    against the cut (that needs the workspace)."""

    name: str
    path: str
    sha256: str = ""
    unreadable: str | None = None
    base: BaseVersion | None = None
    sheets: dict[str, SheetRead] = field(default_factory=dict)
    headers_ok: dict[str, bool] = field(default_factory=dict)
    new_voters: list[NewVoter] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)  # unknown sheets with content


def read_workbook(path: str) -> BookRead:
    """Read a returned workbook (in a worker process: no Django, no Polars use)."""
    from python_calamine import CalamineWorkbook

    book = BookRead(os.path.basename(path), str(path))
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        book.unreadable = f"berkas tidak dapat dibuka: {exc.strerror}"
        return book
    book.sha256 = hashlib.sha256(content).hexdigest()
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        grids = {m.name: wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
                 for m in wb.sheets_metadata if "WorkSheet" in str(m.typ)}
    except Exception:  # calamine raises several types for broken zips and XML
        book.unreadable = "berkas rusak atau bukan lembar kerja xlsx yang dapat dibaca"
        return book
    book.base = read_base(grids.get(BASE_SHEET))
    if book.base is None:
        return book
    for name, grid in grids.items():
        if name in (GUIDE, BASE_SHEET):
            continue
        if name == NEW_SHEET:
            _read_new(book, grid)
        elif TPS_SHEET.fullmatch(name):
            _read_tps(book, name, grid)
        elif any(cell_text(v).strip() for row in grid for v in row):
            book.extra_sheets.append(name)
    return book


def _read_tps(book: BookRead, sheet: str, grid: list[list]) -> None:
    width = len(TPS_HEADERS)
    header = padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[sheet] = [h.strip() for h in header] == TPS_HEADERS
    if not book.headers_ok[sheet]:
        return
    out = SheetRead()
    blank_edits = [""] * (width - STATUS_COL)
    for r in range(FIRST_ROW, len(grid)):
        raw = grid[r]
        if raw.count("") == len(raw):
            continue
        # The hot loop (190,000 rows a regency): NO is the one number cell; a join of the rest
        # succeeds when every cell is text (nearly always), else each cell is converted.
        cells = raw[:STATUS_COL]
        if len(cells) < STATUS_COL:
            cells += [""] * (STATUS_COL - len(cells))
        if cells[1].__class__ is float and cells[1].is_integer():
            cells[1] = str(int(cells[1]))
        try:
            joined = "\x1f".join(cells[1:])
            if cells[0].__class__ is not str:
                raise TypeError
        except TypeError:
            cells = [cell_text(v) for v in cells]
            joined = "\x1f".join(cells[1:])
        out.rows.append(r + 1)
        out.keys.append(cells[0])
        out.strong.append(strong_digest(cells[0], joined))
        out.locked.append(joined)
        edits = raw[STATUS_COL:width]
        if edits != blank_edits[:len(edits)]:
            item = RowRead(r + 1, cells[0], cells=cells[1:])
            _read_edits(book, sheet, r, item, padded(edits, len(blank_edits)), raw)
            out.edits.append(item)
        if len(raw) > width and _beyond(raw, width):
            book.problems.append(Problem(sheet, cell_name(r, width), "-", "isian di luar kolom lembar kerja; "
                                         "hapus atau pindahkan ke KETERANGAN"))
    book.sheets[sheet] = out


def _beyond(row: list, width: int) -> bool:
    return any(cell_text(v).strip() for v in row[width:])


def _read_edits(book: BookRead, sheet: str, r: int, item: RowRead, edits: list[str], raw: list) -> None:
    status = _status(edits[0])
    item.note = edits[-1].strip()
    problem = _problems_of(book, sheet, r)
    if status is not None:
        allowed = {c for c, _ in status_codes(book.base.regime)}
        if status == "B":
            problem(STATUS_COL, "STATUS", "B (pemilih baru) tidak dipakai di lembar TPS; tulis pemilih baru "
                                          "di lembar PEMILIH BARU")
        elif status not in allowed:
            problem(STATUS_COL, "STATUS", f"kode '{edits[0].strip()}' tidak dikenal untuk rezim {book.base.regime}; "
                                          "pilih: " + ", ".join(sorted(allowed)))
    for i, column in enumerate(CORRECTABLE):
        col = STATUS_COL + 1 + i
        raw_value = raw[col] if col < len(raw) else None
        if not edits[1 + i].strip() and not isinstance(raw_value, (date, datetime)):
            continue
        value, reason = judge(column, raw_value)
        if reason:
            problem(col, HEADER[column] + " BARU", reason)
        else:
            item.corrections[column] = value
    if status and status.startswith("TMS") and item.corrections:
        problem(STATUS_COL, "STATUS", f"status {status} (tidak memenuhi syarat) tidak boleh disertai koreksi "
                                      "di kolom BARU; pilih U untuk koreksi, atau kosongkan kolom BARU")
    elif status == "U" and not item.corrections and not any(e.strip() for e in edits[1:-1]):
        problem(STATUS_COL, "STATUS", "status U tanpa koreksi: isi kolom BARU yang berubah")
    elif status is None and item.corrections:
        status = "U"  # corrections say it: the STATUS left blank is taken as U
    item.status = status


def _problems_of(book: BookRead, sheet: str, r: int):
    def add(col: int, column: str, reason: str) -> None:
        book.problems.append(Problem(sheet, cell_name(r, col), column, reason))
    return add


def _status(text: str) -> str | None:
    value = re.sub(r"\s+", " ", text.strip().upper())
    if not value:
        return None
    return re.sub(r"^TMS\s*[-_ ]?\s*", "TMS-", value)


def _read_new(book: BookRead, grid: list[list]) -> None:
    width = len(NEW_HEADERS)
    header = padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[NEW_SHEET] = [h.strip() for h in header] == NEW_HEADERS
    if not book.headers_ok[NEW_SHEET]:
        return
    seen: dict[str, str] = {}
    for r in range(FIRST_ROW, len(grid)):
        raw = list(grid[r][:width]) + [""] * (width - len(grid[r][:width]))
        if not any(cell_text(v).strip() for v in raw):
            continue
        problem = _problems_of(book, NEW_SHEET, r)
        values: dict[str, str | None] = {}
        for col, column in enumerate(NEW_COLUMNS):
            value, reason = new_value(column, raw[col])
            if reason:
                problem(col, HEADER[column], reason)
            values[column] = value
        nik = values.get("nik")
        if nik and nik in seen:
            problem(NEW_COLUMNS.index("nik"), "NIK", f"NIK yang sama sudah ditulis di sel {seen[nik]}")
        elif nik:
            seen[nik] = cell_name(r, NEW_COLUMNS.index("nik"))
        if nik and not values.get("jenis_kelamin"):
            values["jenis_kelamin"] = "P" if int(nik[6:8]) > 40 else "L"  # as the NIK says
        if _beyond(grid[r], width):
            problem(width, "-", "isian di luar kolom lembar kerja")
        note = values.pop("keterangan") or ""
        book.new_voters.append(NewVoter(r + 1, values, note))


def read_many(paths, processes: int = 2):
    """read_workbook over paths, in order, read ahead by `processes` forked workers."""
    import multiprocessing as mp

    paths = [str(p) for p in paths]
    if processes <= 1 or len(paths) < 2 or "fork" not in mp.get_all_start_methods():
        yield from map(read_workbook, paths)
        return
    with mp.get_context("fork").Pool(min(processes, len(paths))) as pool:
        yield from pool.imap(read_workbook, paths)
