"""Step: KPU's periodic recap, counted from the events, and its printed forms.

Per village and kecamatan, male and female apart: voters at the start, new, TMS per code,
corrected, without KTP-el, at the end (store/recap.py replays the log; engine/recap.py counts).
Written as rekap.xlsx (the hand-back package's layout) or as the Rakor report (PDF).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, check_regime, local_today, working_regime

XLSX_TITLE = "Rekapitulasi pemutakhiran data pemilih berkelanjutan"
REPORT_TITLE = "Laporan Rapat Koordinasi Pemutakhiran Data Pemilih"


@dataclass(frozen=True)
class RecapRequest:
    start: date
    end: date
    regime: str | None = None  # None: the working regime (cycle.common.working_regime)
    out_dir: str | None = None  # write rekap_<start>_<end>.xlsx there

    def __post_init__(self):
        if self.end < self.start:
            raise StepError("Tanggal akhir periode sebelum tanggal awalnya")
        if self.regime is not None:
            check_regime(self.regime)


@dataclass
class RecapOutcome:
    recap: object  # store.recap.Recap
    path: Path | None = None


def run(ws, request: RecapRequest, progress: Progress = SILENT) -> RecapOutcome:
    from pemilih.store.recap import recap
    progress.stage("Menghitung rekap dari log peristiwa")
    result = recap(ws, request.start, request.end, request.regime or working_regime(ws))
    path = None
    if request.out_dir is not None:
        out = Path(request.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"rekap_{request.start:%Y%m%d}_{request.end:%Y%m%d}.xlsx"
        write_xlsx(result, path)
    return RecapOutcome(result, path)


def write_xlsx(result, path: Path, title: str = XLSX_TITLE, kecamatan: str | None = None) -> Path:
    from pemilih.io.recap_xlsx import write_recap
    write_recap(result, str(path), title=title + (f" - Kecamatan {kecamatan}" if kecamatan else ""))
    return path


def write_pdf(result, path: Path, kecamatan: str | None = None, printed_on: date | None = None) -> Path:
    from pemilih.io.rakor_pdf import write_rakor_pdf
    write_rakor_pdf(result, path, title=REPORT_TITLE, printed_on=printed_on or local_today(), kecamatan=kecamatan)
    return path
