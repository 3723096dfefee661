"""Step: KPU's periodic recap, counted from the events, and its printed forms.

Per village and kecamatan, male and female apart: voters at the start, new, TMS per code,
corrected, without KTP-el, at the end (store/recap.py replays the log; engine/recap.py counts).
Written as rekap.xlsx (the hand-back package's layout) and as the Rakor report (PDF): KPU's
letterhead, a number of KPU's (cycle/documents: issued once per period and kecamatan, kept when
printed again), KPU's signature block.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, Who, check_regime, local_today, working_regime
from pemilih.cycle.handback import DEFAULT_PLACE as REPORT_PLACE  # the regency's seat, where documents are signed

XLSX_TITLE = "Rekapitulasi pemutakhiran data pemilih berkelanjutan"
REPORT_TITLE = "Laporan Rapat Koordinasi Pemutakhiran Data Pemilih"
REPORT_KIND, REPORT_AGENCY = "laporan_rakor", "KPU"  # cycle/documents.DOCUMENT_KINDS


@dataclass(frozen=True)
class RecapRequest:
    start: date
    end: date
    regime: str | None = None  # None: the working regime (cycle.common.working_regime)
    out_dir: str | None = None  # write rekap_<start>_<end>.xlsx there
    who: Who | None = None  # with out_dir: also the Rakor report (PDF), its number issued as this person
    place: str = REPORT_PLACE

    def __post_init__(self):
        if self.end < self.start:
            raise StepError("Tanggal akhir periode sebelum tanggal awalnya")
        if self.regime is not None:
            check_regime(self.regime)


@dataclass
class RecapOutcome:
    recap: object  # store.recap.Recap
    path: Path | None = None  # rekap_<start>_<end>.xlsx
    report: Path | None = None  # laporan_rakor_<start>_<end>.pdf


def run(ws, request: RecapRequest, progress: Progress = SILENT) -> RecapOutcome:
    progress.stage("Menghitung rekap dari log peristiwa")
    result = period(ws, request.start, request.end, request.regime or working_regime(ws))
    path = report = None
    if request.out_dir is not None:
        out = Path(request.out_dir)
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"rekap_{request.start:%Y%m%d}_{request.end:%Y%m%d}.xlsx"
        write_xlsx(result, path)
        if request.who is not None:
            progress.stage("Menulis laporan Rakor")
            report = write_pdf(result, out / f"laporan_rakor_{request.start:%Y%m%d}_{request.end:%Y%m%d}.pdf",
                               ws=ws, who=request.who, place=request.place)
    return RecapOutcome(result, path, report)


def replay(ws, start: date, end: date):
    """The log replayed over the period (store/history.py): the list at the start of `start` and
    at the end of `end` (local days), and what happened between. ValueError for a reversed period."""
    from pemilih.store import history
    from pemilih.store.recap import bounds
    ws.activate()
    return history.period(*bounds(start, end))


def period(ws, start: date, end: date, regime: str, found=None):
    """The recap of a period (store.recap.Recap); `found`: the period's replay when the caller
    has it already (the hand-back and the dashboard share one)."""
    from pemilih.engine import recap as engine
    from pemilih.store.recap import Recap, tms_codes
    found = found if found is not None else replay(ws, start, end)
    codes = tms_codes(regime)
    villages = engine.recap(found.start, found.end, found.removals, found.corrected, codes)
    return Recap(start, end, regime, codes, villages, engine.by_kecamatan(villages), engine.total(villages),
                 found.events, engine.unresolved(villages), deletions(ws, start, end))


def deletions(ws, start: date, end: date) -> list[str]:
    """The retention runs of the period, one line each (what the Rakor report lists)."""
    from pemilih.cycle import retention
    from pemilih.store.recap import bounds
    lines = []
    for r in retention.recorded(ws, *bounds(start, end)):
        counts = ", ".join(f"{retention.label(k)} {v:,}" for k, v in r["counts"].items() if v)
        lines.append(f"{r['on']:%d-%m-%Y} (peristiwa #{r['seq']}), perjanjian {r['agreement']}, serah-kembali "
                     f"{r['handed_back']}: {counts or 'tidak ada baris'}")
    return lines


def of_list(ws, list_id: int, regime: str):
    """A stored election list counted as a moment: its voters at start and end, nothing
    happened in between (new, TMS and corrections are zero). StepError when there is no such list."""
    import polars as pl

    from pemilih.engine import recap as engine
    from pemilih.store.elections import list_state
    from pemilih.store.recap import Recap, tms_codes
    found = list_state(ws, list_id)
    if found is None:
        raise StepError(f"Daftar nomor {list_id} tidak ada")
    day, rows = found
    codes = tms_codes(regime)
    nothing = pl.DataFrame(schema={"key": pl.String, "code": pl.String})
    villages = engine.recap(rows, rows, nothing, pl.Series("key", [], dtype=pl.String), codes)
    return Recap(day, day, regime, codes, villages, engine.by_kecamatan(villages), engine.total(villages), 0,
                 engine.unresolved(villages))


def narrowed(result, kecamatan: str | None):
    """The recap of one kecamatan (its villages, its row, its total); all when None."""
    from dataclasses import replace

    import polars as pl

    from pemilih.engine import recap as engine
    if kecamatan is None:
        return result
    villages = result.villages.filter(pl.col("kecamatan") == kecamatan)
    return replace(result, villages=villages, kecamatan=engine.by_kecamatan(villages), total=engine.total(villages),
                   unresolved=engine.unresolved(villages))


def write_xlsx(result, path: Path, title: str = XLSX_TITLE, kecamatan: str | None = None) -> Path:
    from pemilih.io.recap_xlsx import write_recap
    write_recap(result, str(path), title=title + (f" - Kecamatan {kecamatan}" if kecamatan else ""))
    return path


def write_pdf(result, path: Path, kecamatan: str | None = None, printed_on: date | None = None, *,
              ws=None, who: Who | None = None, place: str = REPORT_PLACE) -> Path:
    """The Rakor report of `result`. With `ws`: under KPU's letterhead and signature block (its
    settings in cycle/documents); with `who` as well: numbered (one number per period, code
    table and kecamatan, the same when printed again); else the number it was given, if any,
    or a dotted line."""
    from pemilih.io.rakor_pdf import write_rakor_pdf
    day = printed_on or local_today()
    number, issuer = "", None
    if ws is not None:
        from pemilih.cycle import documents
        kpu = documents.profile(documents.settings(ws), REPORT_AGENCY, documents.regency_of(ws))
        issuer = {"agency": kpu.full_name, "name": kpu.signer, "position": kpu.position, "nip": kpu.nip}
        about = report_subject(result, kecamatan)
        if who is not None:
            number = documents.issue(ws, REPORT_AGENCY, REPORT_KIND, day, about, who)
        else:
            from pemilih.store.documents import issued
            number = issued(ws, REPORT_AGENCY, REPORT_KIND, about) or ""
    # The cooperation's sections speak for the regency: not in a kecamatan's report.
    cooperation = None
    if ws is not None and kecamatan is None:
        from pemilih.cycle.cooperation import rakor_sections
        cooperation = rakor_sections(ws, result.end_day)
    write_rakor_pdf(result, path, title=REPORT_TITLE, printed_on=day, kecamatan=kecamatan, number=number,
                    issuer=issuer, place=place, cooperation=cooperation)
    return Path(path)


def report_subject(result, kecamatan: str | None = None) -> str:
    """What one Rakor report is about: its period, code table and kecamatan (all when None)."""
    return (f"REKAP/{result.start_day:%Y%m%d}-{result.end_day:%Y%m%d}/{result.regime}"
            + (f"/{kecamatan}" if kecamatan else ""))
