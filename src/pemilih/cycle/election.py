"""Step: a village-head election's lists: create it, set the DPS, record public responses, set
the DPT with its TPS and logistics, set the DPTb; and what each set list prints.

A list is set from the current list of the election's villages (store/elections.py, TPS by
engine/tps.py) and keeps the code table, TPS cap and ballot reserve it was set with, whoever
set it; its printed side (the list as a workbook, announcement PDFs per village, and for the
DPT the logistics as XLSX and PDF) is written here, from the stored list and those settings.
"""
from __future__ import annotations

import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pemilih.contract import ELECTION_STAGES, KPU_HEADERS, RESPONSE_ADD, RESPONSE_KEY, RESPONSE_KIND, RESPONSE_NIK
from pemilih.cycle.common import SILENT, Progress, StepError, Who, check_regime, local_today
from pemilih.domain import election_rules
from pemilih.domain.election_rules import dmy

if TYPE_CHECKING:
    import polars as pl

DPS, DPT, DPTB = ELECTION_STAGES
DEFAULT_REGIME = "PILKALEM"
DEFAULT_MAX_PER_TPS = 500  # SE Mendagri 141/6698/SJ capped a village's TPS at 500 voters
CREATE_REASON = "Penetapan penyelenggaraan Pilkalem"
RESPONSES_REASON = "Tanggapan masyarakat atas DPS"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")  # it goes into URLs and file names
LOGISTICS_PRESET = "pilkalem"


def stage_reason(stage: str) -> str:
    return f"Penetapan {stage} oleh panitia pemilihan"


@dataclass(frozen=True)
class CreateRequest:
    code: str
    name: str
    voting_day: date
    dps_set_on: date
    villages: tuple[str, ...]  # desa/lembang codes (`7326012001` is read as `73.26.01.2001`)
    who: Who
    regime: str = DEFAULT_REGIME
    max_per_tps: int = DEFAULT_MAX_PER_TPS
    reserve_percent: str | None = None  # ballots in reserve, % per TPS; None: the preset's 2.5
    # The schedule; None: the regime's default (domain/election_rules.py, data/election_rules.csv).
    announce_until: date | None = None  # the DPS is announced from its day until this one
    responses_until: date | None = None  # the response deadline
    dpt_set_on: date | None = None

    def __post_init__(self):
        from pemilih.domain.logistics import percent
        from pemilih.domain.regions import canonical_code
        if not CODE_PATTERN.match(self.code or ""):
            raise StepError("Kode pemilihan: huruf, angka, - atau _ saja (mis. PILKALEM2027).")
        if not (self.name or "").strip():
            raise StepError("Nama pemilihan wajib diisi.")
        check_regime(self.regime)
        if not self.villages:
            raise StepError("Pilih paling sedikit satu desa/lembang.")
        codes = tuple(dict.fromkeys(canonical_code(v) or v for v in self.villages))
        object.__setattr__(self, "villages", codes)
        refused = election_rules.village_problems(self.regime, codes)
        if refused:
            raise StepError(refused[0])
        if self.max_per_tps < 1:
            raise StepError("Jumlah pemilih paling banyak per TPS harus lebih dari 0")
        problems = self.schedule.problems()
        if problems:
            raise StepError(problems[0])
        if self.reserve_percent not in (None, ""):
            try:
                percent(self.reserve_percent)
            except ValueError as exc:
                raise StepError(f"Cadangan surat suara: {exc}") from None

    @property
    def schedule(self) -> election_rules.Schedule:
        return election_rules.schedule(self.regime, self.dps_set_on, self.voting_day,
                                       announce_until=self.announce_until, responses_until=self.responses_until,
                                       dpt_set_on=self.dpt_set_on)


def create(ws, request: CreateRequest, progress: Progress = SILENT):
    """The election made (store.models.Election), with its schedule."""
    from pemilih.store import elections
    progress.stage("Membuat pemilihan")
    planned = request.schedule
    return elections.create(ws, code=request.code, name=request.name.strip(), regime=request.regime,
                            voting_day=request.voting_day, dps_set_on=request.dps_set_on,
                            villages=list(request.villages), max_per_tps=request.max_per_tps,
                            reserve_percent=request.reserve_percent or None,
                            announce_until=planned.announce_until, responses_until=planned.responses_until,
                            dpt_set_on=planned.dpt_set_on, **request.who.event_args())


