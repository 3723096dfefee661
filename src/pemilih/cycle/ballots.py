"""Step: the ballots and equipment of each TPS on polling day: record what the KPPS received,
used, spoiled and left unused, and the voters who came; print the minutes of the ballots per
TPS (berita acara serah terima dan penggunaan surat suara) and the receipts of the equipment
per village (tanda terima logistik, one page per TPS).

A TPS is one of the election's DPT; what it was given is the logistics calculation of that
DPT with the reserve it was set with (engine/logistics.py, as `pemilih election dpt` prints
it); its registered voters are its DPT and DPTb. The counts are checked by the domain's
rule (domain/ballots.py) against those voters and refused whole, naming the TPS and the
numbers; a record is an event (store/ballots.py), the latest of a TPS holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from pemilih.contract import (
    BALLOT_MINUTES_DIR,
    BALLOT_MINUTES_FILE,
    ELECTION_STAGES,
    LOGISTICS_AMOUNT_HEADERS,
    LOGISTICS_RECEIPT_DIR,
    LOGISTICS_RECEIPT_FILE,
)
from pemilih.cycle.common import SILENT, Progress, StepError, Who
from pemilih.domain.ballots import BallotCount, problems

_DPS, DPT, DPTB = ELECTION_STAGES
RECORD_REASON = "Penggunaan surat suara di TPS (hasil penghitungan KPPS)"
PRINT_REASON = "Cetak berita acara surat suara dan tanda terima logistik"
MINUTES_KIND, RECEIPT_KIND = "ba_surat_suara", "tanda_terima_logistik"  # cycle/documents.DOCUMENT_KINDS
COMMITTEE = "PANITIA"
DELIVERED_BEFORE = timedelta(days=1)  # equipment reaches the TPS the day before polling (H-1)


@dataclass(frozen=True)
class TpsBallots:
    """One TPS of the DPT: its place, voters, what the logistics gave it, and its counts."""

    kecamatan: str
    desa: str
    kode_desa: str
    tps: int
    voters: int  # on the DPT
    registered: int  # DPT and DPTb
    reserve: int
    amounts: dict  # contract.LOGISTICS_AMOUNTS -> quantity (surat_suara = voters + reserve)
    recorded: object = None  # store.ballots.Recorded, None before the counts are recorded

    @property
    def ballots(self) -> int:
        return self.amounts["surat_suara"]

    @property
    def label(self) -> str:
        return f"TPS {self.tps:03d} {self.desa} ({self.kode_desa})"

    @property
    def count(self) -> BallotCount | None:
        return self.recorded.count if self.recorded is not None else None


@dataclass(frozen=True)
class RecordRequest:
    code: str  # the election
    kode_desa: str
    tps: int
    received: int
    used: int
    spoiled: int
    unused: int
    came: int
    who: Who

    def __post_init__(self):
        from pemilih.domain.regions import canonical_code
        object.__setattr__(self, "kode_desa", canonical_code(self.kode_desa) or self.kode_desa)
        if isinstance(self.tps, bool) or not isinstance(self.tps, int) or self.tps < 1:
            raise StepError(f"Nomor TPS harus bilangan bulat 1 atau lebih, bukan {self.tps!r}")

    @property
    def count(self) -> BallotCount:
        return BallotCount(self.received, self.used, self.spoiled, self.unused, self.came)


def election_code(ws, code: str | None) -> str:
    """The election named, else the latest one."""
    from pemilih.store.elections import latest_election
    if code:
        return code
    e = latest_election(ws)
    if e is None:
        raise StepError("Belum ada pemilihan di ruang kerja ini")
    return e.code


def tps_of(ws, code: str, kode_desa: str | None = None) -> list[TpsBallots]:
    """Every TPS of the election's DPT (of one village), in village and TPS order."""
    from pemilih.engine.election_lists import tps_counts
    from pemilih.engine.logistics import logistics
    from pemilih.store import ballots, elections
    e = elections.election(ws, code)
    dpt = elections.latest(e, DPT)
    if dpt is None:
        raise StepError(f"DPT {e.code} belum ditetapkan: surat suara dicatat per TPS DPT")
    if kode_desa is not None and kode_desa not in e.villages:
        raise StepError(f"Desa {kode_desa} tidak menyelenggarakan pemilihan {e.code}")
    from pemilih.cycle.election import logistics_params
    params = logistics_params(dpt)
    dptb = elections.latest(e, DPTB)
    recorded = ballots.current(ws, e.code, kode_desa)
    out = []
    for village in ([kode_desa] if kode_desa else sorted(e.villages)):
        rows = elections.village_rows(dpt, village)
        if not rows.height:
            continue
        extra = {}
        if dptb is not None:
            for r in elections.tps_summary(dptb, village):
                extra[r["tps_number"]] = r["n"]
        for r in logistics(tps_counts(rows), params).per_tps.iter_rows(named=True):
            amounts = {k: r[k] for k in LOGISTICS_AMOUNT_HEADERS}
            out.append(TpsBallots(r["kecamatan"] or "", r["desa"] or "", r["kode_desa"], r["tps"], r["pemilih"],
                                  r["pemilih"] + extra.get(r["tps"], 0), r["cadangan"], amounts,
                                  recorded.get((r["kode_desa"], r["tps"]))))
    return out


