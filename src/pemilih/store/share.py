"""Sharing the current list with the village committees: one coklit workbook per village.

Order of work, and why: the workbook must name the cut it was made from, and the cut's
LIST_SHARED event must hold the sha256 of the finished file, so neither can contain the other's
final number. Each workbook therefore gets a random cut id, written into its hidden base
version and into its event's payload (`payload["cut"]`); collect finds the event by that id.
The workbooks are written first (under temporary names, by two worker processes that start
on the first villages while the rest of the list is still being read), then all the events in
one transaction, then the files are renamed into place. If anything fails, the files are
deleted: a workbook without its event is never left behind.

Each event's payload keeps per TPS sheet `[key, last_seq, digest]` of every row (digest of
the locked cells, io/coklit_workbook.row_digest): what collect checks a returned workbook
against, and what tells whether a row changed in the workspace after the cut.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import re
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from pemilih.contract import COKLIT_SHARED_ELEMENTS
from pemilih.domain import codes
from pemilih.domain.regions import canonical_code
from pemilih.io import coklit_workbook as book
from pemilih.store import agreements, changes, events, settings

settings.ensure_configured()  # before the models are imported

# The list columns a workbook carries (canonical names, what the agreement must allow).
SHARED_ELEMENTS = COKLIT_SHARED_ELEMENTS
_READ = ["key", "last_seq", "kecamatan", "desa", "kode_desa", "tps", *book.LOCKED[1:]]


class ShareError(changes.ChangeError):
    """A share that cannot be made; the message says why (Bahasa Indonesia)."""


@dataclass(frozen=True)
class ShareOutcome:
    paths: list[Path]  # one workbook per village, in kode_desa order
    events: list[int]  # the LIST_SHARED event of each, same order
    rows: int = 0  # voters written
    skipped: int = 0  # voters without a village code: in no workbook


def share(ws, out_dir, *, agreement: str, on: date, regime: str = codes.DEFAULT_REGIME,
          villages: list[str] | None = None, actor: str, agency: str = "DPML", reason: str,
          processes: int = 2, progress=None) -> ShareOutcome:
    """Write one coklit workbook per village of the current list into out_dir, each recorded as
    a LIST_SHARED transfer under `agreement` (refused without a valid one)."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    if regime not in codes.regimes():
        raise ShareError(f"Rezim kode '{regime}' tidak dikenal; pilih: " + ", ".join(codes.regimes()))
    wanted = _villages(villages)
    terms = agreements.agreement_for(ws, agreement, on=on, provider="KPU", recipient="DPML",
                                     villages=wanted, elements=SHARED_ELEMENTS)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if progress is not None and getattr(progress, "total", 0) is None:
        progress.total = len(wanted)  # a bar opened before the villages were known
    jobs: list[book.WorkbookJob] = []
    counted = {"rows": 0, "skipped": 0}
    try:
        with _Writers(processes) as writers:
            with transaction.atomic():  # the rows and the base event from one read
                for job in _village_jobs(set(wanted), out, terms.number, on, regime, counted):
                    jobs.append(job)
                    writers.submit(job)
            written = writers.results(progress)
        with transaction.atomic():
            events = [_record(job, sha, sheets, terms, on, actor, agency, reason)
                      for job, (sha, sheets) in zip(jobs, written)]
    except BaseException:
        for job in jobs:
            Path(job.path).unlink(missing_ok=True)
        raise
    paths = []
    for job in jobs:
        final = out / job.base.file
        os.replace(job.path, final)
        paths.append(final)
    return ShareOutcome(paths, [e.seq for e in events], counted["rows"], counted["skipped"])