@dataclass(frozen=True)
class SetListRequest:
    code: str
    stage: str  # DPS, DPT or DPTb
    out_dir: str | None  # where its printed side goes; None: set the list only
    who: Who
    reserve_percent: str | None = None  # None: the election's
    announce: bool = True  # announcement PDFs per village
    listing: bool = True  # the list as a workbook
    processes: int = 2  # for the announcement PDFs
    # Why the list is set outside its scheduled period; refused there without one, kept on the event.
    schedule_reason: str | None = None
    # A DPT: the polling-day pack too (cycle/polling_day.py, in out_dir/hari_pemungutan). Off by
    # default: the pack names each TPS's place, entered once the DPT has fixed the TPS (then
    # `pemilih tps cetak`), and it prints every voter twice (copy and invitation), a minute's
    # work for a regency; the web's job prints it, with its progress shown.
    pack: bool = False
    papers: bool = True  # the committee's decision and minutes per village (cycle/list_documents.py)

    def __post_init__(self):
        if self.stage not in ELECTION_STAGES:
            raise StepError(f"Tahap '{self.stage}' tidak dikenal; pilih {', '.join(ELECTION_STAGES)}")
        object.__setattr__(self, "schedule_reason", (self.schedule_reason or "").strip() or None)
        if self.reserve_percent not in (None, ""):
            from pemilih.domain.logistics import percent
            try:
                percent(self.reserve_percent)
            except ValueError as exc:
                raise StepError(f"Cadangan surat suara: {exc}") from None


@dataclass
class SetListOutcome:
    list: object  # store.models.ElectionList
    voters: pl.DataFrame  # key, placing columns and tps_number, in list order
    warnings: list[str]
    paths: list[Path] = field(default_factory=list)

    @property
    def tps(self) -> int:
        return self.voters.select("kode_desa", "tps_number").n_unique() if self.voters.height else 0

    def documents(self, kind: str) -> list[Path]:
        """The papers of one kind printed for the list (`sk_dps`, `ba_dpt`: cycle/list_documents.py)."""
        from pemilih.cycle.list_documents import kind_of
        return [p for p in self.paths if kind_of(p) == kind]


def set_list(ws, request: SetListRequest, progress: Progress = SILENT) -> SetListOutcome:
    """The list placed at its TPS (engine/election_lists.py), stored with its settings
    (store/elections.py), then printed (unless out_dir is None)."""
    from pemilih.engine import election_lists
    from pemilih.store import elections
    e = elections.election(ws, request.code)
    off = stage_refusal(e, request.stage, request.schedule_reason)
    progress.stage(f"Menetapkan {request.stage} dan membagi TPS")
    voters, dpt = elections.voters_to_place(ws, e, request.stage)
    if dpt is not None:
        placed, warnings = election_lists.place_additional(voters, dpt)
    else:
        placed, warnings = election_lists.place(voters, e.max_per_tps)
    made = elections.record_list(ws, e, request.stage, placed, warnings,
                                 reserve_percent=request.reserve_percent or None,
                                 schedule_reason=request.schedule_reason if off else None,
                                 **request.who.event_args())
    paths = []
    if request.out_dir is not None:
        villages = made.voters["kode_desa"].n_unique() if made.voters.height else 0
        progress.stage("Mencetak daftar, pengumuman dan logistik", villages or None)
        paths = publish(made, e, Path(request.out_dir), processes=request.processes, announce=request.announce,
                        listing=request.listing, progress=progress, ws=ws if request.papers else None,
                        who=request.who, places=place_lines(ws, e.code))
        if request.stage == DPT and request.pack and made.voters.height:
            from pemilih.cycle import polling_day
            paths += polling_day.write_pack(ws, e, made.list, Path(request.out_dir) / polling_day.FOLDER, request.who,
                                            progress=progress).paths
    return SetListOutcome(made.list, made.voters, made.warnings, paths)


# --- the schedule --------------------------------------------------------------------------------------

OFF_SCHEDULE_HINT = "Penetapan di luar jadwal hanya dengan menyebut alasannya (alasan di luar jadwal)."