def find_tps(ws, code: str, kode_desa: str, tps: int) -> TpsBallots:
    found = [t for t in tps_of(ws, code, kode_desa) if t.tps == tps]
    if not found:
        raise StepError(f"TPS {tps:03d} tidak ada di DPT {code} desa {kode_desa}")
    return found[0]


def record(ws, request: RecordRequest) -> tuple[int, TpsBallots]:
    """Check the counts against the TPS (StepError naming the TPS and the numbers) and record
    them; (the event's seq, the TPS as it now stands)."""
    from pemilih.store import ballots
    place = find_tps(ws, request.code, request.kode_desa, request.tps)
    wrong = problems(request.count, registered=place.registered, place=place.label)
    if wrong:
        raise StepError("; ".join(wrong))
    seq = ballots.record(ws, request.code, place.kode_desa, place.tps, request.count, place.registered,
                         **request.who.event_args())
    return seq, find_tps(ws, request.code, request.kode_desa, request.tps)


# --- what is printed ----------------------------------------------------------------------------

def _context(ws, code: str, place: TpsBallots):
    """The election, the village committee's printed profile (its own chairman) and the regency."""
    from pemilih.cycle import documents
    from pemilih.store import elections
    e = elections.election(ws, code)
    regency = documents.regency_of(ws)
    return e, documents.profile(documents.settings(ws), COMMITTEE, regency, village=place.kode_desa,
                                listed=place.desa), regency


def _letterhead(profile, place: TpsBallots, regency: str) -> tuple[str, ...]:
    return (profile.full_name, f"Kecamatan {place.kecamatan}", regency)


def _committee(profile, place: TpsBallots) -> dict:
    return {"name": profile.signer, "position": profile.position, "agency": profile.full_name, "nip": profile.nip}


def _kpps(place: TpsBallots, role: str = "") -> dict:
    from pemilih.cycle.documents import BLANK_NAME, BLANK_NIP
    return {"name": BLANK_NAME, "position": f"Ketua KPPS TPS {place.tps:03d}{role}",
            "agency": f"KPPS TPS {place.tps:03d} {place.desa}", "nip": BLANK_NIP}


def subject(code: str, place: TpsBallots) -> str:
    """What a TPS's document is about (its number is kept per subject)."""
    return f"{code}/{place.kode_desa}/TPS {place.tps:03d}"


