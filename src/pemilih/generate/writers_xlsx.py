"""The list as village committees receive it: one form-style workbook per village, one sheet per
TPS (title block, two-row merged header, data, JUMLAH row, signature block).

Written with xlsxwriter in constant_memory mode (rows stream to disk in order; data rows
through the faster FormSheet path, see xlsx_stream), two processes over villages. Workers are
forked after the rows are prepared, so they read them from this module's global instead of
receiving them pickled.
"""
from __future__ import annotations

import multiprocessing as mp
import os
from datetime import datetime
from itertools import groupby

import xlsxwriter

from pemilih.io.xlsx_stream import FormSheet, excel_serial, number, text_cell
from pemilih.io.xlsx_text import inline_string

from .config import PROVINCE_NAME, REGENCY_NAME, SIGNATURE_DATE

TITLE = "DAFTAR PEMILIH TETAP (DPT) PEMILIHAN UMUM TAHUN 2024"
HEADER = ["NO", "NKK", "NIK", "NAMA", None, None, "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT",
          "RT", "RW", "DISABILITAS", "KTP-EL", "KETERANGAN"]
WIDTHS = [5, 19, 19, 30, 16, 13, 11, 9, 24, 5, 5, 9, 7, 14]
CREATED = datetime(2023, 6, 21, 9, 0, 0)  # fixed, so a seed always gives byte-identical files
FIRST_DATA_ROW = 9  # 0-based: the 10th row as a spreadsheet shows it

_JOBS: dict[str, dict] = {}
_FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def workbook_job(village, rows, date_cells: bool, signer: str, folder: str, name: str,
                 regency: str = REGENCY_NAME) -> dict:
    """Everything one worker needs for one village, as plain tuples."""
    data = [(r.tps, r.no, r.nkk, r.nik_cell if r.nik_cell is not None else r.nik, r.nama, r.tempat,
             r.tgl, r.tgl_cell, r.kawin, r.jk, r.alamat, r.rt, r.rw, r.dis, r.ktp, r.ket) for r in rows]
    return {"path": os.path.join(folder, name), "kecamatan": village.district_name.upper(),
            "desa": village.name.upper(), "place": village.district_name, "rows": data,
            "date_cells": date_cells, "signer": signer, "kabupaten": regency}


def _header(ws, fmt, fast: bool) -> None:
    """Rows 8-9: every column merged over both rows except TEMPAT/TANGGAL LAHIR, which spans
    two columns in row 8 with its two halves in row 9."""
    if not fast:
        ws.merge_range(7, 4, 7, 5, "TEMPAT/TANGGAL LAHIR", fmt)
        for col, name in enumerate(HEADER):
            if name:
                ws.merge_range(7, col, 8, col, name, fmt)
    else:
        # constant_memory flushes a row once a later one is written: write row 8, then row 9,
        # then record the merges.
        for col, name in enumerate(HEADER):
            if col == 5:
                ws.write_blank(7, 5, None, fmt)
            else:
                ws.write_string(7, col, name or "TEMPAT/TANGGAL LAHIR", fmt)
        for col, name in enumerate(HEADER):
            if name:
                ws.write_blank(8, col, None, fmt)
        ws.merge_only(7, 4, 7, 5)
        for col, name in enumerate(HEADER):
            if name:
                ws.merge_only(7, col, 8, col)
    ws.write_string(8, 4, "TEMPAT LAHIR", fmt)
    ws.write_string(8, 5, "TANGGAL LAHIR", fmt)


def _render_row(r: int, t: tuple, dates: bool, date_style: int) -> str:
    """One data row as worksheet XML (row index r, 0-based). Names, places and addresses go
    through inline_string (escaping, kept spaces); codes and numbers are plain by construction."""
    (_, no, nkk, nik, nama, tempat, tgl, tgl_cell, kawin, jk, alamat, rt, rw, dis, ktp, ket) = t
    n = r + 1
    if isinstance(nik, float):
        nik_xml = number(f"C{n}", nik)  # what Excel keeps of a NIK typed into a General cell
    else:
        nik_xml = inline_string(f"C{n}", nik) if nik else ""
    if dates and tgl_cell is not None:
        tgl_xml = number(f"F{n}", excel_serial(tgl_cell), date_style)
    else:
        tgl_xml = inline_string(f"F{n}", tgl)
    return (f'<c r="A{n}"><v>{no}</v></c>{text_cell(f"B{n}", nkk)}{nik_xml}'
            f'{inline_string(f"D{n}", nama)}{inline_string(f"E{n}", tempat)}{tgl_xml}'
            f'{text_cell(f"G{n}", kawin)}{text_cell(f"H{n}", jk)}{inline_string(f"I{n}", alamat)}'
            f'{text_cell(f"J{n}", rt)}{text_cell(f"K{n}", rw)}'
            f'{text_cell(f"L{n}", dis) if dis else ""}{text_cell(f"M{n}", ktp)}'
            f'{inline_string(f"N{n}", ket) if ket else ""}')


