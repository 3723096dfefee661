"""Workbook sheets as grids of cells, and workbooks read ahead in worker processes.

Parsing sheets (calamine) and turning cells into Python values is most of the time spent
reading 151 village workbooks. `start()`, called by `pemilih check` before Polars is loaded,
forks two worker processes that read the workbooks (workbook.scan_and_pack: calamine, header
search, text columns joined into one string each) while the main process imports Polars and
then rebuilds each frame with one call per column. Processes rather than threads: the Python
half of the work then runs on both cores instead of taking turns for the interpreter lock.

Fork is only safe before Polars starts its thread pool, so `start()` declines once Polars is
imported (the readers then use threads, see read.py). This module imports nothing heavy.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import sys
from concurrent.futures import ProcessPoolExecutor

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


def _ignore_interrupt() -> None:
    """Ctrl-C is the main process's to handle; a worker just finishes and is shut down."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(path: str, kind: str | None):
    from pemilih.io.workbook import scan_and_pack  # in the worker: no Polars here
    return scan_and_pack(path, os.path.basename(path), kind)


def start(paths, kind: str | None = None, workers: int = 2) -> bool:
    """Begin reading the workbooks among paths in worker processes; False when not done."""
    global _pool
    if "polars" in sys.modules or "fork" not in mp.get_all_start_methods():
        return False
    books = [p for p in map(os.fspath, paths) if _is_workbook(p)]
    if len(books) < 2:
        return False
    # A worker that dies (a crash in the parser) breaks the pool: take() then gets an error,
    # not a wait forever, and the file is read in this process instead.
    count = max(1, min(workers, os.cpu_count() or 1))
    _pool = ProcessPoolExecutor(count, mp_context=mp.get_context("fork"), initializer=_ignore_interrupt)
    for path in books:
        _ahead[path] = (kind, _pool.submit(_work, path, kind))
    return True


def take(path: str, kind: str | None):
    """The FileRead a worker made for this path (once), or None: then the reader reads it
    itself, and reports a broken file the usual way."""
    entry = _ahead.pop(path, None)
    if entry is None or entry[0] != kind:
        return None
    try:
        return entry[1].result()
    except Exception:
        return None


def stop() -> None:
    """End the workers and drop what was not taken (files may change before a next run)."""
    global _pool
    _ahead.clear()
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
