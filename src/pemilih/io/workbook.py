"""Workbooks (xlsx, and whatever else calamine opens: xls, ods), one Source per sheet.

A sheet with no header is skipped when it holds nothing that looks like voter data (an
instructions or recap sheet); if it does hold NIK-like numbers, the file is refused rather
than silently reading only part of it. `scan_workbook` does everything but build Polars
frames, so it runs in a child process that never imports Polars, held to memory and time
limits (io/isolated.py), after the file is bounded (io/bounds.py): a hostile workbook costs
that child, and comes back unreadable with the reason.
"""
from __future__ import annotations

import re

from pemilih.io import bounds, isolated
from pemilih.io import sheets as sheet_grids
from pemilih.io.grid import FileRead, Source, frame_from_packed, pack_grids
from pemilih.io.headers import detect_kind, find_header, missing_columns

_SHEET_TPS = re.compile(r"^\s*TPS\s*[-_.]?\s*0*(\d{1,3})\s*$", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\d{15}")


def _looks_like_data(grid: list[list]) -> bool:
    for row in grid:
        for cell in row:
            if (cell.__class__ is str and _LONG_DIGITS.search(cell)) or (
                    isinstance(cell, float) and cell >= 1e14):
                return True
    return False


def _grids(path: str, read: FileRead) -> list[tuple[str, list[list]]] | None:
    """Every worksheet's grid; None (and read.unreadable set) when the file cannot be read."""
    from python_calamine import CalamineWorkbook, PasswordError
    try:
        book = CalamineWorkbook.from_path(path)
    except PasswordError:
        read.unreadable = "berkas dilindungi kata sandi; buka kuncinya lalu simpan ulang"
        return None
    except Exception:  # calamine raises several types for broken zips and XML
        read.unreadable = "berkas rusak atau bukan spreadsheet yang dapat dibaca (xlsx/xls/ods)"
        return None
    try:
        return sheet_grids.grids_of(book)
    except Exception:
        read.unreadable = "isi berkas rusak; buka di Excel/LibreOffice lalu simpan ulang sebagai xlsx"
        return None
    finally:
        book.close()


def scan_workbook(path: str, name: str, kind: str | None) -> tuple[FileRead, list]:
    """(the file's sources and problems, [(columns, parts)] per header layout); no Polars."""
    read = FileRead(name, path)
    read.unreadable = bounds.refusal(path, name)  # bounded before calamine unfolds anything
    if read.unreadable:
        return read, []
    grids = _grids(path, read)
    if grids is None:
        return read, []
    sheets = []
    for sheet, grid in grids:
        header = find_header(grid)
        if header is None:
            if _looks_like_data(grid):
                read.missing.append((sheet, ""))
            continue
        tps = _SHEET_TPS.match(sheet)
        if tps and "tps" not in header.title:
            header.title["tps"] = tps.group(1)  # a sheet named `TPS 001` says which TPS
        sheets.append((sheet, grid, header))
    if not sheets:
        if not read.missing:
            read.unreadable = "tidak ditemukan baris judul kolom (NIK, NAMA, ...) di lembar mana pun"
        return read, []
    read.kind = kind or detect_kind([h for _, _, h in sheets])
    layouts: dict[tuple, list] = {}  # sheets with the same columns are stacked into one frame
    for sheet_no, (sheet, grid, header) in enumerate(sheets):
        columns = header.columns(read.kind)
        read.sources.append(Source(name, sheet, header, read.kind, header_row=header.row + 1))
        read.missing += [(sheet, c) for c in missing_columns(read.kind, set(columns.values()), header.title)]
        layouts.setdefault(tuple(columns.items()), []).append((sheet_no, grid, header))
    if read.missing:
        return read, []
    return read, [(dict(layout), parts) for layout, parts in layouts.items()]


def read_workbook(path: str, name: str, kind: str | None) -> FileRead:
    """The workbook read in a child process held to memory and time limits (io/isolated.py),
    or taken from a worker process that read it ahead (io/sheets.py)."""
    read = sheet_grids.take(path, kind)
    if read is None:
        read = isolated.run(scan_and_pack, path, name, kind)
    if isinstance(read, isolated.Failed):
        return FileRead(name, path, unreadable=read.reason)
    read.name = name
    read.frames = [frame_from_packed(p) for p in read.packed]
    read.packed = []
    return read


def scan_and_pack(path: str, name: str, kind: str | None) -> FileRead:
    """scan_workbook with the frames packed as plain Python (run in a worker process)."""
    read, layouts = scan_workbook(path, name, kind)
    read.packed = [pack_grids(parts, columns) for columns, parts in layouts]
    return read
