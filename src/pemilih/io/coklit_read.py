"""Reading a returned coklit workbook: every TPS row's locked cells (to check against the
digests shared), the committee's entries judged cell by cell, and the new voters.

python-calamine, no Django, no Polars: read_many() runs it in child processes held to memory
and time limits (io/isolated.py), after the file is bounded (io/bounds.py); a workbook that
kills or outlasts its child is reported unreadable, and the others go on.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from pemilih.domain import codes as code_tables
from pemilih.io import bounds, isolated
from pemilih.io.coklit_layout import (
    BASE_SHEET,
    CHECKED,
    CORRECTABLE,
    CURRENT,
    FIRST_EDIT,
    FIRST_ROW,
    GUIDE,
    HEADER,
    HEADER_ROW,
    LAYOUTS,
    MOVE,
    NEW_SHEET,
    TPS_SHEET,
    BaseVersion,
    Layout,
    cell_name,
    cell_text,
    new_voter_on_row,
    padded,
    read_base,
    sheet_name,
    status_codes,
    strong_digest,
    voter_on_row,
)
from pemilih.io.coklit_values import checked, judge, new_value, officer, visit_date


@dataclass
class Problem:
    """A cell that makes the workbook unacceptable: sheet, cell (`F12`), column, reason; and the
    row it is on (spreadsheet number) with the voter of that row (`pemilih no. 3 BUDI`), so the
    committee finds it by the paper list, and collect can leave that row alone and take the rest."""

    sheet: str
    cell: str
    column: str
    reason: str
    row: int | None = None
    voter: str = ""


@dataclass
class RowRead:
    """A TPS row the committee filled in (SESUAI, STATUS, a new value, KETERANGAN or the visit)."""

    row: int  # spreadsheet row number
    key: str
    status: str | None = None  # normalised code, None = no change
    corrections: dict[str, str | None] = field(default_factory=dict)  # column -> value as stored
    note: str = ""
    cells: list[str] = field(default_factory=list)  # locked texts as they stand (the cut's values)
    checked: bool = False  # SESUAI ticked: found correct
    move_to: str | None = None  # TPS BARU of a move, as stored (`002`)
    visited_on: str | None = None  # TANGGAL KUNJUNGAN, ISO
    officer: str | None = None  # PETUGAS

    @property
    def visited(self) -> bool:
        """Checked at the door: ticked, dated, signed or given a STATUS (a note alone is not)."""
        return bool(self.checked or self.visited_on or self.officer or self.status)


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
    values: dict[str, str | None]  # the voter's NEW_COLUMNS as stored (ISO date, 3-digit RT/RW/TPS)
    note: str = ""
    visited_on: str | None = None
    officer: str | None = None


@dataclass
class BookRead:
    """Everything collect needs from one returned workbook, checked for values but not yet
    against the cut (that needs the workspace)."""

    name: str
    path: str
    sha256: str = ""
    unreadable: str | None = None
    base: BaseVersion | None = None
    layout: Layout = CURRENT  # the base version's format
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
    book.unreadable = bounds.refusal(path, book.name)
    if book.unreadable:
        return book
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
    book.layout = LAYOUTS[book.base.format]
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
    width = len(book.layout.tps_headers)
    header = padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[sheet] = tuple(h.strip() for h in header) == book.layout.tps_headers
    if not book.headers_ok[sheet]:
        return
    out = SheetRead()
    blank_edits = [""] * (width - FIRST_EDIT)
    for r in range(FIRST_ROW, len(grid)):
        raw = grid[r]
        if raw.count("") == len(raw):
            continue
        # The hot loop (190,000 rows a regency): NO is the one number cell; a join of the rest
        # succeeds when every cell is text (nearly always), else each cell is converted.
        cells = raw[:FIRST_EDIT]
        if len(cells) < FIRST_EDIT:
            cells += [""] * (FIRST_EDIT - len(cells))
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
        edits = raw[FIRST_EDIT:width]
        if edits != blank_edits[:len(edits)]:
            item = RowRead(r + 1, cells[0], cells=cells[1:])
            _Row(book, sheet, r, item, padded(edits, len(blank_edits)), raw).read()
            out.edits.append(item)
        if len(raw) > width and _beyond(raw, width):
            book.problems.append(Problem(sheet, cell_name(r, width), "-", "isian di luar kolom lembar kerja; "
                                         "hapus atau pindahkan ke KETERANGAN", r + 1, voter_on_row(cells[1:])))
    book.sheets[sheet] = out


def _beyond(row: list, width: int) -> bool:
    return any(cell_text(v).strip() for v in row[width:])


# A workbook holds a few distinct ticks, dates and officers over thousands of rows: each is
# judged once (typed: the cell 1.0 and the cell True are not the same entry).
_checked, _visit_date, _officer = (lru_cache(maxsize=4096, typed=True)(f) for f in (checked, visit_date, officer))


@dataclass
class _Row:
    """One TPS row's committee cells judged, in the workbook's own layout."""

    book: BookRead
    sheet: str
    r: int  # 0-based row
    item: RowRead
    edits: list[str]  # the committee's cells as text, in layout order
    raw: list  # the row's cells as read (a date cell stays a date)

    def text(self, name: str) -> str:
        i = self.book.layout.at.get(name)
        return self.edits[i].strip() if i is not None else ""

    def cell(self, name: str):
        col = self.book.layout.col(name)
        return self.raw[col] if col is not None and col < len(self.raw) else None

    def problem(self, name: str, reason: str) -> None:
        col = self.book.layout.col(name)
        self.book.problems.append(Problem(self.sheet, cell_name(self.r, col), self.book.layout.header(name), reason,
                                          self.r + 1, voter_on_row(self.item.cells)))

    def read(self) -> None:
        item, regime = self.item, self.book.base.regime
        item.note = self.text("keterangan")
        self._visit()
        status_text, typed_move = self.text("status"), bool(self.text(MOVE))
        typed_fix = any(self.text(c) for c in CORRECTABLE)
        if not (status_text or typed_move or typed_fix):
            return  # the common row: ticked, dated and signed, nothing else to judge
        status = self._status(regime)
        self._corrections()
        self._move()
        does = code_tables.effect(status, regime)
        moves = code_tables.codes_with(code_tables.MOVE, regime)
        if does == code_tables.STRIKE and item.corrections:
            self.problem("status", f"status {status} (tidak memenuhi syarat) tidak boleh disertai koreksi di kolom "
                                   "BARU; pilih U untuk koreksi, atau kosongkan kolom BARU")
        elif status == "U" and not item.corrections and not typed_fix:
            self.problem("status", "status U tanpa koreksi: isi kolom BARU yang berubah")
        elif status is None and item.corrections:
            status = "U"  # corrections say it: the STATUS left blank is taken as U
        if does == code_tables.MOVE:
            if self.book.layout.col(MOVE) is None:
                self.problem("status", f"lembar kerja format lama ({self.book.layout.format}) tidak punya kolom "
                                       f"TPS BARU: {status} (pindah TPS) tidak dapat diterapkan; minta lembar kerja "
                                       "baru kepada DPML, atau kosongkan STATUS dan tulis di KETERANGAN")
            elif not typed_move:
                self.problem(MOVE, f"TPS BARU wajib diisi untuk STATUS {status} (pindah TPS dalam desa): nomor "
                                   "TPS tujuan, misalnya 2")
        elif typed_move:
            self.problem(MOVE, (f"TPS BARU hanya diisi untuk STATUS {'/'.join(moves)} (pindah TPS dalam desa)"
                                if moves else f"rezim {regime} tidak mengenal pindah TPS; kosongkan TPS BARU"))
        if item.checked and (status or typed_move or typed_fix):
            self.problem("sesuai", f"ditandai SESUAI ({CHECKED}) tetapi juga diberi STATUS atau kolom BARU; pilih "
                                   f"salah satu: kosongkan SESUAI, atau kosongkan STATUS dan kolom BARU")
        item.status = status

    def _status(self, regime: str) -> str | None:
        status = _status(self.text("status"))
        if status is not None:
            allowed = {c for c, _ in status_codes(regime)}
            if status == "B":
                self.problem("status", "B (pemilih baru) tidak dipakai di lembar TPS; tulis pemilih baru "
                                       "di lembar PEMILIH BARU")
            elif status not in allowed:
                self.problem("status", f"kode '{self.text('status')}' tidak dikenal untuk rezim {regime}; "
                                       "pilih: " + ", ".join(sorted(allowed)))
        return status

    def _corrections(self) -> None:
        for column in CORRECTABLE:
            raw_value = self.cell(column)
            if not self.text(column) and not isinstance(raw_value, (date, datetime)):
                continue
            value, reason = judge(column, raw_value)
            if reason:
                self.problem(column, reason)
            else:
                self.item.corrections[column] = value

    def _move(self) -> None:
        """Read TPS BARU (when typed)."""
        raw_value = self.cell(MOVE)
        if not cell_text(raw_value).strip():
            return
        value, reason = judge("tps", raw_value)
        if reason:
            self.problem(MOVE, reason)
        elif sheet_name(value) == self.sheet:
            self.problem(MOVE, f"TPS BARU sama dengan TPS pemilih sekarang ({self.sheet}); tulis TPS tujuan")
        else:
            self.item.move_to = value

    def _visit(self) -> None:
        ticked, reason = _checked(self.cell("sesuai"))
        if reason:
            self.problem("sesuai", reason)
        self.item.checked = ticked
        day, reason = _visit_date(self.cell("tanggal_kunjungan"))
        if reason:
            self.problem("tanggal_kunjungan", reason)
        self.item.visited_on = day
        self.item.officer = _officer(self.cell("petugas"))


def _problems_of(book: BookRead, sheet: str, r: int, voter: str):
    def add(col: int, column: str, reason: str) -> None:
        book.problems.append(Problem(sheet, cell_name(r, col), column, reason, r + 1, voter))
    return add


def _status(text: str) -> str | None:
    value = re.sub(r"\s+", " ", text.strip().upper())
    if not value:
        return None
    return re.sub(r"^TMS\s*[-_ ]?\s*", "TMS-", value)


def _read_new(book: BookRead, grid: list[list]) -> None:
    columns, headers = book.layout.new_columns, book.layout.new_headers
    width = len(headers)
    header = padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[NEW_SHEET] = tuple(h.strip() for h in header) == headers
    if not book.headers_ok[NEW_SHEET]:
        return
    seen: dict[str, str] = {}
    for r in range(FIRST_ROW, len(grid)):
        raw = list(grid[r][:width]) + [""] * (width - len(grid[r][:width]))
        if not any(cell_text(v).strip() for v in raw):
            continue
        problem = _problems_of(book, NEW_SHEET, r, new_voter_on_row(r + 1, cell_text(raw[columns.index("nama")])))
        values: dict[str, str | None] = {}
        for col, column in enumerate(columns):
            if column == "tanggal_kunjungan":
                value, reason = visit_date(raw[col])
            elif column == "petugas":
                value, reason = officer(raw[col]), None
            else:
                value, reason = new_value(column, raw[col])
            if reason:
                problem(col, HEADER[column], reason)
            values[column] = value
        nik = values.get("nik")
        if nik and nik in seen:
            problem(columns.index("nik"), "NIK", f"NIK yang sama sudah ditulis di sel {seen[nik]}")
        elif nik:
            seen[nik] = cell_name(r, columns.index("nik"))
        if nik and not values.get("jenis_kelamin"):
            values["jenis_kelamin"] = "P" if int(nik[6:8]) > 40 else "L"  # as the NIK says
        if _beyond(grid[r], width):
            problem(width, "-", "isian di luar kolom lembar kerja")
        note = values.pop("keterangan") or ""
        book.new_voters.append(NewVoter(r + 1, values, note, values.pop("tanggal_kunjungan", None),
                                        values.pop("petugas", None)))


def read_many(paths, processes: int = 2):
    """read_workbook over paths, in order, read ahead by `processes` child processes; a file
    whose child dies or runs out of time comes back unreadable, with the reason."""
    paths = [str(p) for p in paths]
    with isolated.Pool(max(1, min(processes, len(paths)))) as pool:
        for path, book in zip(paths, pool.map(read_workbook, paths)):
            if isinstance(book, isolated.Failed):
                book = _failed(path, book.reason)
            yield book


def _failed(path: str, reason: str) -> BookRead:
    book = BookRead(os.path.basename(path), path, unreadable=reason)
    try:
        book.sha256 = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        pass
    return book
