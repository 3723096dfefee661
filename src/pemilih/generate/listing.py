"""The stale KPU list: one row per voter as the DPT of 2023-06-21 showed them, grouped by
household, packed into TPS of at most 300 voters (a household never split), numbered.
"""
from __future__ import annotations

import math

from . import config as C
from .people import KAWIN_LETTER, Person, age_on
from .world import POLRI, TNI, World


class ListRow:
    """One voter row; the same row is written to the flat CSV and to the village workbook."""

    __slots__ = ("person", "village", "tps", "no", "nkk", "nik", "nik_cell", "nama", "tempat",
                 "tgl", "tgl_cell", "kawin", "jk", "alamat", "rt", "rw", "dis", "ktp", "ket",
                 "kode_csv", "desa_csv", "kinds", "dup_of", "csv_ref", "xlsx_ref", "line")

    def __init__(self, person: Person | None, village):
        self.person, self.village = person, village
        self.tps = self.no = 0
        self.nkk = self.nik = self.nama = self.tempat = self.tgl = ""
        self.nik_cell = None   # a float when Excel mangled the NIK (numeric cell in the workbook)
        self.tgl_cell = None   # the listed date as a date (None when impossible): date cells
        self.kawin = self.jk = self.alamat = self.rt = self.rw = self.dis = self.ktp = self.ket = ""
        self.kode_csv, self.desa_csv = village.code, village.name.upper()
        self.kinds: list[str] = []
        self.dup_of: ListRow | None = None
        self.csv_ref = self.xlsx_ref = ""
        self.line = 0

    @property
    def dob(self):
        return self.person.dob if self.person else None


_DATE_TEXT: dict = {}


def fmt_date(d) -> str:
    """DD-MM-YYYY (cached: a few tens of thousands of distinct dates, formatted ~10^6 times)."""
    text = _DATE_TEXT.get(d)
    if text is None:
        text = _DATE_TEXT[d] = f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    return text


def row_from_snapshot(p: Person, village) -> ListRow:
    """What the list copied from the person on its day."""
    _, nkk, rt, rw, alamat, marital, _ = p.snapshot
    r = ListRow(p, village)
    r.nkk, r.nik, r.nama, r.tempat = nkk, p.nik, p.name, p.birthplace
    r.tgl, r.tgl_cell = fmt_date(p.dob), p.dob
    r.kawin, r.jk, r.alamat, r.rt, r.rw = KAWIN_LETTER[marital], p.sex, alamat, rt, rw
    r.dis, r.ktp = p.disability, p.ktp_el
    return r


def eligible_on_list_day(p: Person) -> bool:
    _, _, _, _, _, marital, occupation = p.snapshot
    if occupation in (TNI, POLRI):
        return False
    return age_on(p.dob, C.PEMILU_DAY) >= 17 or KAWIN_LETTER[marital] != "B"


def base_rows(world: World) -> dict[int, list[ListRow]]:
    """Rows per household id, for everyone resident and eligible on the list day (a few eligible
    people were never listed: they come back as new voters)."""
    rng = world.rng("listing")
    rows: dict[int, list[ListRow]] = {}
    for hh in world.households[:world.households_on_list_day]:
        for p in hh.members:  # members on the list day (movers are not removed from it)
            if not p.resident0 or not eligible_on_list_day(p):
                continue
            if rng.random() < C.OMITTED_FROM_LIST:
                p.events.append("NOT-LISTED")
                continue
            p.listed = True
            rows.setdefault(hh.hid, []).append(row_from_snapshot(p, hh.village))
    return rows


def tps_size(scale: float) -> tuple[int, int]:
    """(target, maximum) voters per TPS. A regency below a fifth of its real size gets TPS as
    much smaller: at full size a village has several TPS, and a miniature one with a single TPS
    per village would hide everything that happens between TPS (moves, numbering per TPS)."""
    shrink = min(1.0, 5 * scale)
    return max(10, round(C.TPS_TARGET * shrink)), max(12, round(C.TPS_MAX * shrink))


def pack_tps(units: list[list[ListRow]], scale: float = 1.0) -> int:
    """Assign TPS numbers to units (households) in order; returns the number of TPS."""
    total = sum(len(u) for u in units)
    wanted, most = tps_size(scale)
    n = max(1, math.ceil(total / wanted))
    target = total / n
    tps, size, done = 1, 0, 0
    for unit in units:
        if size and (size + len(unit) > most or done >= tps * target):
            tps, size = tps + 1, 0
        for r in unit:
            r.tps = tps
        size += len(unit)
        done += len(unit)
    return tps


def number_rows(units: list[list[ListRow]]) -> list[ListRow]:
    rows = [r for u in units for r in u]
    rows.sort(key=lambda r: r.tps)  # stable: keeps household order inside a TPS
    no, last = 0, None
    for r in rows:
        no = no + 1 if r.tps == last else 1
        r.no, last = no, r.tps
    return rows


def workbook_name(village) -> str:
    return f"DPT_{village.code.replace('.', '')}_{village.name.upper().replace(' ', '_')}.xlsx"


def assign_refs(rows: list[ListRow], csv_name: str) -> None:
    for i, r in enumerate(rows):
        r.line = i + 2
        r.csv_ref = f"{csv_name}::{r.line}"
        r.xlsx_ref = f"{workbook_name(r.village)}:TPS {r.tps:03d}:{9 + r.no}"
