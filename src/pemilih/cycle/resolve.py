"""Step: the voters without a village (the unresolved queue) and their resolution by a person.

A KPU row whose village could not be resolved is received all the same and waits in the queue
(store/unresolved.py): counted by every report, in no coklit workbook. `queue` lists it, each
voter with the villages closest to its names as written (io/places.candidates, the reader's own
rules) and every village of the list's regency to pick from; `run` records a person's picks (one
voter or several at once) as one VILLAGE_RESOLVED event of corrections, with who and why.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pemilih.cycle.common import DEFAULT_LEGAL_BASIS, SILENT, Progress, StepError, Who

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Desa pemilih ditetapkan dari daftar desa Kemendagri"


def queue_line(n: int) -> str:
    """What every command says of the queue when voters wait in it."""
    from pemilih.cycle.common import thousands
    return (f"{thousands(n)} pemilih belum punya desa: tidak masuk lembar kerja coklit desa mana pun sampai "
            "desanya ditetapkan (pemilih resolve daftar / tetapkan).")


@dataclass(frozen=True)
class Village:
    code: str
    kecamatan: str
    desa: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.desa} (Kec. {self.kecamatan})"


@dataclass(frozen=True)
class Unresolved:
    """One voter of the queue, as written in the list, and why it has no village."""

    key: str
    ref: str  # the row of KPU's file (or a new voter's key)
    position: int  # its place in the list (what a page may name it by: a new voter's key holds a NIK)
    nama: str | None
    kecamatan: str | None
    desa: str | None
    kode_desa: str | None  # as written: empty, or a code that names no village
    tps: str | None
    reason: str
    candidates: tuple[Village, ...] = ()


@dataclass(frozen=True)
class QueueRequest:
    limit: int | None = None  # voters shown; None: all
    offset: int = 0

    def __post_init__(self):
        if (self.limit is not None and self.limit < 1) or self.offset < 0:
            raise StepError("Batas paling sedikit 1 dan awal tidak negatif")


@dataclass
class QueueOutcome:
    total: int  # voters in the queue
    rows: list[Unresolved]  # the ones asked for, in list order
    regency: str | None  # the list's regency, e.g. 73.26
    villages: list[Village] = field(default_factory=list)  # every village of that regency


def queue(ws, request: QueueRequest = QueueRequest(), progress: Progress = SILENT) -> QueueOutcome:
    from pemilih.domain import region_tables
    from pemilih.io.places import candidates
    from pemilih.store import unresolved
    progress.stage("Membaca pemilih yang belum punya desa")
    found = unresolved.placement(ws)
    regency = found.regency
    rows = unresolved.queue(ws, request.limit, request.offset) if found.unresolved else None
    listed = []
    for r in rows.iter_rows(named=True) if rows is not None else ():
        near = tuple(Village(*v) for v in candidates(regency, r["kecamatan"], r["desa"])
                     if regency is None or v[0].startswith(regency + "."))
        listed.append(Unresolved(r["key"], r["ref"], r["position"], r["nama"], r["kecamatan"], r["desa"],
                                 r["kode_desa"], r["tps"], r["reason"], near))
    villages = [Village(*v) for v in region_tables.villages_of_regency(regency)] if regency else []
    return QueueOutcome(found.unresolved, listed, regency, villages)


@dataclass(frozen=True)
class ResolveRequest:
    picks: tuple[tuple[str, str], ...]  # (voter key, village code), e.g. ("dpt.csv::8", "73.26.04.2008")
    who: Who

    def __post_init__(self):
        from pemilih.domain import region_tables
        from pemilih.domain.regions import canonical_code
        if not self.picks:
            raise StepError("Pilih pemilih dan desanya lebih dulu")
        picks, seen = [], set()
        for key, code in self.picks:
            village = canonical_code(code or "")
            if village is None or village.count(".") != 3:
                raise StepError(f"'{code}' bukan kode desa; tulis seperti 73.26.01.2001")
            if not region_tables.is_village(village):
                raise StepError(f"{village} bukan desa/kelurahan dalam daftar Kemendagri")
            if key in seen:
                raise StepError(f"Pemilih {_shown(key)} dipilih dua kali; pilih satu desa untuknya")
            seen.add(key)
            picks.append((key, village))
        object.__setattr__(self, "picks", tuple(picks))


@dataclass
class ResolveOutcome:
    event_seq: int  # the VILLAGE_RESOLVED event
    voters: int
    villages: dict[str, int]  # village code -> voters placed there
    remaining: int  # voters still without a village


def who(actor: str, reason: str = DEFAULT_REASON, agency: str = DEFAULT_AGENCY,
        legal_basis: str = DEFAULT_LEGAL_BASIS) -> Who:
    return Who(actor, agency, reason, legal_basis)


def run(ws, request: ResolveRequest, progress: Progress = SILENT) -> ResolveOutcome:
    """The picks as one event; refused whole (store.unresolved.ResolveError) when a voter is not
    in the queue or a village is not one of the list's regency."""
    from pemilih.store import unresolved
    progress.stage("Mencatat desa pemilih")
    done = unresolved.resolve(ws, list(request.picks), **request.who.event_args(),
                              legal_basis=request.who.legal_basis)
    return ResolveOutcome(done.event_seq, done.voters, done.villages, done.remaining)


def _shown(key: str) -> str:
    from pemilih.domain.masking import mask_digits_in_text
    return mask_digits_in_text(key)