def stage_refusal(e, stage: str, schedule_reason: str | None, on: date | None = None) -> str | None:
    """Check that `stage` may be set on `on` (today): the lists it follows are set (the store's
    ElectionError), the regime knows a DPTb and its window is open, and, outside the stage's
    scheduled period, a reason is given (StepError naming the scheduled date). Returns the
    off-schedule message when a reason let it through, else None."""
    from pemilih.store import elections
    elections.check_order(e, stage)
    on = on or local_today()
    if stage == DPTB:
        refused = election_rules.dptb_refusal(e.regime, e.voting_day, on)
        if refused:
            raise StepError(refused)
        return None
    off = elections.schedule_of(e).off_schedule(stage, on)
    if off and not schedule_reason:
        raise StepError(f"{off}. {OFF_SCHEDULE_HINT}")
    return off


def check_stage(ws, code: str, stage: str, schedule_reason: str | None = None) -> None:
    """What set_list would refuse before any work (for a page that queues the work as a job)."""
    from pemilih.store import elections
    stage_refusal(elections.election(ws, code), stage, (schedule_reason or "").strip() or None)


@dataclass(frozen=True)
class StageDates:
    stage: str
    period: str  # the scheduled day(s), DD-MM-YYYY
    off: str | None  # why today is outside it (a reason is asked), else None
    refused: str | None  # why the stage cannot be set today at all (the regime's DPTb rule)


def timetable(ws, code: str, on: date | None = None) -> dict:
    """An election's schedule as a page shows it: the dates (`schedule`), and per stage its
    period and whether setting it today needs a reason or is refused."""
    from pemilih.store import elections
    e = elections.election(ws, code)
    on = on or local_today()
    planned = elections.schedule_of(e)
    stages = {}
    for stage in (DPS, DPT):
        first, last = planned.period(stage)
        span = dmy(last) if first == last else f"{dmy(first)} s.d. {dmy(last)}"
        stages[stage] = StageDates(stage, span, planned.off_schedule(stage, on), None)
    closes = election_rules.dptb_closes(e.regime, e.voting_day)
    stages[DPTB] = StageDates(DPTB, f"sampai {dmy(closes)}" if closes else "-", None,
                              election_rules.dptb_refusal(e.regime, e.voting_day, on))
    return {"schedule": planned, "stages": stages, "rules": election_rules.rules(e.regime), "today": on}


def logistics_params(made):
    """The logistics parameters of a set list: the Pilkalem preset with the list's reserve."""
    from pemilih.domain.logistics import LogisticsParams
    from pemilih.store.elections import settings_of
    reserve = settings_of(made)["reserve_percent"]
    return LogisticsParams.for_election(LOGISTICS_PRESET, **({"reserve_percent": reserve} if reserve else {}))


def publish(made, e, out: Path, *, processes: int = 2, progress: Progress = SILENT,
            announce: bool = True, listing: bool = True, ws=None, who: Who | None = None,
            places: dict | None = None) -> list[Path]:
    """The printed side of a set list (`made`: store.elections.SetList): with the workspace
    (`ws`) and who sets it, the committee's decision and minutes per village
    (cycle/list_documents.py, numbered there); for the DPT the logistics (XLSX and PDF); the
    list as a workbook with its TPS and the announcement PDFs per village, citing the
    decision, each TPS with its place (`places`: place_lines) (unless told not to)."""
    import polars as pl

    from pemilih.cycle import list_documents
    from pemilih.engine.election_lists import named
    from pemilih.io import voter_table, xlsx_tables
    from pemilih.io.announcement_pdf import write_announcements
    from pemilih.store.elections import rows_of
    out.mkdir(parents=True, exist_ok=True)
    paths, decisions = [], {}
    if ws is not None and who is not None:
        papers = list_documents.write(ws, made, e, out, who)
        paths += papers.all
        decisions = papers.references
    if made.list.stage == DPT and made.voters.height:
        paths += write_logistics(made, e, out)
    if not (announce or listing):
        return paths
    voters = named(rows_of(made.list)).with_columns(pl.col("tps_number").cast(pl.String).str.zfill(3).alias("tps"))
    if listing:
        book = out / f"{made.list.stage}_{e.code}.xlsx"
        with xlsx_tables.workbook(str(book)) as wb:
            xlsx_tables.text_sheet(wb, made.list.stage, voter_table.printed(voters))
        paths.append(book)
    if announce:
        done = [0]

        def printed(n: int) -> None:  # the writer says how many villages are done so far
            progress.advance(n - done[0])
            done[0] = n
        paths += write_announcements(voters, out / "pengumuman", title=f"Pengumuman {made.list.stage}",
                                     stage=made.list.stage, election_name=e.name, voting_day=e.voting_day,
                                     processes=processes, progress=printed, decisions=decisions, places=places,
                                     **notice_dates(e, made.list.stage))
    return paths


