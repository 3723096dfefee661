"""Step: delete (redact) the personal data past an agreement's retention (store/retention.py
says what and how). A dry run by default: it counts; `apply` redacts and records one event
with the counts, which the Rakor report lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pemilih.cycle.common import SILENT, Progress, Who, local_today

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Masa retensi perjanjian berbagi data berakhir"
LABELS = {"daftar_pemilih": "daftar pemilih (saat ini)", "daftar_dari_kpu": "baris daftar yang diterima dari KPU",
          "berkas_dari_kpu": "berkas asli dari KPU", "daftar_pilkalem": "baris DPS/DPT Pilkalem",
          "usulan_verifikasi": "usulan verifikasi", "peristiwa": "peristiwa log (isian pribadi dihitamkan)"}


@dataclass(frozen=True)
class RetentionRequest:
    who: Who
    on: date | None = None  # the day judged; None: today (local)
    apply: bool = False  # False: count only


def run(ws, request: RetentionRequest, progress: Progress = SILENT):
    """store.retention.RetentionOutcome."""
    from pemilih.store import retention
    progress.stage("Memeriksa masa retensi" if not request.apply else "Menghapus data pribadi lewat masa retensi")
    return retention.run(ws, request.on or local_today(), apply=request.apply, **request.who.event_args())


def label(name: str) -> str:
    return LABELS.get(name, name)


def recorded(ws, start=None, end=None) -> list[dict]:
    """The retention runs recorded, for reports: when, under which agreement, what counts."""
    from pemilih.store import recap, retention
    return [{"seq": e.seq, "on": e.happened_at.astimezone(recap.ZONE).date(), "agreement": e.payload.get("agreement"),
             "handed_back": e.payload.get("handed_back"), "counts": e.payload.get("counts", {}), "actor": e.actor}
            for e in retention.recorded(ws, start, end)]
