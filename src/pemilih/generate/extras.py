"""Rows that should not be on the list at all: the dead and departed still listed, minors,
TNI/Polri members, ghosts unknown to the registry, and duplicates of real voters.

ListPlan gathers rows per household, adds these extras (in their household, or as loose rows
placed in a village), then packs every village into TPS and numbers the rows.
"""
from __future__ import annotations

from datetime import date

from . import config as C
from .listing import ListRow, base_rows, fmt_date, number_rows, pack_tps, row_from_snapshot
from .people import Person, age_on, birth_date
from .world import POLRI, TNI, World


class ListPlan:
    def __init__(self, world: World):
        self.world, self.rng = world, world.rng("extras")
        self.by_hh = base_rows(world)
        self.base_count = sum(len(v) for v in self.by_hh.values())
        self.loose: dict[str, list] = {v.code: [] for v in world.ref.villages}
        self.protected: set[int] = set()  # people whose rows must stay as written (duplicate pairs)
        self.tps_count = 0

    def count(self, kind: str) -> int:
        return max(2, round(C.PLANT[kind] * self.base_count))

    def attach(self, hh, row: ListRow) -> None:
        self.by_hh.setdefault(hh.hid, []).append(row)

    def place(self, village, row: ListRow, after: ListRow | None = None) -> None:
        """A loose row somewhere in the village; after `after`'s household when given."""
        self.loose[village.code].append((after, [row]))

    def base_rows(self) -> list[ListRow]:
        return [r for rows in self.by_hh.values() for r in rows if not r.kinds]

    def build(self) -> list[ListRow]:
        out: list[ListRow] = []
        for v in self.world.ref.villages:
            households = [h for h in self.world.village_hh[v.code] if h.hid in self.by_hh]
            households.sort(key=lambda h: (h.rw, h.rt, h.hid))
            units = [self.by_hh[h.hid] for h in households]
            units = self._insert_loose(units, self.loose[v.code])
            self.tps_count += pack_tps(units, self.world.scale)
            out.extend(number_rows(units))
        return out

    def _insert_loose(self, units: list[list[ListRow]], loose: list) -> list[list[ListRow]]:
        where = {id(r): i for i, u in enumerate(units) for r in u}
        slots: dict[int, list] = {}
        for after, unit in loose:
            low = where[id(after)] + 1 if after is not None and id(after) in where else 0
            slots.setdefault(self.rng.randint(low, len(units)), []).append(unit)
        merged = []
        for i in range(len(units) + 1):
            merged.extend(slots.get(i, []))
            if i < len(units):
                merged.append(units[i])
        return merged


def unchanged_resident(p: Person) -> bool:
    """Nothing happened to this person since the list day: a safe carrier for a planted defect."""
    return not p.events and p.resident_on_extract() and p.occupation not in (TNI, POLRI)


def add_stale(plan: ListPlan) -> None:
    """Deaths and moves out since 2019 that the list never caught up with."""
    rng, people = plan.rng, plan.world.people
    for kind, event, code in (("stale_dead", "HISTORIC-DEAD", "TMS-1"), ("stale_moved", "HISTORIC-MOVED", "TMS-4")):
        pool = [p for p in people if event in p.events and (p.died or p.moved_out) >= C.STALE_FROM
                and age_on(p.dob, p.died or p.moved_out) >= 17]
        for p in rng.sample(pool, min(len(pool), plan.count(kind))):
            row = row_from_snapshot(p, p.household.village)
            row.kinds.append(code)
            p.listed = True
            plan.attach(p.household, row)


def add_minors_and_forces(plan: ListPlan) -> None:
    rng, people = plan.rng, plan.world.people
    youngest = date(C.PILKALEM_DAY.year - 17, C.PILKALEM_DAY.month, C.PILKALEM_DAY.day)
    minors = [p for p in people if p.resident0 and not p.listed and unchanged_resident(p)
              and p.dob > youngest and age_on(p.dob, C.DPT_SET) >= 11 and p.kawin == "B"]
    for p in rng.sample(minors, min(len(minors), plan.count("minor"))):
        _attach_snapshot(plan, p, "TMS-3")
    for kind, occupation, code in (("tni_listed", TNI, "TMS-6"), ("polri_listed", POLRI, "TMS-7")):
        pool = [p for p in people if p.resident0 and not p.listed and not p.events
                and p.resident_on_extract() and p.occupation == occupation]
        for p in rng.sample(pool, min(len(pool), plan.count(kind))):
            _attach_snapshot(plan, p, code)


def _attach_snapshot(plan: ListPlan, p: Person, code: str) -> None:
    row = row_from_snapshot(p, p.household.village)
    row.kinds.append(code)
    p.listed = True
    plan.attach(p.household, row)


def add_ghosts(plan: ListPlan) -> None:
    """People nobody knows: a name and NIK the registry never issued, on a real or fake family card."""
    world, rng = plan.world, plan.rng
    on_list_day = world.households[:world.households_on_list_day]  # once: a province has millions
    for i in range(plan.count("ghost")):
        hh = rng.choice(on_list_day)
        age, sex = rng.randint(18, 80), rng.choice("LP")
        ghost = Person(-1 - i, sex, birth_date(rng, age, C.DPT_SET))
        world.give_identity(ghost, hh.village, rng, 0.95)  # reserves the NIK: no real person gets it
        ghost.name = world.names.make(hh.religion, sex, age, hh.family, rng)
        ghost.events.append("GHOST")
        row = ListRow(ghost, hh.village)
        own_card = rng.random() < 0.5
        row.nkk = world.nkks.make(hh.village.district_code, C.DPT_SET.replace(day=1)) if own_card else hh.nkk
        row.nik, row.nama, row.tempat = ghost.nik, ghost.name, ghost.birthplace
        row.tgl, row.tgl_cell = fmt_date(ghost.dob), ghost.dob
        row.kawin = "S" if age > 25 and rng.random() < 0.6 else "B"
        row.jk, row.alamat, row.rt, row.rw, row.ktp = sex, hh.alamat, hh.rt, hh.rw, "S"
        row.kinds.append("TMS-5")
        if own_card:
            plan.place(hh.village, row)
        else:
            plan.attach(hh, row)