def place_lines(ws, code: str) -> dict[tuple[str, str], str]:
    """(kode_desa, TPS as `001`) -> `place, address` of the election's TPS register, as the
    announcements print them under each TPS's heading."""
    from pemilih.cycle.tps_places import places
    return {(kode, f"{tps:03d}"): p.line for (kode, tps), p in places(ws, code).items()}


def notice_dates(e, stage: str) -> dict:
    """What an announcement of `stage` says about its dates: the list answered by public
    responses (the DPS) prints its announcement period and the response deadline, as
    scheduled; the others invite no responses."""
    from pemilih.store.elections import schedule_of
    if stage != election_rules.RESPONDS_TO:
        return {}
    planned = schedule_of(e)
    return {"announced": (planned.dps_set_on, planned.announce_until), "responses_until": planned.responses_until}


def write_logistics(made, e, out: Path) -> list[Path]:
    from pemilih.engine.election_lists import tps_counts
    from pemilih.engine.logistics import logistics
    from pemilih.io.logistics_pdf import write_logistics_pdf
    from pemilih.io.logistics_xlsx import write_logistics_xlsx
    params = logistics_params(made.list)
    result = logistics(tps_counts(made.voters), params)
    title = f"Kebutuhan logistik per TPS — {e.name}"
    xlsx = out / "logistik.xlsx"
    write_logistics_xlsx(result, xlsx, title=title, params=params)
    pdf = write_logistics_pdf(result.per_tps, result.per_village, result.per_kecamatan, result.total,
                              out / "logistik.pdf", title=title, params=params)
    return [xlsx, pdf]


def zip_announcements(out: Path, stage: str, code: str) -> Path | None:
    """All villages' announcement PDFs in one file beside the others."""
    pdfs = sorted((out / "pengumuman").glob("*.pdf"))
    if not pdfs:
        return None
    target = out / f"pengumuman_{stage}_{code}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:
        for pdf in pdfs:  # PDFs are compressed already
            z.write(pdf, pdf.name)
    return target


def zip_papers(out: Path, stage: str, code: str) -> list[Path]:
    """The papers a set list printed into subfolders, each folder in one file beside the
    others (a page offers a folder's top-level files only): the villages' decisions and minutes
    (`keputusan_<stage>_<code>.zip`) and the polling-day pack (`hari_pemungutan_<code>.zip`,
    a folder per village inside, and the TPS register)."""
    from pemilih.cycle import list_documents, polling_day
    zipped = []
    for folder, target in ((out / list_documents.FOLDER, out / f"{list_documents.FOLDER}_{stage}_{code}.zip"),
                           (out / polling_day.FOLDER, out / f"{polling_day.FOLDER}_{code}.zip")):
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        if not files:
            continue
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as z:
            for path in files:  # PDFs are compressed already
                z.write(path, path.relative_to(folder).as_posix())
        zipped.append(target)
    return zipped


# --- public responses ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResponsesRequest:
    """Responses from a workbook (`path`) or typed into a form (`rows`: each as the workbook's
    reader gives a row, `(ref, {HEADER: text})`); either way the same checks and one event."""

    code: str
    path: str | None  # the responses workbook; None when the rows come from a form
    who: Who
    shown_name: str | None = None  # the file's name as sent (a server keeps uploads under its own)
    village: str | None = None  # a committee answers for its own village only
    # Why they are recorded after the response deadline; refused then without one, kept on the event.
    schedule_reason: str | None = None
    rows: tuple[tuple[str, dict], ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "schedule_reason", (self.schedule_reason or "").strip() or None)
        object.__setattr__(self, "rows", tuple(self.rows))
        if (self.path is None) == (not self.rows):
            raise StepError("Tanggapan datang dari satu berkas atau dari baris formulir, tidak keduanya")