def _write_plain(ws, first: int, rows: list, dates: bool, date_fmt) -> None:
    """The same cells through xlsxwriter's public API (fallback, and reference in tests)."""
    for i, t in enumerate(rows):
        (_, no, nkk, nik, nama, tempat, tgl, tgl_cell, kawin, jk, alamat, rt, rw, dis, ktp, ket) = t
        r = first + i
        ws.write_number(r, 0, no)
        ws.write_string(r, 1, nkk)
        if isinstance(nik, float):
            ws.write_number(r, 2, nik)
        elif nik:
            ws.write_string(r, 2, nik)
        ws.write_string(r, 3, nama)
        ws.write_string(r, 4, tempat)
        if dates and tgl_cell is not None:
            ws.write_datetime(r, 5, datetime(tgl_cell.year, tgl_cell.month, tgl_cell.day), date_fmt)
        else:
            ws.write_string(r, 5, tgl)
        for col, value in zip(range(6, 14), (kawin, jk, alamat, rt, rw, dis, ktp, ket)):
            if value:
                ws.write_string(r, col, value)


def _sheet(wb, job: dict, tps: int, rows: list, formats: dict, fast: bool) -> None:
    ws = wb.add_worksheet(f"TPS {tps:03d}", worksheet_class=FormSheet if fast else None)
    for col, width in enumerate(WIDTHS):
        ws.set_column(col, col, width)
    ws.write_string(0, 0, TITLE, formats["bold"])
    for i, line in enumerate((f"PROVINSI : {PROVINCE_NAME}", f"KABUPATEN : {job.get('kabupaten', REGENCY_NAME)}",
                              f"KECAMATAN : {job['kecamatan']}", f"DESA/KELURAHAN : {job['desa']}",
                              f"TPS : {tps:03d}")):
        ws.write_string(1 + i, 0, line)
    _header(ws, formats["header"], fast)
    dates = job["date_cells"]
    if fast:
        style = formats["date"]._get_xf_index()
        ws.stream_rows(FIRST_DATA_ROW, [_render_row(FIRST_DATA_ROW + i, t, dates, style)
                                        for i, t in enumerate(rows)], len(HEADER) - 1)
    else:
        _write_plain(ws, FIRST_DATA_ROW, rows, dates, formats["date"])
    men = sum(1 for t in rows if t[9] == "L")
    women = len(rows) - men
    end = FIRST_DATA_ROW + len(rows)  # first row after the data: left blank
    ws.write_string(end + 1, 0, f"JUMLAH : L = {men}, P = {women}, TOTAL = {men + women}", formats["bold"])
    ws.write_string(end + 3, 9, f"{job['place']}, {SIGNATURE_DATE}")
    ws.write_string(end + 4, 9, "KETUA PPS")
    ws.write_string(end + 7, 9, job["signer"])


def write_workbook(job: dict, fast: bool | None = None) -> int:
    fast = FormSheet.supported() if fast is None else fast
    options = {"constant_memory": fast}
    if _FAST_TMP:
        options["tmpdir"] = _FAST_TMP  # xlsxwriter's many small temp files: RAM disk when there is one
    wb = xlsxwriter.Workbook(job["path"], options)
    wb.set_properties({"created": CREATED, "author": "PPS"})
    formats = {"bold": wb.add_format({"bold": True}),
               "header": wb.add_format({"bold": True, "align": "center", "valign": "vcenter",
                                        "border": 1, "text_wrap": True}),
               "date": wb.add_format({"num_format": "dd-mm-yyyy"})}
    for tps, rows in groupby(job["rows"], key=lambda t: t[0]):
        _sheet(wb, job, tps, list(rows), formats, fast)
    wb.close()
    return len(job["rows"])


def _write_by_key(key: str) -> int:
    return write_workbook(_JOBS[key])


class BackgroundWriter:
    """Writes the workbooks in worker processes while the caller goes on (CSV, ground truth):
    the workers are forked at start(), after the rows are final, and read them from _JOBS."""

    def __init__(self, jobs: dict[str, dict], processes: int = 2):
        self.jobs, self.processes = jobs, processes
        self.pool = self.results = None

    def start(self) -> BackgroundWriter:
        global _JOBS
        _JOBS = self.jobs
        order = sorted(self.jobs, key=lambda k: -len(self.jobs[k]["rows"]))  # biggest first
        if self.processes > 1 and self.jobs and "fork" in mp.get_all_start_methods():
            self.pool = mp.get_context("fork").Pool(self.processes)
            self.results = self.pool.imap_unordered(_write_by_key, order)
        else:
            self.results = iter(order)
        return self

    def wait(self, progress=None) -> None:
        global _JOBS
        try:
            for item in self.results:
                if self.pool is None:
                    _write_by_key(item)
                if progress:
                    progress.update(1)
            if self.pool is not None:
                self.pool.close()
                self.pool.join()
        finally:
            if self.pool is not None:
                self.pool.terminate()
            _JOBS = {}


def write_all(jobs: dict[str, dict], processes: int = 2, progress=None) -> None:
    BackgroundWriter(jobs, processes).start().wait(progress)
