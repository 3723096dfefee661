"""Errors planted on list rows: data to correct (U), cosmetic respellings that must not become
findings, and data-quality defects for `pemilih check` (Excel floats, bad NIK, impossible dates,
village names, names that are not names, a NIK serial 0000, a village name contradicting the
village code). Each row gets at most one planted defect, recorded in row.kinds.
"""
from __future__ import annotations

from datetime import date

from pemilih.domain.regions import load_regions
from pemilih.domain.regions import name_key as village_key

from . import config as C
from .listing import ListRow, fmt_date
from .mangle import (
    dob_digit_off,
    dob_swapped,
    excel_float,
    impossible_date,
    name_digits,
    name_formula,
    name_numbered,
    nik_non_digit,
    nik_region_typo,
    nik_serial_zero,
    nik_swap,
    nik_typo,
    nik_wrong_length,
    village_typo,
    village_variant,
)
from .names import cosmetic_variant, place_key, typo
from .people import age_on


def _set_date(row: ListRow, new: date | None) -> bool:
    if new is None or age_on(new, C.PEMILU_DAY) < 17 or new == row.dob:
        return False
    row.tgl, row.tgl_cell = fmt_date(new), new
    return True


def _other(value: str, top: int, rng) -> str:
    choices = [f"{i:03d}" for i in range(1, max(top, 3) + 1) if f"{i:03d}" != value]
    return rng.choice(choices)


class Planter:
    def __init__(self, rows: list[ListRow], plan, rng):
        self.rng, self.plan = rng, plan
        self.used = plan.world.niks.used
        self.pool = [r for r in rows if not r.kinds and r.person.pid not in plan.protected]
        rng.shuffle(self.pool)
        self.float_texts: set[str] = set()
        self.float_values: set[float] = set()
        regions = load_regions()
        self.villages = [v for regency in plan.world.ref.regencies for v in regions.villages_of(regency)]
        self.province_prefixes = frozenset(v.district_code.replace(".", "") for v in plan.world.ref.villages)
        self.village_keys = {village_key(v.name) for v in self.villages}

    def plant(self, kind: str, apply) -> int:
        """Apply `apply(row) -> bool` to rows from the pool until `count(kind)` succeeded."""
        done, tries = 0, 0
        want = self.plan.count(kind)
        while done < want and self.pool and tries < want * 20:
            tries += 1
            row = self.pool.pop()
            if apply(row):
                row.kinds.append(kind.upper().replace("_", "-"))
                done += 1
            else:
                self.pool.insert(0, row)
        return done

    # Data to correct (U).

    def u_defects(self) -> None:
        rng = self.rng
        self.plant("name_typo", lambda r: _assign(r, "nama", typo(r.nama, rng)))
        self.plant("dob_swap", lambda r: _set_date(r, dob_swapped(r.dob)))
        self.plant("dob_digit", lambda r: _set_date(r, dob_digit_off(r.dob, rng)))
        self.plant("nik_typo", lambda r: _assign(r, "nik", nik_typo(r.nik, rng, self.used)))
        self.plant("nik_swap", lambda r: _assign(r, "nik", nik_swap(r.nik, rng, self.used)))
        if self.plan.world.province:
            self.plant("nik_region", lambda r: _assign(
                r, "nik", nik_region_typo(r.nik, self.province_prefixes, rng, self.used)))
        self.plant("nik_empty", lambda r: _assign(r, "nik", ""))
        self.plant("sex_wrong", lambda r: _assign(r, "jk", "P" if r.jk == "L" else "L"))
        self.plant("birthplace_typo", lambda r: _assign(r, "tempat", typo(r.tempat, rng, key=place_key)))
        self.plant("rt_changed", lambda r: _assign(r, "rt", _other(r.rt, 5, rng)))
        self.plant("rw_changed", lambda r: _assign(r, "rw", _other(r.rw, len(r.village.dusun), rng)))

    def cosmetic(self) -> None:
        def name(r):
            variant = cosmetic_variant(r.nama, self.rng)
            if variant is None:
                return False
            r.nama = variant[0]
            r.kinds.append(f"COSMETIC-{variant[1]}")
            return True

        def place(r):
            variant = cosmetic_variant(r.tempat, self.rng)
            if variant is None or place_key(variant[0]) != place_key(r.tempat):
                return False
            r.tempat = variant[0]
            return True
        self.plant("cosmetic_name", name)
        self.plant("cosmetic_place", place)

    # Data-quality defects for `pemilih check`.

    def check_defects(self) -> None:
        rng = self.rng
        self.plant("nik_float", self._float)
        self.plant("nik_length", lambda r: _assign(r, "nik", self._unique(nik_wrong_length(r.nik, rng))))
        self.plant("nik_invalid", lambda r: _assign(r, "nik", self._unique(nik_non_digit(r.nik, rng))))
        self.plant("date_invalid", self._impossible_date)
        self.plant("desa_unknown", self._unknown_village)
        self.plant("desa_variant", lambda r: self._csv_village(
            r, village_variant(r.village.name.upper(), r.village.kind, rng)))
        self.plant("kode_desa_empty", lambda r: self._csv_village(r, r.village.name.upper()))
        self.plant("name_empty", lambda r: _assign(r, "nama", ""))
        self.plant("name_formula", lambda r: _assign(r, "nama", name_formula(rng)))
        self.plant("name_digits", lambda r: _assign(r, "nama", name_digits(rng)))
        self.plant("name_numbered", lambda r: _assign(r, "nama", name_numbered(r.nama, rng)))
        self.plant("nik_serial", lambda r: _assign(r, "nik", self._unique(nik_serial_zero(r.nik))))
        self.plant("desa_mismatch", self._other_village_name)

    def _unique(self, nik: str) -> str | None:
        """Damaged NIKs stay distinct, so none of them looks like a duplicate of another."""
        if nik in self.used:
            return None
        self.used.add(nik)
        return nik

    def _float(self, row: ListRow) -> bool:
        """Few short forms (7.32601E+15) exist per kecamatan, so each is used once at most."""
        for short in (True, False):
            text, value = excel_float(row.nik, short)
            if text not in self.float_texts and value not in self.float_values:
                self.float_texts.add(text)
                self.float_values.add(value)
                row.nik, row.nik_cell = text, value
                return True
        return False

    def _impossible_date(self, row: ListRow) -> bool:
        row.tgl, row.tgl_cell = impossible_date(row.dob, self.rng), None
        return True

    def _unknown_village(self, row: ListRow) -> bool:
        bad = village_typo(row.village.name.upper(), self.village_keys, self.rng)
        if bad is None:
            return False
        row.kode_csv, row.desa_csv = "", bad
        return True

    def _other_village_name(self, row: ListRow) -> bool:
        """The KODE DESA kept, KELURAHAN/DESA another village's name (in the CSV only: a
        workbook names its village once, in the title block)."""
        own = village_key(row.village.name)
        other = self.rng.choice(self.villages)
        if not row.kode_csv or village_key(other.name) == own:
            return False
        row.desa_csv = other.name.upper()
        return True

    def _csv_village(self, row: ListRow, name: str) -> bool:
        row.kode_csv, row.desa_csv = "", name
        return True


def _assign(row: ListRow, slot: str, value) -> bool:
    if value is None or value == getattr(row, slot):
        return False
    setattr(row, slot, value)
    return True


def plant_defects(rows: list[ListRow], plan) -> None:
    planter = Planter(rows, plan, plan.world.rng("defects"))
    planter.u_defects()
    planter.cosmetic()
    planter.check_defects()