def record_responses(ws, request: ResponsesRequest, progress: Progress = SILENT):
    """store.responses.ResponseOutcome; ResponseError (every bad row named) refuses them whole.

    Responses answer the DPS as announced: taken once it is set, until the response deadline
    (later only with a reason); what they change is in the current list the DPT is then set
    from, so a voter added in time is on the DPT. Once the DPT is set they are refused, unless
    the regime has a DPTb whose window is open (a general election: the DPTb takes them).
    A form's row goes the workbook's way from here on: the same village limit, judges and event."""
    from pemilih.store import elections, responses
    e = elections.election(ws, request.code)
    late = responses_refusal(e, request.schedule_reason)
    progress.stage("Membaca dan mencatat tanggapan")
    rows = list(request.rows) or _rows_of_file(request.path, request.shown_name)
    if request.village is not None:
        outside = _outside_village(ws, rows, request.village)
        if outside:
            raise responses.ResponseError(outside)
    return responses.record(ws, e, rows, schedule_reason=request.schedule_reason if late else None,
                            **request.who.event_args())


def _rows_of_file(path: str, shown_name: str | None) -> list[tuple[str, dict]]:
    from pemilih.io.responses import ResponsesUnreadable, read_responses
    from pemilih.store.responses import ResponseError
    try:
        rows = read_responses(path, shown_name)
    except ResponsesUnreadable as exc:
        raise ResponseError([str(exc)]) from None
    if not rows:
        raise ResponseError([f"{shown_name or Path(path).name}: tidak ada baris tanggapan di lembar pertama"])
    return rows


def responses_window(ws, code: str, on: date | None = None) -> tuple[str | None, str | None]:
    """(why responses cannot be taken on `on` (today) at all, why they need the off-schedule
    reason then): what a form shows before anything is typed, by responses_refusal's rule."""
    from pemilih.store import elections
    try:
        return None, responses_refusal(elections.election(ws, code), "-", on)
    except StepError as exc:
        return str(exc), None


def responses_refusal(e, schedule_reason: str | None, on: date | None = None) -> str | None:
    """StepError when responses cannot be taken on `on` (today); the late message when a
    reason let them through after the deadline, else None."""
    from pemilih.store import elections
    on = on or local_today()
    if elections.latest(e, election_rules.RESPONDS_TO) is None:
        raise StepError(f"{election_rules.RESPONDS_TO} {e.code} belum ditetapkan; tanggapan masyarakat menjawab "
                        f"{election_rules.RESPONDS_TO} yang diumumkan")
    if elections.latest(e, DPT) is not None:
        refused = election_rules.after_dpt_refusal(e.regime, e.voting_day, on)
        if refused:
            raise StepError(refused)
        return None
    late = elections.schedule_of(e).responses_late(on)
    if late and not schedule_reason:
        raise StepError(f"{late}. Tanggapan sesudah batas hanya dicatat dengan menyebut alasannya "
                        "(alasan di luar jadwal).")
    return late


def _outside_village(ws, rows: list[tuple[str, dict]], village: str) -> list:
    """Every row naming a voter of another village, or adding one elsewhere (the store checks
    the rest). Codes and NIKs are compared as the list stores them (`7326012001` is
    `73.26.01.2001`), by the store's own judge of a response cell."""
    from pemilih.domain.nik import clean_id
    from pemilih.store.elections import villages_of
    from pemilih.store.responses import WHICH_VOTER, Problem, judge_cell
    by_key, by_nik = villages_of(ws, keys={r.get(RESPONSE_KEY) for _, r in rows if r.get(RESPONSE_KEY)},
                                 niks={clean_id(r.get(RESPONSE_NIK)) for _, r in rows if clean_id(r.get(RESPONSE_NIK))})
    village_header = KPU_HEADERS["kode_desa"]
    problems = []
    for ref, r in rows:
        if (r.get(RESPONSE_KIND) or "").upper() == RESPONSE_ADD:
            # One that is no code at all is refused by the store with the judge's reason.
            code = judge_cell("kode_desa", r.get(village_header)).value
            if code and code != village:
                problems.append(Problem(ref, village_header, f"panitia hanya menambah pemilih desa {village}"))
            continue
        found = (by_key.get(r.get(RESPONSE_KEY)) if r.get(RESPONSE_KEY)
                 else by_nik.get(clean_id(r.get(RESPONSE_NIK))))
        if found is not None and found != village:
            problems.append(Problem(ref, WHICH_VOTER, f"pemilih ini bukan pemilih desa {village}"))
    return problems


