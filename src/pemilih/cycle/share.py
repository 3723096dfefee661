"""Step: share the current list with the village committees, one coklit workbook per village.

Each workbook (one sheet per TPS, the data as shared locked, STATUS and correction columns, a
PEMILIH BARU sheet) rests on the KPU-DPML data-sharing agreement and is recorded as a
transfer event (store/share.py); `collect` reads the returned workbooks back.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.contract import COKLIT_SHARED_ELEMENTS
from pemilih.cycle.common import SILENT, Progress, StepError, Who, check_regime, local_today, working_regime
from pemilih.domain.agencies import PROVIDER, RECIPIENT

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Lembar kerja coklit untuk panitia"


@dataclass(frozen=True)
class ShareRequest:
    out_dir: str
    agreement: str
    who: Who
    on: date | None = None  # checked against the agreement's validity; None: today (local)
    regime: str | None = None  # the STATUS codes; None: the election's, else the working regime
    villages: tuple[str, ...] = ()  # empty: every village of the current list (of the election)
    processes: int = 2
    # An election's code: only its villages are shared, a village outside it is refused (UU
    # 27/2022: no more personal data than the purpose needs). None: no election limits the share
    # (the command line and the web name the latest election: `default_election`).
    election: str | None = None

    def __post_init__(self):
        if self.regime is not None:
            check_regime(self.regime)
        if self.processes < 1:
            raise StepError("Jumlah proses paling sedikit 1")


@dataclass(frozen=True)
class ShareOutcome:
    paths: list[Path]  # one workbook per village, in kode_desa order
    events: list[int]  # the LIST_SHARED event of each, same order
    rows: int = 0  # voters written
    # Voters left out of every workbook because they have no village yet (the unresolved
    # queue, store/unresolved.py): their keys in list order, and why, as the outcome says it.
    unresolved: tuple[str, ...] = ()
    left_out_reason: str = ""

    @property
    def skipped(self) -> int:
        """How many voters are in no workbook."""
        return len(self.unresolved)


def run(ws, request: ShareRequest, progress: Progress = SILENT) -> ShareOutcome:
    """One coklit workbook per village of the current list into out_dir, each recorded as a
    LIST_SHARED transfer under the agreement (refused without a valid one)."""
    from django.db import transaction

    from pemilih.io import coklit_share
    from pemilih.store import share
    ws.activate()
    held = _election(ws, request.election)
    on = request.on or local_today()
    regime = request.regime or (held.regime if held is not None else working_regime(ws))
    wanted = share.villages(ws, list(request.villages) or None, within=held)
    terms = share.terms(ws, request.agreement, on, wanted)
    out = Path(request.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    progress.stage("Menulis lembar kerja per desa", len(wanted))
    jobs, counted = [], share.Counted()
    try:
        with coklit_share.Writers(request.processes) as writers:
            with transaction.atomic():  # the rows and the base event from one read
                for kode_desa, base_seq, rows in share.cut(set(wanted), counted):
                    jobs.append(coklit_share.job(kode_desa, rows, out, base_seq, terms.number, on, regime))
                    writers.submit(jobs[-1])
            written = writers.results(lambda: progress.advance(1))
        seqs = share.record([_shared(job, on, sha, sheets) for job, (sha, sheets) in zip(jobs, written)], terms,
                            **request.who.event_args())
    except BaseException:
        for job in jobs:
            Path(job.path).unlink(missing_ok=True)
        raise
    paths = []
    for job in jobs:
        final = out / job.base.file
        os.replace(job.path, final)
        paths.append(final)
    return ShareOutcome(paths, seqs, counted.rows, tuple(counted.unresolved),
                        share.LEFT_OUT_REASON if counted.unresolved else "")


def _election(ws, code: str | None):
    from pemilih.store import elections
    return elections.election(ws, code) if code else None


def default_election(ws) -> str | None:
    """The election a share is for unless told otherwise: the latest one (None: none yet)."""
    from pemilih.store.elections import latest_election
    found = latest_election(ws)
    return found.code if found is not None else None


def _shared(job, on: date, sha: str, sheets: dict):
    from pemilih.store.share import shared
    b = job.base
    return shared(b.cut, b.format, b.kode_desa, b.desa, b.kecamatan, b.file, b.regime, b.base_seq, on, sha, sheets)


NO_AGREEMENT = ("Belum ada perjanjian berbagi data KPU-DPML yang berlaku hari ini; lembar kerja "
                "coklit tidak dapat dibuat.")


def agreement_for_villages(ws, codes: list[str], on: date | None = None):
    """(the KPU-DPML agreement in force covering every village and the workbook's columns,
    None) or (None, why not): what a download of workbooks rests on, the newest first."""
    from pemilih.store.agreements import in_force
    valid = in_force(ws, on or local_today(), {PROVIDER, RECIPIENT})
    if not valid:
        return None, NO_AGREEMENT
    return _choose(valid, codes)


def agreements_by_village(ws, codes: list[str], on: date | None = None) -> dict:
    """Per village: (the agreement its workbook would rest on, None) or (None, why none)."""
    from pemilih.store.agreements import in_force
    valid = in_force(ws, on or local_today(), {PROVIDER, RECIPIENT})
    if not valid:
        return {c: (None, NO_AGREEMENT) for c in codes}
    return {c: _choose(valid, [c]) for c in codes}


def _choose(valid: list, codes: list[str]):
    covering = [a for a in valid if all(a.covers(c) for c in codes)]
    if not covering:
        return None, "Perjanjian yang berlaku tidak mencakup desa " + ", ".join(codes) + "."
    allowing = [a for a in covering if set(COKLIT_SHARED_ELEMENTS) <= set(a.data_elements)]
    if not allowing:
        return None, (f"Perjanjian {covering[0].number} tidak mengizinkan semua kolom lembar kerja "
                      "coklit (elemen data).")
    return allowing[0], None
