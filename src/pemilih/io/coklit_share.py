"""Writing the coklit workbooks of a share: one job per village, laid out and written in worker
processes while the caller goes on reading the list (the share step, cycle/share.py).

A job's rows are the list rows it was cut from (contract COKLIT_CUT_COLUMNS); a worker lays
them out as TPS sheets (TPS order, list order within) and writes the workbook
(io/coklit_write.py), returning its sha256 and, per sheet, [key, last_seq, digest] of every row:
what the share's event keeps and collect checks a returned workbook against.
"""
from __future__ import annotations

import multiprocessing as mp
import re
import uuid
from datetime import date
from pathlib import Path

from pemilih.contract import COKLIT_CUT_COLUMNS
from pemilih.io import coklit_workbook as book

_AT = {c: i for i, c in enumerate(COKLIT_CUT_COLUMNS)}


def file_name(kode_desa: str, desa: str | None) -> str:
    name = re.sub(r"[^A-Z0-9]+", "_", (desa or "DESA").upper()).strip("_") or "DESA"
    return f"COKLIT_{kode_desa.replace('.', '')}_{name}.xlsx"


def job(kode_desa: str, rows: list[tuple], out: Path, base_seq: int, agreement: str, on: date,
        regime: str) -> book.WorkbookJob:
    """A village's job, written under a temporary name; its `sheets` are still the raw rows."""
    desa, kecamatan = rows[0][_AT["desa"]] or "", rows[0][_AT["kecamatan"]] or ""
    name = file_name(kode_desa, desa)
    base = book.BaseVersion(uuid.uuid4().hex, kode_desa, desa.upper(), kecamatan.upper(), regime,
                            base_seq, agreement, on.strftime("%d-%m-%Y"), name)
    return book.WorkbookJob(str(out / f".{name}.{base.cut[:8]}.tmp"), base, rows)


def _tps_order(tps: str | None) -> tuple:
    text = (tps or "").strip()
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _laid_out(raw: list[tuple]) -> list[book.TpsSheet]:
    """A village's rows as TPS sheets in TPS order, list order within each; each row
    (key, locked texts, no edits, last_seq)."""
    tps, first, date_at = _AT["tps"], _AT["nkk"], _AT["tanggal_lahir"]
    names = {value: (_tps_order(value), book.sheet_name(value)) for value in {r[tps] for r in raw}}
    sheets: dict[str, list] = {}
    for r in sorted(raw, key=lambda r: names[r[tps]][0]):  # stable: list order kept
        sheets.setdefault(names[r[tps]][1], []).append(r)
    out = []
    for name, part in sheets.items():
        rows = []
        for n, r in enumerate(part, start=1):
            cells = [str(n), *["" if v is None else v for v in r[first:]]]
            cells[date_at - first + 1] = book.shown("tanggal_lahir", r[date_at])
            rows.append((r[0], cells, None, r[1]))
        out.append(book.TpsSheet(name, rows))
    return out


def write_job(job: book.WorkbookJob) -> tuple[str, dict]:
    """Lay out and write one village's workbook (in a worker); returns its sha256 and, per
    sheet, [key, last_seq, digest] of every row."""
    laid = book.WorkbookJob(job.path, job.base, _laid_out(job.sheets))
    sha, digests = book.write_workbook(laid)
    return sha, {s.name: [[r[0], r[3], d] for r, d in zip(s.rows, digests[s.name])] for s in laid.sheets}


class Writers:
    """write_job over `processes` worker processes, fed while the list is still being read.

    Forked before the list is read (the workers hold none of it; each job travels pickled),
    so they write the first villages while the caller reads the rest."""

    def __init__(self, processes: int):
        self.pool = None
        if processes > 1 and "fork" in mp.get_all_start_methods():
            self.pool = mp.get_context("fork").Pool(processes)
        self.pending: list = []

    def submit(self, job: book.WorkbookJob) -> None:
        self.pending.append(self.pool.apply_async(write_job, (job,)) if self.pool else job)

    def results(self, done_one=None) -> list[tuple]:
        """(sha256, sheets) of every job, in the order submitted; done_one() after each."""
        done = []
        for item in self.pending:
            done.append(item.get() if self.pool else write_job(item))
            if done_one is not None:
                done_one()
        return done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()  # results are all in (or we are failing): end the workers
            self.pool.join()
