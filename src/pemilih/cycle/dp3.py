"""Step: the DP3 programme (Desa Peduli Pemilu dan Pemilihan; what it is and where the facts
come from: domain/dp3.py). KPU designates focus villages (lokus) per year with the reasons and
the agreement with the village head; cadres are registered with their consent, corrected, or
withdraw their consent; trainings and activities are recorded; yearly reports per village and
for the regency are counted from the events (store/dp3.py) and printed (XLSX, signable PDF).

Every request is checked whole before anything is written, and refused naming the field and
the reason. Counts are by sex and component; a cadre who withdrew consent is still counted,
never named. A report puts the village's voters beside the programme: the list on the day
the programme began in the village (its first agreement, else 1 January of its first lokus
year) and at the report's day, by sex, as the periodic recap counts them (cycle/recap.py, the
event log replayed by store/history.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pemilih.cycle.common import StepError, Who, local_today
from pemilih.domain import dp3 as rules
from pemilih.domain.masking import mask_digits_in_text as scrub

REPORT_KIND, REPORT_AGENCY = "laporan_dp3", "KPU"  # cycle/documents.DOCUMENT_KINDS
RECORD_REASON = "Program Desa Peduli Pemilu dan Pemilihan (DP3)"
PRINT_REASON = "Cetak laporan tahunan program DP3"
REPORT_TITLE = "Laporan Tahunan Program Desa Peduli Pemilu dan Pemilihan (DP3)"
WITHDRAWN = "(persetujuan dicabut)"


def _refuse(problems: list[str]) -> None:
    if problems:
        raise StepError("; ".join(problems))


def _village(ws, kode_desa: str) -> tuple[str, str, str]:
    """(code, KECAMATAN, DESA) of a village of the region reference, else of the current list;
    StepError when neither knows it."""
    from pemilih.domain.region_tables import printed_names
    from pemilih.domain.regions import canonical_code, is_village_code
    from pemilih.store.dp3 import listed_village
    code = canonical_code(kode_desa or "") or kode_desa
    names = printed_names([code]).get(code) if is_village_code(code) else None
    names = names or (listed_village(ws, code) if is_village_code(code) else None)
    if names is None:
        raise StepError(f"Kode desa/lembang '{kode_desa}' tidak dikenal (tulis seperti 73.26.01.2001)")
    return code, names[0], names[1]


# --- the steps ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LokusRequest:
    year: int
    kode_desa: str
    reasons: tuple[str, ...]
    agreement_number: str
    agreement_on: date
    signatories: tuple[dict, ...]  # name, position, agency: KPU's and the village head's at least
    who: Who
    note: str = ""


def designate(ws, request: LokusRequest) -> int:
    """A village made a lokus for a year (designated again: the later designation holds)."""
    from pemilih.store import dp3, events
    code, kecamatan, desa = _village(ws, request.kode_desa)
    where = f"Lokus {desa} ({code}) tahun {request.year}"
    wrong = rules.year_problems(request.year, request.agreement_on, where)
    wrong += rules.reason_problems(list(request.reasons), where)
    if not (request.agreement_number or "").strip():
        wrong.append(f"{where}: nomor perjanjian kerja sama (PKS/nota kesepahaman) dengan kepala desa wajib diisi")
    if len(request.signatories) < 2:
        wrong.append(f"{where}: penanda tangan perjanjian sedikitnya dua (KPU dan kepala desa)")
    for i, s in enumerate(request.signatories, 1):
        if not (s.get("name") or "").strip() or not (s.get("position") or "").strip():
            wrong.append(f"{where}: penanda tangan ke-{i}: nama dan jabatan wajib diisi")
    _refuse(wrong)
    signers = [{k: " ".join(str(s.get(k) or "").split()) for k in ("name", "position", "agency")}
               for s in request.signatories]
    return dp3.designate(ws, events.Dp3LokusDesignated(
        year=request.year, kode_desa=code, desa=desa, kecamatan=kecamatan, reasons=list(request.reasons),
        agreement_number=request.agreement_number.strip(), agreement_on=request.agreement_on,
        signatories=signers, note=request.note.strip()), **request.who.event_args())


def _lokus_of(state, kode_desa: str, on: date):
    """The village's latest lokus designation up to `on`'s year; StepError when it is none."""
    found = [lok for (year, code), lok in state.lokus.items() if code == kode_desa and year <= on.year]
    if not found:
        raise StepError(f"Desa {kode_desa} belum ditetapkan sebagai lokus DP3 sampai tahun {on.year}")
    return max(found, key=lambda lok: lok.year)


@dataclass(frozen=True)
class CadreRequest:
    kode_desa: str
    registered_on: date
    name: str
    sex: str
    component: str
    consent_on: date
    consent_how: str  # e.g. "formulir persetujuan bertanda tangan"
    who: Who
    birth_year: int | None = None
    phone: str | None = None
    recruited_by: str | None = None  # the recruiting cadre's number


def register(ws, request: CadreRequest) -> tuple[int, str]:
    """(seq, the cadre's number)."""
    from pemilih.store import dp3, events
    code, _kec, desa = _village(ws, request.kode_desa)
    state = dp3.state(ws)
    _lokus_of(state, code, request.registered_on)
    where = f"Kader {desa} ({code})"
    cadre = rules.Cadre(" ".join((request.name or "").split()), (request.sex or "").upper(), request.component,
                        request.birth_year, (request.phone or "").strip() or None)
    wrong = rules.cadre_problems(cadre, registered_on=request.registered_on, where=where)
    if not (request.consent_how or "").strip():
        wrong.append(f"{where}: cara persetujuan kader dicatat wajib diisi (mis. formulir bertanda tangan)")
    if request.consent_on is None or request.consent_on > request.registered_on:
        wrong.append(f"{where}: persetujuan harus diberikan pada atau sebelum tanggal pendaftaran")
    if request.recruited_by:
        by = state.cadres.get(request.recruited_by)
        if by is None or by.kode_desa != code:
            wrong.append(f"{where}: kader perekrut {request.recruited_by} tidak terdaftar di desa ini")
    _refuse(wrong)
    return dp3.register(ws, events.Dp3CadreRegistered(
        cadre="", kode_desa=code, registered_on=request.registered_on, name=cadre.name, sex=cadre.sex,
        component=cadre.component, birth_year=cadre.birth_year, phone=cadre.phone, consent_on=request.consent_on,
        consent_how=request.consent_how.strip(), recruited_by=request.recruited_by or None),
        **request.who.event_args())


def _cadre(state, number: str):
    found = state.cadres.get(number)
    if found is None:
        raise StepError(f"Kader {number} tidak terdaftar")
    return found


def correct(ws, cadre: str, values: dict, who: Who) -> int:
    """A cadre's data corrected (`values`: any of name, sex, component, birth_year, phone)."""
    from pemilih.store import dp3, events
    state = dp3.state(ws)
    was = _cadre(state, cadre)
    unknown = sorted(set(values) - set(dp3.CORRECTABLE))
    if unknown or not values:
        raise StepError(f"Kader {cadre}: yang dapat diperbaiki hanya {', '.join(dp3.CORRECTABLE)}")
    if was.hidden and set(values) & set(dp3.PERSONAL):
        raise StepError(f"Kader {cadre}: persetujuan telah dicabut; data pribadinya tidak dicatat lagi")
    after = rules.Cadre(values.get("name", was.name or "tanpa nama"), values.get("sex", was.sex),
                        values.get("component", was.component), values.get("birth_year", was.birth_year),
                        values.get("phone", was.phone))
    _refuse(rules.cadre_problems(after, registered_on=was.registered_on, where=f"Kader {cadre}"))
    return dp3.correct(ws, events.Dp3CadreCorrected(cadre=cadre, values=dict(values)), **who.event_args())


def withdraw(ws, cadre: str, on: date, how: str, who: Who) -> int:
    """A cadre withdrew consent: their personal data is not shown from now on; counted still."""
    from pemilih.store import dp3, events
    was = _cadre(dp3.state(ws), cadre)
    if was.hidden:
        raise StepError(f"Kader {cadre}: persetujuan sudah dicabut pada {was.withdrawn_on:%d-%m-%Y}")
    if not (how or "").strip():
        raise StepError(f"Kader {cadre}: cara pencabutan persetujuan wajib diisi")
    if on < was.registered_on:
        raise StepError(f"Kader {cadre}: tanggal pencabutan {on:%d-%m-%Y} sebelum pendaftarannya")
    return dp3.withdraw(ws, events.Dp3ConsentWithdrawn(cadre=cadre, withdrawn_on=on, how=how.strip()),
                        **who.event_args())


@dataclass(frozen=True)
class TrainingRequest:
    kode_desa: str
    held_on: date
    title: str
    cadres: tuple[str, ...]
    who: Who
    mode: str = "luring"


def train(ws, request: TrainingRequest) -> int:
    from pemilih.store import dp3, events
    code, _kec, desa = _village(ws, request.kode_desa)
    state = dp3.state(ws)
    _lokus_of(state, code, request.held_on)
    where = f"Pelatihan {desa} ({code}) {request.held_on:%d-%m-%Y}"
    wrong = []
    if not (request.title or "").strip():
        wrong.append(f"{where}: nama pelatihan wajib diisi (mis. Bimtek kader DP3)")
    if request.mode not in rules.MODES:
        wrong.append(f"{where}: cara '{request.mode}' tidak dikenal; pilih dari: {', '.join(rules.MODES)}")
    if not request.cadres:
        wrong.append(f"{where}: sebut kader yang hadir")
    for number in request.cadres:
        c = state.cadres.get(number)
        if c is None or c.kode_desa != code:
            wrong.append(f"{where}: kader {number} tidak terdaftar di desa ini")
        elif c.registered_on > request.held_on:
            wrong.append(f"{where}: kader {number} baru terdaftar {c.registered_on:%d-%m-%Y}")
    if len(set(request.cadres)) != len(request.cadres):
        wrong.append(f"{where}: kader yang sama disebut dua kali")
    _refuse(wrong)
    return dp3.train(ws, events.Dp3TrainingRecorded(
        kode_desa=code, year=request.held_on.year, held_on=request.held_on, title=request.title.strip(),
        mode=request.mode, cadres=list(request.cadres)), **request.who.event_args())


@dataclass(frozen=True)
class ActivityRequest:
    kode_desa: str
    held_on: date
    kind: str
    topic: str
    participants: dict  # segment -> {"L": n, "P": n}
    who: Who
    mode: str = "luring"
    stage: str | None = None  # None: the stage of the year


def record_activity(ws, request: ActivityRequest) -> int:
    from pemilih.store import dp3, events
    code, _kec, desa = _village(ws, request.kode_desa)
    _lokus_of(dp3.state(ws), code, request.held_on)
    where = f"Kegiatan {desa} ({code}) {request.held_on:%d-%m-%Y}"
    year = request.held_on.year
    wrong = rules.year_problems(year, request.held_on, where)
    if not wrong:
        stage = request.stage or rules.stage_of(year)
        if stage not in rules.STAGES.values():
            wrong.append(f"{where}: tahap '{stage}' tidak dikenal; pilih dari: {', '.join(rules.STAGES.values())}")
    if request.kind not in rules.ACTIVITY_KINDS:
        wrong.append(f"{where}: jenis '{request.kind}' tidak dikenal; pilih dari: {', '.join(rules.ACTIVITY_KINDS)}")
    if request.mode not in rules.MODES:
        wrong.append(f"{where}: cara '{request.mode}' tidak dikenal; pilih dari: {', '.join(rules.MODES)}")
    if not (request.topic or "").strip():
        wrong.append(f"{where}: topik wajib diisi")
    wrong += rules.participant_problems(request.participants, where)
    _refuse(wrong)
    return dp3.activity(ws, events.Dp3ActivityRecorded(
        kode_desa=code, year=year, stage=stage, held_on=request.held_on, kind=request.kind,
        topic=request.topic.strip(), mode=request.mode,
        participants={s: {x: int(n) for x, n in by.items()} for s, by in request.participants.items()}),
        **request.who.event_args())


# --- the yearly report --------------------------------------------------------------------------

@dataclass
class VillageReport:
    """One lokus in one year: counts only, apart from `roster` (the village's own use)."""

    year: int
    lokus: object  # store.dp3.Lokus
    stage: str
    cadres: dict = field(default_factory=dict)  # component -> {"L": n, "P": n}
    recruited: int = 0  # cadres recruited by another cadre
    withdrawn: int = 0  # cadres who withdrew consent (counted, never named)
    trainings: list = field(default_factory=list)  # store.dp3.Training of the year
    trained: int = 0  # cadres who attended a training of the year
    activities: list = field(default_factory=list)  # store.dp3.Activity of the year
    by_stage: dict = field(default_factory=dict)  # stage -> (activities, L, P)
    participants: dict = field(default_factory=dict)  # segment -> {"L": n, "P": n}
    roster: list = field(default_factory=list)  # store.dp3.Cadre (internal only)
    voters_from: date | None = None
    voters_to: date | None = None
    voters_before: tuple[int, int, int] | None = None  # L, P, total
    voters_after: tuple[int, int, int] | None = None

    @property
    def kode_desa(self) -> str:
        return self.lokus.kode_desa

    @property
    def cadre_total(self) -> int:
        return sum(n for by in self.cadres.values() for n in by.values())

    @property
    def shortfall(self) -> int:
        return max(rules.TARGET_CADRES - self.cadre_total, 0)

    def cadre_rows(self):
        return rules.count_rows(self.cadres, rules.COMPONENTS)

    def participant_rows(self):
        return rules.count_rows(self.participants)


@dataclass
class Report:
    year: int
    on: date  # counted up to this day
    villages: list[VillageReport]

    @property
    def stage(self) -> str:
        return rules.stage_of(self.year)

    def totals(self) -> VillageReport:
        """The regency's: every lokus summed (a VillageReport without a lokus)."""
        out = VillageReport(self.year, None, self.stage)
        before, after = [0, 0, 0], [0, 0, 0]
        for v in self.villages:
            for source, into in ((v.cadres, out.cadres), (v.participants, out.participants)):
                for seg, by in source.items():
                    for sex, n in by.items():
                        rules.add_counts(into, seg, sex, n)
            out.recruited += v.recruited
            out.withdrawn += v.withdrawn
            out.trained += v.trained
            out.trainings += v.trainings
            out.activities += v.activities
            for stage, (n, l_, p_) in v.by_stage.items():
                was = out.by_stage.get(stage, (0, 0, 0))
                out.by_stage[stage] = (was[0] + n, was[1] + l_, was[2] + p_)
            for total, own in ((before, v.voters_before), (after, v.voters_after)):
                for i, n in enumerate(own or (0, 0, 0)):
                    total[i] += n
        out.voters_before, out.voters_after = tuple(before), tuple(after)
        return out


def report(ws, year: int, on: date | None = None, kode_desa: str | None = None, *, voters: bool = True) -> Report:
    """The programme in `year` counted up to `on` (bawaan: the year's end, or today within
    it): every lokus of that year (one village's with `kode_desa`). `voters`: with the voter
    figures beside it (a replay of the log: skipped where only the counts are needed)."""
    from pemilih.store import dp3
    if isinstance(year, bool) or not isinstance(year, int) or year < rules.FIRST_YEAR:
        raise StepError(f"Tahun program harus {rules.FIRST_YEAR} atau sesudahnya, bukan {year!r}")
    end = date(year, 12, 31)
    on = min(on or local_today(), end)
    if on.year < year:
        raise StepError(f"Tanggal laporan {on:%d-%m-%Y} sebelum tahun program {year}")
    state = dp3.state(ws)
    wanted = [lok for (y, code), lok in sorted(state.lokus.items()) if y == year
              and (kode_desa is None or code == kode_desa)]
    if kode_desa is not None and not wanted:
        raise StepError(f"Desa {kode_desa} bukan lokus DP3 tahun {year}")
    villages = [_village_report(state, lok, year, on) for lok in wanted]
    if voters:
        _voters(ws, state, villages, on)
    return Report(year, on, villages)


def _village_report(state, lok, year: int, on: date) -> VillageReport:
    out = VillageReport(year, lok, rules.stage_of(year))
    for c in state.cadres.values():
        if c.kode_desa != lok.kode_desa or c.registered_on > on:
            continue
        rules.add_counts(out.cadres, c.component, c.sex)
        out.recruited += c.recruited_by is not None
        hidden = c.withdrawn_on is not None and c.withdrawn_on <= on
        out.withdrawn += hidden
        out.roster.append(c)
    out.trainings = [t for t in state.trainings if t.kode_desa == lok.kode_desa and t.year == year
                     and t.held_on <= on]
    out.trained = len({n for t in out.trainings for n in t.cadres})
    out.activities = [a for a in state.activities if a.kode_desa == lok.kode_desa and a.year == year
                      and a.held_on <= on]
    for a in out.activities:
        men = women = 0
        for seg, by in a.participants.items():
            for sex, n in by.items():
                rules.add_counts(out.participants, seg, sex, n)
                men, women = men + (n if sex == "L" else 0), women + (n if sex == "P" else 0)
        was = out.by_stage.get(a.stage, (0, 0, 0))
        out.by_stage[a.stage] = (was[0] + 1, was[1] + men, was[2] + women)
    return out


def began(state, kode_desa: str) -> date:
    """The day the programme began in a village: its first agreement, else 1 January of its
    first lokus year."""
    days = [lok.agreement_on or date(y, 1, 1) for (y, code), lok in state.lokus.items() if code == kode_desa]
    return min(days)


def _voters(ws, state, villages: list[VillageReport], on: date) -> None:
    """Each village's voters when the programme began there and on `on`, by sex (the recap's
    counts: one replay per distinct start day)."""
    from pemilih.cycle import recap
    from pemilih.cycle.common import working_regime
    by_start: dict[date, list[VillageReport]] = {}
    for v in villages:
        v.voters_from, v.voters_to = min(began(state, v.kode_desa), on), on
        by_start.setdefault(v.voters_from, []).append(v)
    regime = working_regime(ws) if villages else None
    for start, group in by_start.items():
        counted = recap.period(ws, start, on, regime).villages
        rows = {r["kode_desa"]: r for r in counted.iter_rows(named=True)}
        for v in group:
            r = rows.get(v.kode_desa, {})
            v.voters_before = tuple(int(r.get(f"awal_{s}", 0)) for s in ("l", "p", "jml"))
            v.voters_after = tuple(int(r.get(f"akhir_{s}", 0)) for s in ("l", "p", "jml"))


def roster_lines(v: VillageReport) -> list[dict]:
    """The village's internal roster: a cadre's name, phone and birth year, or WITHDRAWN once
    consent is withdrawn. Never in a public output."""
    trained = {n for t in v.trainings for n in t.cadres}
    out = []
    for c in v.roster:
        hidden = c.hidden
        out.append({"cadre": c.cadre, "name": WITHDRAWN if hidden else scrub(c.name),
                    "sex": c.sex, "component": rules.component_label(c.component),
                    "birth_year": "" if hidden or c.birth_year is None else str(c.birth_year),
                    "phone": "" if hidden or not c.phone else c.phone,  # 8-14 digits: never a NIK
                    "recruited_by": c.recruited_by or "", "trained": "ya" if c.cadre in trained else "belum",
                    "consent": "" if hidden else f"{c.consent_on:%d-%m-%Y}, {scrub(c.consent_how)}"})
    return out


# --- printing -----------------------------------------------------------------------------------

def subject(year: int, kode_desa: str | None) -> str:
    return f"DP3/{year}/{kode_desa or 'KABUPATEN'}"


def _signatories(ws, result: Report, kode_desa: str | None) -> tuple[list[dict], tuple[str, ...]]:
    from pemilih.cycle import documents
    regency = documents.regency_of(ws)
    kpu = documents.profile(documents.settings(ws), REPORT_AGENCY, regency)
    ours = {"name": kpu.signer, "position": kpu.position, "agency": kpu.full_name, "nip": kpu.nip}
    if kode_desa is None:
        return [ours], (kpu.full_name, regency)
    lok = result.villages[0].lokus
    signers = [dict(s) for s in lok.signatories] or [ours]
    return signers, (kpu.full_name, regency)


def write_pdf(ws, result: Report, path: Path, *, kode_desa: str | None = None, who: Who | None = None,
              printed_on: date | None = None) -> Path:
    """The yearly report as a signable PDF: numbered when printed by `who` (one number per year
    and village or regency, the same when printed again), else with the number it was given
    or a dotted line. Counts only: no cadre is named."""
    from pemilih.cycle import documents
    from pemilih.io.dp3_report_pdf import write_dp3_report
    from pemilih.store.documents import issued
    day = printed_on or local_today()
    about = subject(result.year, kode_desa)
    if who is not None:
        number = documents.issue(ws, REPORT_AGENCY, REPORT_KIND, day, about, who)
    else:
        number = issued(ws, REPORT_AGENCY, REPORT_KIND, about) or ""
    signers, head = _signatories(ws, result, kode_desa)
    return write_dp3_report(path, result, title=REPORT_TITLE, number=number, letterhead_of=head,
                            signatories=signers, printed_on=day, village=kode_desa is not None)


def write_xlsx(result: Report, path: Path, *, internal: bool = False) -> Path:
    """The yearly report as XLSX; `internal` (one village's own copy): with its roster of cadres."""
    from pemilih.io.dp3_xlsx import write_dp3_xlsx
    rosters = {v.kode_desa: roster_lines(v) for v in result.villages} if internal else None
    return write_dp3_xlsx(path, result, rosters=rosters)


def file_name(year: int, kode_desa: str | None, ext: str) -> str:
    return f"LAPORAN_DP3_{year}_{(kode_desa or 'KABUPATEN').replace('.', '')}.{ext}"


@dataclass(frozen=True)
class PrintRequest:
    year: int
    out_dir: str
    who: Who | None = None
    kode_desa: str | None = None  # None: the regency's report and each lokus's
    on: date | None = None


def print_reports(ws, request: PrintRequest) -> list[Path]:
    """The regency's report (PDF, XLSX) and each lokus's (PDF); with `kode_desa`, that village's
    report and its internal XLSX (with the roster)."""
    out = Path(request.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = report(ws, request.year, request.on, request.kode_desa)
    if not result.villages:
        raise StepError(f"Belum ada lokus DP3 tahun {request.year}")
    paths = []
    if request.kode_desa is None:
        paths.append(write_pdf(ws, result, out / file_name(request.year, None, "pdf"), who=request.who))
        paths.append(write_xlsx(result, out / file_name(request.year, None, "xlsx")))
    for v in result.villages:
        one = Report(result.year, result.on, [v])
        paths.append(write_pdf(ws, one, out / file_name(request.year, v.kode_desa, "pdf"), kode_desa=v.kode_desa,
                               who=request.who))
        if request.kode_desa is not None:
            paths.append(write_xlsx(one, out / file_name(request.year, v.kode_desa, "xlsx"), internal=True))
    return paths


# --- the Rakor ----------------------------------------------------------------------------------

def rakor_lines(ws, on: date) -> list[tuple[str, str]]:
    """A few lines on the programme in `on`'s year for the Rakor report (counts only)."""
    year = on.year
    if year < rules.FIRST_YEAR:
        return []
    result = report(ws, year, on, voters=False)
    if not result.villages:
        return [(f"Program DP3 tahun {year}", "belum ada lokus")]
    t = result.totals()
    rows = dict((label, (l_, p_, n)) for label, l_, p_, n in rules.count_rows(t.cadres, rules.COMPONENTS))
    men, women, cadres = rows["Jumlah"]
    target = rules.TARGET_CADRES * len(result.villages)
    people = rules.count_rows(t.participants)[-1]
    return [
        (f"Lokus DP3 tahun {year} (tahap {result.stage})", f"{len(result.villages)} desa"),
        ("Kader DP3", f"{cadres} dari target {target} (L {men}, P {women}); direkrut kader lain {t.recruited}"),
        ("Pelatihan kader DP3", f"{len(t.trainings)} pelatihan, {t.trained} kader hadir"),
        ("Kegiatan DP3", f"{len(t.activities)} kegiatan, {people[3]} peserta (L {people[1]}, P {people[2]})"),
    ]
