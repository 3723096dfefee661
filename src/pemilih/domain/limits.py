"""How big a file the product takes, written once: the readers bound every file by these before
they unfold it (io/bounds.py), read it in a child process held to the memory and time below
(io/isolated.py), and the web refuses an upload over its kind's size (web/uploads.py).

The figures leave room for the real files: a regency's KPU list (190,000 rows, ~25 columns: 25 MB
as CSV, ~15 MB as xlsx, ~200 MB of sheet XML), form-style workbooks with one sheet per TPS (a
village has up to ~20), a village's coklit workbook (well under a megabyte) and a responses sheet
(a few hundred rows). A hostile file is one that would need far more than any of these.
"""
from __future__ import annotations

import os

MB = 1024 * 1024


def _env_int(name: str, default: int) -> int:
    """A limit an operator may set for a bigger machine (or a test a smaller one)."""
    try:
        value = int(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


# --- a file before it is read (io/bounds.py) --------------------------------------------------
FILE_BYTES = 1024 * MB  # any file a reader opens
ZIP_ENTRIES = 10_000  # parts of one xlsx/ods (a sheet is 1-2 parts; 780 TPS sheets fit)
ZIP_TOTAL_BYTES = 2048 * MB  # all parts unfolded
ZIP_ENTRY_BYTES = 1024 * MB  # one part unfolded (a 190,000-row sheet is ~200 MB)
ZIP_RATIO = 200  # unfolded : packed, for a part over ZIP_RATIO_FROM (sheet XML packs ~10-30x)
ZIP_RATIO_FROM = 16 * MB
SHEET_COLUMNS = 1024  # columns from A to the farthest cell (a list has ~25)
SHEET_ROWS = 1_048_576  # Excel's own last row
SHEET_CELLS = 20_000_000  # rows x columns of the rectangle a sheet spans (a regency list: ~5 million)
BOOK_CELLS = 40_000_000  # the same, summed over a workbook's sheets

# --- the child process that reads (io/isolated.py) --------------------------------------------
READ_MEMORY_BYTES = _env_int("PEMILIH_BATAS_MEMORI_MB", 3072) * MB  # address space of the reader
READ_SECONDS = _env_int("PEMILIH_BATAS_DETIK", 300)  # CPU seconds (and, doubled, wall seconds) per file

# --- uploads through the web, per kind (web/uploads.py) ----------------------------------------
UPLOAD_LIST_BYTES = 200 * MB  # a KPU list or registry extract, each file
UPLOAD_LIST_TOTAL_BYTES = 400 * MB  # all files of one upload (151 form-style workbooks are ~60 MB)
UPLOAD_COKLIT_BYTES = 20 * MB  # one returned coklit workbook
UPLOAD_COKLIT_TOTAL_BYTES = 400 * MB  # every village's workbooks at once
UPLOAD_RESPONSES_BYTES = 20 * MB  # a responses sheet
UPLOAD_REQUEST_BYTES = 450 * MB  # any request body (web settings: refused before it is read)
