"""Step: share the current list with the village committees, one coklit workbook per village.

Each workbook (one sheet per TPS, the data as shared locked, STATUS and correction columns, a
PEMILIH BARU sheet) rests on the KPU-DPML data-sharing agreement and is recorded as a
transfer event (store/share.py); `collect` reads the returned workbooks back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pemilih.contract import COKLIT_SHARED_ELEMENTS
from pemilih.cycle.common import SILENT, Counter, Progress, StepError, Who, check_regime, local_today, working_regime
from pemilih.domain.agencies import PROVIDER, RECIPIENT

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Lembar kerja coklit untuk panitia"


@dataclass(frozen=True)
class ShareRequest:
    out_dir: str
    agreement: str
    who: Who
    on: date | None = None  # checked against the agreement's validity; None: today (local)
    regime: str | None = None  # the STATUS codes; None: the working regime
    villages: tuple[str, ...] = ()  # empty: every village of the current list
    processes: int = 2

    def __post_init__(self):
        if self.regime is not None:
            check_regime(self.regime)
        if self.processes < 1:
            raise StepError("Jumlah proses paling sedikit 1")


def run(ws, request: ShareRequest, progress: Progress = SILENT):
    """store.share.ShareOutcome: the workbooks written (paths), their events, rows, skipped."""
    from pemilih.store.share import share
    counter = Counter(progress, "Menulis lembar kerja per desa", len(request.villages) or None)
    return share(ws, request.out_dir, agreement=request.agreement, on=request.on or local_today(),
                 regime=request.regime or working_regime(ws), villages=list(request.villages) or None,
                 processes=request.processes, progress=counter, **request.who.event_args())


def agreement_for_villages(ws, codes: list[str], on: date | None = None):
    """(the KPU-DPML agreement in force covering every village and the workbook's columns,
    None) or (None, why not): what a download of workbooks rests on, the newest first."""
    from pemilih.store.agreements import in_force
    valid = in_force(ws, on or local_today(), {PROVIDER, RECIPIENT})
    if not valid:
        return None, ("Belum ada perjanjian berbagi data KPU-DPML yang berlaku hari ini; lembar kerja "
                      "coklit tidak dapat dibuat.")
    covering = [a for a in valid if all(a.covers(c) for c in codes)]
    if not covering:
        return None, "Perjanjian yang berlaku tidak mencakup desa " + ", ".join(codes) + "."
    allowing = [a for a in covering if set(COKLIT_SHARED_ELEMENTS) <= set(a.data_elements)]
    if not allowing:
        return None, (f"Perjanjian {covering[0].number} tidak mengizinkan semua kolom lembar kerja "
                      "coklit (elemen data).")
    return allowing[0], None