def print_minutes(ws, code: str, place: TpsBallots, out_dir: Path, who: Who) -> Path:
    """The minutes of one TPS's ballots: with its counts once recorded, else the blank form."""
    from pemilih.cycle import documents
    from pemilih.io.ballot_minutes_pdf import write_ballot_minutes
    from pemilih.io.logistics_xlsx import reserve_note
    from pemilih.store import elections
    e, profile, regency = _context(ws, code, place)
    number = documents.issue(ws, COMMITTEE, MINUTES_KIND, e.voting_day, subject(e.code, place), who,
                             series=place.kode_desa)
    from pemilih.cycle.election import logistics_params
    rule = reserve_note(logistics_params(elections.latest(e, DPT)))
    path = Path(out_dir) / BALLOT_MINUTES_FILE.format(desa=place.kode_desa.replace(".", ""), tps=f"{place.tps:03d}")
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_ballot_minutes(
        path, number=number, day=e.voting_day, place=f"TPS {place.tps:03d} {place.desa}, Kecamatan {place.kecamatan}",
        election_name=e.name, tps_label=place.label, letterhead_of=_letterhead(profile, place, regency),
        parties=[_committee(profile, place), _kpps(place)], registered=place.registered, voters=place.voters,
        reserve=place.reserve, reserve_rule=rule, count=place.count)


def receipt_items(place: TpsBallots) -> list:
    """The receipt's items: each amount the logistics gave the TPS, ballots first (with the
    figure the KPPS recorded as received, once recorded)."""
    from pemilih.domain.logistics import DELIVERED_UNITS
    from pemilih.io.logistics_receipt_pdf import Item
    items = []
    for column, unit in DELIVERED_UNITS.items():
        name = LOGISTICS_AMOUNT_HEADERS[column]
        if column == "surat_suara":
            name = f"{name} ({place.voters} pemilih DPT + cadangan {place.reserve})"
            received = place.count.received if place.count is not None else None
        else:
            received = None
        items.append(Item(name, unit, place.amounts[column], received))
    return items


def print_receipts(ws, code: str, places: list[TpsBallots], out_dir: Path, who: Who) -> Path:
    """The equipment receipts of one village's TPS (`places`), one page each."""
    from pemilih.cycle import documents
    from pemilih.io.logistics_receipt_pdf import ReceiptPage, write_receipts
    e, profile, regency = _context(ws, code, places[0])
    day = e.voting_day - DELIVERED_BEFORE
    pages = []
    for place in places:
        number = documents.issue(ws, COMMITTEE, RECEIPT_KIND, day, subject(e.code, place), who,
                                 series=place.kode_desa)
        giver = {**_committee(profile, place), "position": f"{profile.position} (yang menyerahkan)"}
        pages.append(ReceiptPage(number, place.label, f"{place.desa}, Kecamatan {place.kecamatan}", day,
                                 receipt_items(place), giver, _kpps(place, " (yang menerima)")))
    first = places[0]
    path = Path(out_dir) / LOGISTICS_RECEIPT_FILE.format(desa=first.kode_desa.replace(".", ""))
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_receipts(path, pages, election_name=e.name, letterhead_of=_letterhead(profile, first, regency),
                          note=f"Tanda terima logistik {first.desa} ({first.kode_desa})")


@dataclass(frozen=True)
class PrintRequest:
    code: str
    out_dir: str
    who: Who
    villages: tuple[str, ...] = ()  # empty: every village of the election


@dataclass
class PrintOutcome:
    minutes: list[Path] = field(default_factory=list)  # one per TPS
    receipts: list[Path] = field(default_factory=list)  # one per village


def print_all(ws, request: PrintRequest, progress: Progress = SILENT) -> PrintOutcome:
    """Minutes per TPS under out_dir/ba_surat_suara, receipts per village under
    out_dir/tanda_terima_logistik."""
    from pemilih.domain.regions import canonical_code
    out = Path(request.out_dir)
    wanted = [canonical_code(v) or v for v in request.villages]
    places = [p for v in (wanted or [None]) for p in tps_of(ws, request.code, v)]
    progress.stage("Mencetak berita acara surat suara dan tanda terima logistik", len(places) or None)
    done = PrintOutcome()
    by_village: dict[str, list[TpsBallots]] = {}
    for place in places:
        done.minutes.append(print_minutes(ws, request.code, place, out / BALLOT_MINUTES_DIR, request.who))
        by_village.setdefault(place.kode_desa, []).append(place)
        progress.advance(1)
    for village in by_village.values():
        done.receipts.append(print_receipts(ws, request.code, village, out / LOGISTICS_RECEIPT_DIR, request.who))
    return done

