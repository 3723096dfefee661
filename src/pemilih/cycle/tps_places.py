"""Step: the register of an election's TPS, kept per election: per village and TPS number the
place's name (`Halaman Kantor Lembang Limbong`), its address and optionally its coordinates.

Entered by command (`pemilih tps atur`) or on the election's web page, one TPS at a time or
many in one event (store/tps_places.py); the latest entry of a TPS wins. The register is
printed on the TPS tables, the announcements, the polling-day pack (cycle/polling_day.py) and
shown by the public look-up. A TPS may be entered before the list that gives it voters is set
(the register is best entered before the DPT is printed).
"""
from __future__ import annotations

from dataclasses import dataclass

from pemilih.cycle.common import StepError, Who
from pemilih.domain import tps_place

MAX_TPS = 999  # TPS numbers are printed in three digits


@dataclass(frozen=True)
class PlaceRequest:
    code: str  # the election
    kode_desa: str
    tps: int
    place: str  # the place's name
    address: str
    coordinates: str | None = None  # `lintang,bujur`, decimal degrees; None or blank: none

    def entry(self) -> dict:
        """The entry as stored (kode_desa, tps, place, address, lat, lon), checked."""
        from pemilih.domain.regions import canonical_code
        kode = canonical_code(self.kode_desa or "") or (self.kode_desa or "").strip()
        try:
            number = int(str(self.tps).strip())
        except ValueError:
            raise StepError(f"Nomor TPS '{self.tps}' bukan bilangan bulat") from None
        if not 1 <= number <= MAX_TPS:
            raise StepError(f"Nomor TPS harus 1 sampai {MAX_TPS} ({number} ditulis)")
        try:
            place = tps_place.text(self.place, "Nama tempat TPS", tps_place.MAX_PLACE)
            address = tps_place.text(self.address, "Alamat TPS", tps_place.MAX_ADDRESS)
            lat, lon = (tps_place.coordinates(self.coordinates) if (self.coordinates or "").strip()
                        else (None, None))
        except ValueError as exc:
            raise StepError(f"TPS {number:03d} {kode}: {exc}") from None
        return {"kode_desa": kode, "tps": number, "place": place, "address": address, "lat": lat, "lon": lon}


@dataclass(frozen=True)
class Place:
    """A TPS's place as printed."""

    kode_desa: str
    tps: int
    place: str
    address: str
    lat: float | None = None
    lon: float | None = None

    @property
    def coordinates(self) -> str:
        return tps_place.printed_coordinates(self.lat, self.lon)

    @property
    def line(self) -> str:
        """`Halaman Kantor Lembang Limbong, Jl. Poros Limbong` (one line of a notice)."""
        return f"{self.place}, {self.address}" if self.address else self.place


def record(ws, requests: list[PlaceRequest], who: Who) -> int:
    """Record the places (all of one election, each TPS once) as one event; returns its seq."""
    from pemilih.store import elections, tps_places
    if not requests:
        raise StepError("Tidak ada tempat TPS yang dicatat")
    codes = {r.code for r in requests}
    if len(codes) != 1:
        raise StepError("Tempat TPS dicatat per pemilihan: sebut satu kode pemilihan")
    e = elections.election(ws, codes.pop())
    entries = [r.entry() for r in requests]
    outside = sorted({x["kode_desa"] for x in entries} - set(e.villages))
    if outside:
        raise StepError(f"Desa/lembang {', '.join(outside)} tidak ikut pemilihan {e.code}")
    twice = {(x["kode_desa"], x["tps"]) for x in entries if sum(
        (y["kode_desa"], y["tps"]) == (x["kode_desa"], x["tps"]) for y in entries) > 1}
    if twice:
        kode, tps = min(twice)
        raise StepError(f"TPS {tps:03d} {kode} disebut lebih dari sekali")
    return tps_places.record(ws, e.code, entries, actor=who.actor, agency_of_actor=who.agency, reason=who.reason)


def places(ws, code: str) -> dict[tuple[str, int], Place]:
    """(kode_desa, tps) -> its Place, the latest entry of each."""
    from pemilih.store import tps_places
    found, _ = tps_places.current(ws, code)
    return {k: _place(v) for k, v in found.items()}


def version(ws, code: str) -> int | None:
    """The seq of the register's latest event (None: nothing entered): a copy printed from an
    older one is out of date."""
    from pemilih.store import tps_places
    return tps_places.current(ws, code)[1]


def _place(entry: dict) -> Place:
    return Place(entry["kode_desa"], int(entry["tps"]), entry.get("place") or "", entry.get("address") or "",
                 entry.get("lat"), entry.get("lon"))


@dataclass(frozen=True)
class RegisterRow:
    kode_desa: str
    kecamatan: str
    desa: str
    title: str  # as a person names the village: `Lembang Limbong`
    tps: int
    place: Place | None  # None: not entered yet
    men: int
    women: int

    @property
    def voters(self) -> int:
        return self.men + self.women


def register(ws, code: str, village: str | None = None) -> list[RegisterRow]:
    """Every TPS of the election (of `village` only when given), in code and number order:
    those of its latest list (the DPT, else the DPS) with their voters L/P, and those entered
    in the register without voters on it."""
    from pemilih.domain.region_tables import printed_names, village_title_or_listed
    from pemilih.store import elections, tps_places
    e = elections.election(ws, code)
    made = elections.latest(e, "DPT") or elections.latest(e, "DPS")
    entered = places(ws, code)
    rows: dict[tuple[str, int], RegisterRow] = {}
    shown = [village] if village else list(e.villages)
    names = printed_names(shown)
    counts = elections.tps_summaries(made, village) if made is not None else {}
    for kode in shown:
        kecamatan, desa = names.get(kode) or (tps_places.listed_names(made, kode) if made is not None else ("", ""))
        title = village_title_or_listed(kode, desa)
        numbers = {r["tps_number"]: r for r in counts.get(kode, [])}
        for tps in sorted(set(numbers) | {t for (k, t) in entered if k == kode}):
            r = numbers.get(tps, {})
            rows[(kode, tps)] = RegisterRow(kode, kecamatan, desa, title, tps, entered.get((kode, tps)),
                                            r.get("l", 0), r.get("p", 0))
    return [rows[k] for k in sorted(rows)]
