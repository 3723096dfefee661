"""People and households of the synthetic regency, and the number allocators (NIK, NKK).

A Person carries its state on the extract day (village, NKK, marital status, ...), mutated by
the life events; what the KPU list showed on its day is a snapshot taken before the events.
"""
from __future__ import annotations

from datetime import date, timedelta

from pemilih.domain.nik import make_nik

KAWIN_LETTER = {"BELUM KAWIN": "B", "KAWIN": "S", "CERAI HIDUP": "P", "CERAI MATI": "P"}


class Person:
    __slots__ = ("pid", "nik", "sex", "dob", "name", "birthplace", "religion", "marital",
                 "occupation", "disability", "ktp_el", "village", "nkk", "rt", "rw", "alamat",
                 "spouse", "household", "status", "died", "moved_out", "dest", "arrived",
                 "resident0", "snapshot", "events", "listed")

    def __init__(self, pid: int, sex: str, dob: date):
        self.pid, self.sex, self.dob = pid, sex, dob
        self.nik = self.name = self.birthplace = self.religion = ""
        self.marital, self.occupation = "BELUM KAWIN", "BELUM/TIDAK BEKERJA"
        self.disability, self.ktp_el = "", "S"
        self.village = self.nkk = self.rt = self.rw = self.alamat = ""
        self.spouse = self.household = None
        self.status = "HIDUP"
        self.died = self.moved_out = self.arrived = None
        self.dest = ""
        self.resident0 = True
        self.snapshot = None
        self.events: list[str] = []
        self.listed = False

    @property
    def kawin(self) -> str:
        return KAWIN_LETTER[self.marital]

    def resident_on_extract(self) -> bool:
        return self.status == "HIDUP" and self.moved_out is None

    def take_snapshot(self) -> None:
        """Freeze the values the KPU list copied on its day."""
        self.snapshot = (self.village, self.nkk, self.rt, self.rw, self.alamat, self.marital,
                         self.occupation)

    def live_with(self, household: Household) -> None:
        self.household = household
        self.village, self.nkk = household.village.code, household.nkk
        self.rt, self.rw, self.alamat = household.rt, household.rw, household.alamat


class Household:
    __slots__ = ("hid", "village", "nkk", "rt", "rw", "alamat", "members", "religion", "family")

    def __init__(self, hid: int, village, nkk: str, rt: str, rw: str, alamat: str,
                 religion: str, family: str):
        self.hid, self.village, self.nkk = hid, village, nkk
        self.rt, self.rw, self.alamat = rt, rw, alamat
        self.religion, self.family = religion, family
        self.members: list[Person] = []


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def random_date(rng, start: date, end: date) -> date:
    """Uniform in [start, end]."""
    return start + timedelta(days=rng.randrange((end - start).days + 1))


_LATEST: dict[tuple[date, int], int] = {}


def birth_date(rng, age: int, on: date) -> date:
    """A birth date giving exactly `age` years on the day `on`."""
    latest = _LATEST.get((on, age))
    if latest is None:
        day = on.replace(year=on.year - age) if (on.month, on.day) != (2, 29) else date(on.year - age, 2, 28)
        latest = _LATEST[(on, age)] = day.toordinal()
    return date.fromordinal(latest - rng.randrange(365))


class NikAllocator:
    """Unique NIKs: serials count up per region + birth date + sex, as the civil registry does."""

    def __init__(self):
        self.next_serial: dict[str, int] = {}
        self.used: set[str] = set()

    def make(self, region6: str, dob: date, sex: str, rng) -> str:
        probe = make_nik(region6, dob, sex, 0)[:12]
        serial = self.next_serial.get(probe, 1) + (1 if rng.random() < 0.05 else 0)
        self.next_serial[probe] = serial + 1
        nik = f"{probe}{serial:04d}"
        self.used.add(nik)
        return nik


class NkkAllocator:
    """Family-card numbers: kecamatan code, issue date DDMMYY, serial."""

    def __init__(self):
        self.next_serial: dict[str, int] = {}
        self.used: set[str] = set()

    def make(self, district_code: str, issued: date) -> str:
        prefix = f"{district_code.replace('.', '')}{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}"
        serial = self.next_serial.get(prefix, 1)
        self.next_serial[prefix] = serial + 1
        nkk = f"{prefix}{serial:04d}"
        self.used.add(nkk)
        return nkk
