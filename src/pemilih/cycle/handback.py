"""Step: DPML's hand-back package for KPU (formats.md section 5).

The changes against the list KPU shared (new voters, not eligible with their code and
evidence, corrected fields), the resulting list, the recap of the period and the signed
minutes, zipped with a manifest of every file's hash; the export rests on the data-sharing
agreement and is recorded as a transfer event.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pemilih.cycle.common import SILENT, Progress, StepError, Who, check_regime, local_today, working_regime

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Penyerahan kembali data pemilih hasil Pilkalem sebagai data dukung PDPB"
DEFAULT_PLACE = "Rantepao"
PERIOD = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,29}$")  # it becomes part of the file name


@dataclass(frozen=True)
class HandbackRequest:
    out_dir: str
    period: str  # e.g. 2027-Q1 or 2027-03
    agreement: str
    who: Who
    on: date | None = None  # the day of the hand-over; None: today (local)
    regime: str | None = None  # None: the working regime
    place: str = DEFAULT_PLACE  # where the minutes are signed

    def __post_init__(self):
        if not PERIOD.match(self.period or ""):
            raise StepError("Periode wajib diisi dengan huruf, angka atau tanda hubung, mis. 2027-Q1.")
        if self.regime is not None:
            check_regime(self.regime)


def run(ws, request: HandbackRequest, progress: Progress = SILENT):
    """store.handback.HandbackOutcome: the package's path, its manifest and the counts."""
    from pemilih.store.handback import build
    progress.stage("Menyusun paket serah-kembali")
    return build(ws, request.out_dir, period=request.period, agreement=request.agreement,
                 on=request.on or local_today(), regime=request.regime or working_regime(ws),
                 place=request.place or DEFAULT_PLACE, **request.who.event_args())