# --- what a set list gives a village ----------------------------------------------------------------

def tps_table(ws, code: str, kode_desa: str, stage: str | None = None) -> tuple[str, bytes] | None:
    """(file name, workbook) of a village's TPS on a set list (the DPT, else the DPS): voters L/P,
    ballots with the list's reserve and equipment; None when the village has no voter on it."""
    from pemilih.engine import election_lists
    from pemilih.engine.logistics import logistics
    from pemilih.io.logistics_xlsx import reserve_note
    from pemilih.io.tps_table import tps_table_xlsx
    from pemilih.store import elections
    e = elections.election(ws, code)
    made = elections.latest(e, stage) if stage else (elections.latest(e, DPT) or elections.latest(e, DPS))
    if made is None:
        return None
    rows = elections.village_rows(made, kode_desa)
    if not rows.height:
        return None
    params = logistics_params(made)
    result = logistics(election_lists.tps_counts(rows), params)
    by_tps = {r["tps_number"]: r for r in elections.tps_summary(made, kode_desa)}
    from pemilih.cycle.tps_places import places
    entered = places(ws, e.code)
    table = [{**r, "l": by_tps.get(r["tps"], {}).get("l", 0), "p": by_tps.get(r["tps"], {}).get("p", 0),
              **_place_cells(entered.get((kode_desa, r["tps"])))} for r in result.per_tps.to_dicts()]
    first = table[0] if table else {}
    title = [f"Daftar TPS {made.stage} — {e.name}",
             f"{first.get('desa', '')} ({first.get('kode_desa', '')}), Kecamatan {first.get('kecamatan', '')}",
             reserve_note(params)]
    return f"TPS_{made.stage}_{kode_desa.replace('.', '')}.xlsx", tps_table_xlsx(title, table)


def _place_cells(place) -> dict:
    """A TPS's place as the TPS table's last columns (contract TPS_PLACE_HEADERS)."""
    if place is None:
        return {}
    return {"place": place.place, "address": place.address, "coordinates": place.coordinates}


def village_announcement(ws, code: str, kode_desa: str, stage: str, folder: Path) -> Path | None:
    """A village's announcement PDF of a set list, printed into `folder` once (a set list never
    changes) and moved in whole, so two requests at once never see half a file; printed again
    (in a subfolder) when TPS places were entered after the list was set."""
    import polars as pl

    from pemilih.cycle import list_documents
    from pemilih.engine import election_lists
    from pemilih.io.announcement_pdf import write_announcements
    from pemilih.store import elections
    e = elections.election(ws, code)
    made = elections.latest(e, stage)
    if made is None:
        return None
    from pemilih.cycle.tps_places import version
    register = version(ws, code)
    if register is not None and register > made.event_id:  # places entered after the list was set
        folder = folder / f"tempat-{register}"
    pattern = f"{made.stage}_{kode_desa.replace('.', '')}_*.pdf"
    found = sorted(folder.glob(pattern))
    if found:
        return found[0]
    rows = elections.village_rows(made, kode_desa)
    if not rows.height:
        return None
    voters = election_lists.named(rows).with_columns(pl.col("tps_number").cast(pl.String).str.zfill(3).alias("tps"))
    folder.mkdir(parents=True, exist_ok=True)
    reference = list_documents.reference_of(ws, code, made.stage, kode_desa, voters["desa"][0])
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        [printed] = write_announcements(voters, tmp, title=f"Pengumuman {made.stage}", stage=made.stage,
                                        election_name=e.name, voting_day=e.voting_day, processes=1,
                                        decisions={kode_desa: reference} if reference else None,
                                        places=place_lines(ws, e.code), **notice_dates(e, made.stage))
        final = folder / printed.name
        os.replace(printed, final)
    return final