def _villages(villages) -> list[str]:
    """The villages asked for (canonical codes, each in the current list), or all of them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT kode_desa FROM store_voter WHERE kode_desa IS NOT NULL")
        listed = sorted(r[0] for r in cursor.fetchall())
    if not listed:
        raise ShareError("Daftar pemilih saat ini kosong; impor daftar KPU lebih dulu")
    if not villages:
        return listed
    found = []
    for v in villages:
        code = canonical_code(v)
        if code is None or code.count(".") != 3:
            raise ShareError(f"Kode desa '{v}' tidak sah; tulis seperti 73.26.01.2001")
        found.append(code)
    missing = sorted(set(found) - set(listed))
    if missing:
        raise ShareError("Desa tidak ada di daftar pemilih saat ini: " + ", ".join(missing))
    return sorted(set(found))


def _village_jobs(wanted: set[str], out: Path, agreement: str, on: date, regime: str, counted: dict):
    """One job per village as its rows arrive (list read in village order, list order within)."""
    cols = ", ".join(connection.ops.quote_name(c) for c in _READ)
    at = {c: i for i, c in enumerate(_READ)}
    kode = at["kode_desa"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM store_event")
        base_seq = cursor.fetchone()[0] or 0
        cursor.execute(f"SELECT {cols} FROM store_voter ORDER BY kode_desa, position")
        village, rows = None, []
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                if row[kode] != village:
                    if rows:
                        yield _job(village, rows, out, base_seq, agreement, on, regime, at)
                    village, rows = row[kode], []
                if row[kode] is None:
                    counted["skipped"] += 1
                elif row[kode] in wanted:
                    rows.append(row)
                    counted["rows"] += 1
        if rows:
            yield _job(village, rows, out, base_seq, agreement, on, regime, at)


def _job(kode_desa: str, rows: list[tuple], out: Path, base_seq: int, agreement: str, on: date,
         regime: str, at: dict) -> book.WorkbookJob:
    """A village's job; its `sheets` are still the raw list rows (the workers lay them out)."""
    desa, kecamatan = rows[0][at["desa"]] or "", rows[0][at["kecamatan"]] or ""
    name = file_name(kode_desa, desa)
    base = book.BaseVersion(uuid.uuid4().hex, kode_desa, desa.upper(), kecamatan.upper(), regime,
                            base_seq, agreement, on.strftime("%d-%m-%Y"), name)
    return book.WorkbookJob(str(out / f".{name}.{base.cut[:8]}.tmp"), base, rows)


def file_name(kode_desa: str, desa: str | None) -> str:
    name = re.sub(r"[^A-Z0-9]+", "_", (desa or "DESA").upper()).strip("_") or "DESA"
    return f"COKLIT_{kode_desa.replace('.', '')}_{name}.xlsx"


def _tps_order(tps: str | None) -> tuple:
    text = (tps or "").strip()
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _laid_out(raw: list[tuple]) -> list[book.TpsSheet]:
    """A village's rows as TPS sheets in TPS order, list order within each; each row
    (key, locked texts, no edits, last_seq)."""
    tps, first, date_at = _READ.index("tps"), _READ.index("nkk"), _READ.index("tanggal_lahir")
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
    sheet, [key, last_seq, digest] of every row: what the LIST_SHARED event keeps."""
    laid = book.WorkbookJob(job.path, job.base, _laid_out(job.sheets))
    sha, digests = book.write_workbook(laid)
    return sha, {s.name: [[r[0], r[3], d] for r, d in zip(s.rows, digests[s.name])] for s in laid.sheets}


class _Writers:
    """write_job over `processes` worker processes, fed while the list is still being read.

    Forked before the list is read (the workers hold none of it; each job travels pickled),
    so they write the first villages while this process reads the rest."""

    def __init__(self, processes: int):
        self.pool = None
        if processes > 1 and "fork" in mp.get_all_start_methods():
            self.pool = mp.get_context("fork").Pool(processes)
        self.pending: list = []

    def submit(self, job: book.WorkbookJob) -> None:
        self.pending.append(self.pool.apply_async(write_job, (job,)) if self.pool else job)

    def results(self, progress) -> list[tuple]:
        done = []
        for item in self.pending:
            done.append(item.get() if self.pool else write_job(item))
            if progress is not None:
                progress.update(1)
        return done

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            self.pool.terminate()  # results are all in (or we are failing): end the workers
            self.pool.join()


def _record(job, sha: str, sheets: dict, terms, on: date, actor, agency, reason):
    base = job.base
    record = events.ListShared(
        cut=base.cut, format=base.format, kode_desa=base.kode_desa, desa=base.desa, kecamatan=base.kecamatan,
        file=base.file, sha256=sha, regime=base.regime, base_seq=base.base_seq, shared_on=on,
        elements=SHARED_ELEMENTS, rows=sum(len(v) for v in sheets.values()), sheets=sheets)
    return agreements.record_transfer(terms, record, kind=events.LIST_SHARED, actor=actor, agency=agency,
                                      reason=reason)
