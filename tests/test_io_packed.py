"""Workbook cells packed in a worker process (grid.pack_grids) and rebuilt (frame_from_packed).

`pemilih check` reads workbooks in worker processes, so in-process tests of the readers never
take this path. Grids here are written by hand as calamine returns them (text, floats, dates,
datetimes, booleans, "" for a blank cell); the expected frame is written by hand too.
"""
from __future__ import annotations

import datetime as dt
import pickle

import polars as pl

from pemilih.io.grid import frame_from_packed, pack_grids
from pemilih.io.headers import find_header

HEADER = ["NO", "NKK", "NIK", "NAMA", "TANGGAL LAHIR", "RT"]


def _parts(grids: list[list[list]]):
    return [(no, grid, find_header(grid)) for no, grid in enumerate(grids)]


def _rebuilt(grids: list[list[list]]) -> pl.DataFrame:
    parts = _parts(grids)
    columns = parts[0][2].columns("kpu")
    # What crosses the process boundary is the pickled pack.
    return frame_from_packed(pickle.loads(pickle.dumps(pack_grids(parts, columns))))


def test_cells_become_text_and_rows_keep_their_numbers():
    first = [["DAFTAR PEMILIH"], HEADER,
             [1.0, "7326010101800001", "7326015205800001", "ANI", dt.date(1980, 5, 12), "001"],
             [2.0, "7326010101800001", 7326015205800002.0, "BUDI", dt.datetime(1979, 1, 2), 3.0],
             ["3", "", "7326015205800003", "CICI", dt.datetime(1990, 2, 3, 4, 5, 6), True]]
    empty = [HEADER]  # a sheet with its header only
    second = [HEADER, [1.5, "7326010101800002", "7326015205800004", "DEDI\x1fX", "12-05-1980", ""]]
    frame = _rebuilt([first, empty, second])
    assert frame.columns == ["no", "nkk", "nik", "_nik_num", "nama", "tanggal_lahir", "rt", "row", "_sheet_no"]
    assert frame["no"].to_list() == ["1", "2", "3", "1.5"]
    # A 16-digit number cell keeps Python's float text: the reader calls it NIK-FLOAT anyway.
    assert frame["nik"].to_list() == ["7326015205800001", "7326015205800002.0", "7326015205800003",
                                      "7326015205800004"]
    assert frame["_nik_num"].to_list() == [False, True, False, False]
    assert frame["nama"].to_list() == ["ANI", "BUDI", "CICI", "DEDI\x1fX"]  # the separator itself
    assert frame["tanggal_lahir"].to_list() == ["1980-05-12", "1979-01-02", "1990-02-03 04:05:06",
                                                "12-05-1980"]
    assert frame["rt"].to_list() == ["001", "3", "TRUE", ""]
    assert frame["row"].to_list() == [3, 4, 5, 2]
    assert frame["_sheet_no"].to_list() == [0, 0, 0, 2]
    assert frame.schema["row"] == pl.Int64 and frame.schema["_sheet_no"] == pl.Int32


def test_equal_numbers_of_other_types_keep_their_own_text():
    """1.0, 1 and True are equal dictionary keys; each must still be written its own way."""
    grid = [HEADER] + [[v, "x", "y", "z", "", ""] for v in (1.0, 1, True, 1.0, False, 0)]
    assert _rebuilt([grid])["no"].to_list() == ["1", "1", "TRUE", "1", "FALSE", "0"]


def test_no_rows_at_all():
    frame = _rebuilt([[HEADER], [HEADER]])
    assert frame.height == 0
    assert frame.schema["row"] == pl.Int64 and frame.schema["nama"] == pl.String
