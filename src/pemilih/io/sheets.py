"""Workbook sheets as grids of cells, and workbooks read ahead in worker processes.

Parsing sheets (calamine) and turning cells into Python values is most of the time spent
reading 151 village workbooks. `start()`, called by `pemilih check` before Polars is loaded,
forks two worker processes that read the workbooks (workbook.scan_and_pack: calamine, header
search, text columns joined into one string each) while the main process imports Polars and
then rebuilds each frame with one call per column. Processes rather than threads: the Python
half of the work then runs on both cores instead of taking turns for the interpreter lock.

The workers are io/isolated.py's children, held to memory and time limits: a workbook that
kills or outlasts its worker comes back as isolated.Failed (the file is unreadable, with the
reason) and the others are read on. Fork is only safe before Polars starts its thread pool, so
`start()` declines once Polars is imported (each workbook is then read in a child of its own
made by a fork server, see workbook.read_workbook). This module imports nothing heavy.
"""
from __future__ import annotations

import os
import sys

from pemilih.io import isolated

_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
_ahead: dict[str, tuple] = {}  # path -> (kind asked for, pending result)
_pool = None


def grids_of(book) -> list[tuple[str, list[list]]]:
    """(sheet name, grid) of every worksheet of an open calamine workbook, in order."""
    return [(meta.name, book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
            for meta in book.sheets_metadata if "WorkSheet" in str(meta.typ)]


def _is_workbook(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in _MAGIC
    except OSError:
        return False


def _work(path: str, kind: str | None):
    from pemilih.io.workbook import scan_and_pack  # in the worker: no Polars here
    return scan_and_pack(path, os.path.basename(path), kind)


def start(paths, kind: str | None = None, workers: int = 2) -> bool:
    """Begin reading the workbooks among paths in worker processes; False when not done."""
    global _pool
    if "polars" in sys.modules:
        return False
    books = [p for p in map(os.fspath, paths) if _is_workbook(p)]
    if not books:
        return False
    # Children held to memory and time limits: a worker that dies or runs too long costs its
    # file (take() gives isolated.Failed, the file is TIDAK TERBACA), never the others.
    _pool = isolated.Pool(isolated.worker_count(min(workers, len(books))))
    for path in books:
        _ahead[path] = (kind, _pool.submit(_work, path, kind))
    return True


def take(path: str, kind: str | None):
    """The FileRead a worker made for this path (once), isolated.Failed when reading it was
    stopped, or None: then the reader reads it itself (in a child of its own)."""
    entry = _ahead.pop(path, None)
    if entry is None or entry[0] != kind or _pool is None:
        return None
    try:
        return _pool.result(entry[1])
    except Exception:
        return None


def stop() -> None:
    """End the workers and drop what was not taken (files may change before a next run)."""
    global _pool
    _ahead.clear()
    if _pool is not None:
        _pool.close()
        _pool = None
