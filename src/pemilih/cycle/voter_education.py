"""Step: voter education (pendidikan pemilih): record an activity held in a village, report
the activities per village, per kind and for the regency (participants by sex and segment),
and rank the villages by what the list shows, so education goes where the need is.

A record is checked whole before anything is written (StepError naming the activity and the
numbers): a village of the regency (on the list or in the region reference), a day not in the
future, a known kind and segments, participants by sex and segment that add up (the domain's
rules, domain/voter_education.py), photos that are JPEG, PNG or PDF within the size. It is an
event (store/voter_education.py); a correction is a new record naming the activity, never an
edit. The report and the targeting table carry counts only: no participant is named.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pemilih.cycle.common import StepError, Who, local_today, thousands
from pemilih.domain.voter_education import (
    KINDS,
    LAST_GENERAL_ELECTION,
    PHOTOS,
    SEGMENTS,
    Attendance,
    Tally,
    activity_problems,
    attendance_problems,
    photo_problem,
    share_text,
    tally,
)

RECORD_REASON = "Pencatatan kegiatan pendidikan pemilih"
PRINT_REASON = "Cetak laporan kegiatan pendidikan pemilih"
REPORT_KIND, REPORT_AGENCY = "laporan_pendidikan", "KPU"  # cycle/documents.DOCUMENT_KINDS
REPORT_TITLE = "Laporan Kegiatan Pendidikan Pemilih"
REPORT_FILE = "laporan_pendidikan_pemilih_{scope}.pdf"
ACTIVITIES_FILE, TARGETS_FILE = "kegiatan_pendidikan_pemilih.xlsx", "sasaran_pendidikan_pemilih.xlsx"
FAR_BACK = date(2000, 1, 1)  # the start of the replay that counts TMS removals: since the list came


@dataclass(frozen=True)
class RecordRequest:
    day: date
    kode_desa: str
    kind: str
    topic: str
    segments: tuple[str, ...]
    attendance: Attendance
    who: Who
    materials: str = ""
    photos: tuple[tuple[str, bytes], ...] = ()  # (file name, bytes)
    corrects: int = 0  # the activity (its first record's number) this record corrects

    def __post_init__(self):
        from pemilih.domain.regions import canonical_code
        object.__setattr__(self, "kode_desa", canonical_code(self.kode_desa.strip()) or self.kode_desa.strip())
        object.__setattr__(self, "segments", tuple(s.strip().lower() for s in self.segments if s.strip()))
        object.__setattr__(self, "kind", self.kind.strip().lower())
        object.__setattr__(self, "topic", self.topic.strip())
        object.__setattr__(self, "materials", self.materials.strip())


def place_of(kode_desa: str, kind: str, day: date, villages: dict | None = None) -> str:
    """How a message names an activity: `Simulasi pemungutan suara di LEMBANG 0 (73.26.01.2001)
    pada 12-05-2026`."""
    name = (villages or {}).get(kode_desa, ("", ""))[1] or kode_desa
    where = f"{name} ({kode_desa})" if name != kode_desa else kode_desa
    return f"{KINDS.get(kind, kind)} di {where} pada {day:%d-%m-%Y}"


def villages(ws) -> dict[str, tuple[str, str]]:
    """kode_desa -> (kecamatan, desa) of every village an activity may be held in: those on the
    list (under the names the list gives them) and the regency's villages in the region
    reference."""
    from pemilih.domain.region_tables import villages_of_regency
    from pemilih.store import handback
    from pemilih.store import voter_education as store
    out = {code: (kecamatan, desa) for code, kecamatan, desa in villages_of_regency(handback.regency_code(ws))}
    return out | store.listed_villages(ws)


def record(ws, request: RecordRequest, today: date | None = None):
    """Check the record (StepError naming the activity and every problem) and record it;
    (the event's seq, the activity as it now stands)."""
    from pemilih.domain.regions import is_village_code
    from pemilih.store import events
    from pemilih.store import voter_education as store
    known = villages(ws)
    place = place_of(request.kode_desa, request.kind, request.day, known)
    wrong = []
    if not is_village_code(request.kode_desa) or request.kode_desa not in known:
        wrong.append(f"{place}: desa/lembang '{request.kode_desa}' tidak dikenal di kabupaten ini "
                     "(tulis kodenya seperti 73.26.01.2001)")
    wrong += activity_problems(kind=request.kind, topic=request.topic, segments=request.segments, day=request.day,
                               today=today or local_today(), materials=request.materials, place=place)
    wrong += attendance_problems(request.attendance, place=place)
    if len(request.photos) > PHOTOS:
        wrong.append(f"{place}: paling banyak {PHOTOS} foto per kegiatan ({len(request.photos)} diunggah)")
    wrong += [f"{place}: {p}" for p in (photo_problem(n, c) for n, c in request.photos) if p]
    if request.corrects and store.find(ws, request.corrects) is None:
        wrong.append(f"{place}: kegiatan nomor {request.corrects} yang hendak dikoreksi tidak ada "
                     "(atau sudah dibatalkan)")
    if wrong:
        raise StepError("; ".join(wrong))
    photos = [store.keep_photo(ws, name, content) for name, content in request.photos]
    if request.corrects and not request.photos:
        photos = list(store.find(ws, request.corrects).photos)  # a correction keeps the photos unless new ones come
    seq = store.record(ws, events.EducationRecorded(
        day=request.day, kode_desa=request.kode_desa, kind=request.kind, topic=request.topic,
        segments=list(request.segments), attendance=request.attendance.as_payload(), materials=request.materials,
        photos=photos, corrects=request.corrects), **request.who.event_args())
    return seq, store.find(ws, request.corrects or seq)


def withdraw(ws, activity_id: int, who: Who) -> int:
    """A record saying the activity was recorded by mistake (it leaves the reports); its seq."""
    from pemilih.store import events
    from pemilih.store import voter_education as store
    found = store.find(ws, activity_id)
    if found is None:
        raise StepError(f"Kegiatan nomor {activity_id} tidak ada (atau sudah dibatalkan)")
    return store.record(ws, events.EducationRecorded(
        day=found.day, kode_desa=found.kode_desa, kind=found.kind, topic=found.topic, segments=list(found.segments),
        attendance=found.attendance.as_payload(), materials=found.materials, photos=list(found.photos),
        corrects=found.id, withdrawn=True), **who.event_args())


def activities(ws, kode_desa: str | None = None, start: date | None = None, end: date | None = None) -> list:
    """The activities as they stand (of one village; held from `start` to `end`)."""
    from pemilih.store import voter_education as store
    return [a for a in store.current(ws, kode_desa)
            if (start is None or a.day >= start) and (end is None or a.day <= end)]


def photo(ws, activity, sha256: str) -> tuple[str, bytes]:
    """(name, bytes) of one of the activity's photos; StepError when it has none such."""
    from pemilih.store import voter_education as store
    named = next((p for p in activity.photos if p["sha256"] == sha256), None)
    if named is None:
        raise StepError("Foto itu tidak termasuk kegiatan ini")
    try:
        return named["name"], store.photo_bytes(ws, sha256)
    except store.PhotoMissing as exc:
        raise StepError(str(exc)) from None


# --- the report ---------------------------------------------------------------------------------

@dataclass
class Report:
    activities: list  # store.voter_education.Activity, by day
    villages: list[tuple[str, str, str, Tally]]  # kode_desa, kecamatan, desa, its tally; by code
    kinds: list[tuple[str, Tally]]  # kind, its tally; in KINDS order, kinds held only
    total: Tally
    kode_desa: str | None = None  # one village's report, None for the regency
    start: date | None = None
    end: date | None = None
    names: dict = field(default_factory=dict)  # kode_desa -> (kecamatan, desa)


def report(ws, kode_desa: str | None = None, start: date | None = None, end: date | None = None) -> Report:
    """Per village, per kind and in all: activities, participants by sex and by segment."""
    held = activities(ws, kode_desa, start, end)
    names = villages(ws)
    by_village: dict[str, list] = {}
    by_kind: dict[str, list] = {}
    for a in held:
        by_village.setdefault(a.kode_desa, []).append(a.attendance)
        by_kind.setdefault(a.kind, []).append(a.attendance)
    rows = [(k, *names.get(k, ("", "")), tally(found)) for k, found in sorted(by_village.items())]
    kinds = [(k, tally(by_kind[k])) for k in KINDS if k in by_kind]
    return Report(held, rows, kinds, tally(a.attendance for a in held), kode_desa, start, end, names)


def segment_rows(t: Tally) -> list[tuple[str, int, int, int]]:
    """(segment's name, L, P, L + P) of every segment, then the total."""
    return [(SEGMENTS[s], m, w, m + w) for s, (m, w) in t.by_segment.items()] + [("Jumlah", t.men, t.women, t.total)]


def write_activities_xlsx(result: Report, path: Path) -> Path:
    from pemilih.io.education_xlsx import write_activities
    rows = [_activity_row(result, a) for a in result.activities]
    villages_rows = [(k, kecamatan, desa, t) for k, kecamatan, desa, t in result.villages]
    return write_activities(path, activities=rows, villages=villages_rows,
                            kinds=[(KINDS[k], t) for k, t in result.kinds], total=result.total,
                            title=f"{REPORT_TITLE}: {_scope_title(result)}")


def _activity_row(result: Report, a) -> dict:
    kecamatan, desa = result.names.get(a.kode_desa, ("", ""))
    return {"nomor": a.id, "tanggal": a.day, "kecamatan": kecamatan, "desa": desa, "kode_desa": a.kode_desa,
            "jenis": KINDS.get(a.kind, a.kind), "tema": a.topic,
            "sasaran": ", ".join(SEGMENTS.get(s, s) for s in a.segments), "attendance": a.attendance,
            "materi": a.materials, "foto": len(a.photos), "koreksi": a.records - 1}


def _scope_title(result: Report) -> str:
    if result.kode_desa:
        kecamatan, desa = result.names.get(result.kode_desa, ("", ""))
        where = f"{desa or result.kode_desa} ({result.kode_desa})" + (f", Kecamatan {kecamatan}" if kecamatan else "")
    else:
        where = "seluruh desa/lembang"
    when = ""
    if result.start or result.end:
        when = f", {result.start:%d-%m-%Y} s.d. " if result.start else ", s.d. "
        when += f"{result.end:%d-%m-%Y}" if result.end else "sekarang"
    return f"{where[0].upper()}{where[1:]}{when}"


def print_report(ws, out_dir: Path, who: Who, kode_desa: str | None = None, on: date | None = None) -> Path:
    """The report (of one village, or of the regency) as a numbered PDF signed by KPU (and, for
    a village, the village's committee as knowing it)."""
    from pemilih.cycle import documents
    from pemilih.cycle.recap import REPORT_PLACE
    from pemilih.io.education_report_pdf import write_education_report
    day = on or local_today()
    result = report(ws, kode_desa, end=day)
    stored, regency = documents.settings(ws), documents.regency_of(ws)
    kpu = documents.profile(stored, REPORT_AGENCY, regency)
    parties = [{"name": kpu.signer, "position": kpu.position, "agency": kpu.full_name, "nip": kpu.nip}]
    if kode_desa:
        listed = result.names.get(kode_desa, ("", ""))[1]
        committee = documents.profile(stored, "PANITIA", regency, village=kode_desa, listed=listed)
        parties.append({"name": committee.signer, "position": f"Mengetahui, {committee.position}",
                        "agency": committee.full_name, "nip": committee.nip})
    subject = f"PENDIDIKAN/{kode_desa or 'KABUPATEN'}/{day:%Y%m%d}"
    number = documents.issue(ws, REPORT_AGENCY, REPORT_KIND, day, subject, who)
    path = Path(out_dir) / REPORT_FILE.format(scope=(kode_desa or "kabupaten").replace(".", ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_education_report(
        path, number=number, day=day, place=REPORT_PLACE, title=REPORT_TITLE, scope=_scope_title(result),
        letterhead_of=(kpu.full_name, regency), parties=parties,
        villages=[(f"{desa or k} ({k})", t) for k, _kecamatan, desa, t in result.villages],
        kinds=[(KINDS[k], t) for k, t in result.kinds], segments=segment_rows(result.total), total=result.total,
        activities=[_activity_row(result, a) for a in result.activities] if kode_desa else [])


# --- where education is needed ------------------------------------------------------------------

def targeting(ws, on: date | None = None, since: date = LAST_GENERAL_ELECTION):
    """The villages ranked by need (engine/education_targets.py): the current list, the TMS
    removals standing since the list came, turnout of the latest election whose ballots were
    recorded."""
    import polars as pl

    from pemilih.cycle.recap import replay
    from pemilih.engine.education_targets import targets
    from pemilih.store import projection
    from pemilih.store import voter_education as store
    day = on or local_today()
    if since > day:
        raise StepError(f"Tanggal pemilihan terakhir ({since:%d-%m-%Y}) sesudah tanggal acuan ({day:%d-%m-%Y})")
    voters = projection.current_list(ws)
    if not voters.height:
        raise StepError("Daftar pemilih belum ada di ruang kerja ini: sasaran dihitung dari daftar")
    removed = replay(ws, FAR_BACK, day).removed().select("kode_desa")
    turnout = store.latest_turnout(ws)
    frame = pl.DataFrame(turnout, schema={"kode_desa": pl.String, "came": pl.Int64, "registered": pl.Int64},
                         orient="row")
    return targets(voters, since=since, removed=removed, turnout=frame)


def target_notes(found, *, since: date, on: date) -> list[str]:
    """How the table was made and which factors it lacks, in words."""
    from pemilih.engine.education_targets import FACTORS
    notes = [f"Pemilih pemula: belum berumur 17 tahun pada {since:%d-%m-%Y} (pemungutan suara pemilihan "
             f"terakhir); daftar per {on:%d-%m-%Y}.",
             "Skor: untuk setiap faktor, persentase desa dibagi persentase terbesar di antara desa; skor = rata-rata "
             "faktor yang tersedia x 100. Peringkat 1 = kebutuhan terbesar."]
    return notes + [f"Faktor {FACTORS[f][0]} tidak dipakai: {why}." for f, why in found.missing.items()]


def factor_labels() -> dict[str, tuple[str, str]]:
    """factor -> (its name, what its share is of), as the targeting table says them."""
    from pemilih.engine.education_targets import FACTORS
    return dict(FACTORS)


def write_targets_xlsx(found, path: Path, *, since: date, on: date) -> Path:
    from pemilih.io.education_xlsx import write_targets
    return write_targets(path, found.table, used=found.factors, labels=factor_labels(),
                         notes=target_notes(found, since=since, on=on))


# --- the Rakor --------------------------------------------------------------------------------

def rakor_lines(ws, on: date) -> list[tuple[str, str]]:
    """A few lines for the Rakor report: activities held up to `on`, participants by sex, the
    segments reached most and the kinds of activity."""
    result = report(ws, end=on)
    t = result.total
    lines = [("Kegiatan pendidikan pemilih",
              f"{thousands(t.activities)} kegiatan di {len(result.villages)} desa/lembang"),
             ("Peserta pendidikan pemilih", f"{thousands(t.total)} (L {thousands(t.men)}, P {thousands(t.women)})")]
    reached = sorted(((m + w, SEGMENTS[s]) for s, (m, w) in t.by_segment.items() if m + w), reverse=True)[:3]
    if reached:
        lines.append(("Segmen terbanyak", "; ".join(f"{name} {thousands(n)}" for n, name in reached)))
    if result.kinds:
        lines.append(("Jenis kegiatan", "; ".join(f"{KINDS[k]} {x.activities}" for k, x in result.kinds)))
    # The villages' ranking is not among them: it replays the log (the removals), which the
    # Rakor page has done once already for its own period; it has a page and a file of its own.
    return lines


def decimal(value: float | None) -> str:
    """A share or score as printed (domain/voter_education.share_text); `-` for none."""
    return share_text(value) or "-"
