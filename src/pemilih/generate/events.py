"""Life between the KPU list (2023-06-21) and the registry extract (2026-10-31).

Households move out of the regency or to another village of it, young adults leave, young men
join the TNI or Polri, couples marry (the bride joins a new family card in the groom's
village), people die (their spouse becomes CERAI MATI), children are born, and families move
in from elsewhere (some too recently for the Pilkalem 6-month domicile rule). Each person's
state is mutated in place; what the list showed was frozen before, in Person.snapshot.
"""
from __future__ import annotations

from datetime import date, timedelta

from . import config as C
from .people import Person, age_on, random_date
from .population import HouseholdBuilder, religion_of
from .world import POLRI, TNI, World

YEARS = (C.EXTRACT_DAY - C.DPT_SET).days / 365.25
# Annual death probability by age band (upper bound exclusive).
MORTALITY = [(1, 0.015), (5, 0.0015), (40, 0.001), (50, 0.0025), (60, 0.005), (70, 0.011),
             (80, 0.027), (90, 0.065), (200, 0.13)]


def _residents(world: World) -> list[Person]:
    return [p for p in world.people if p.resident_on_extract()]


def _move_household(world: World, members: list[Person], village, day: date, rng, dusun=None):
    hh0 = members[0].household
    hh = world.new_household(village, rng, day, hh0.religion, hh0.family, dusun)
    for p in members:
        p.live_with(hh)
        hh.members.append(p)
        p.arrived = day
    return hh


def household_moves(world: World, rng) -> None:
    for hh in list(world.households):
        members = [p for p in hh.members if p.resident_on_extract() and p.household is hh]
        if not members:
            continue
        r = rng.random()
        if r < C.HOUSEHOLD_MOVE_OUT:
            day, dest = random_date(rng, C.DPT_SET + timedelta(days=1), C.EXTRACT_DAY), world.outside_village(rng)
            for p in members:
                p.moved_out, p.dest = day, dest
                p.events.append("MOVED-OUT")
        elif r < C.HOUSEHOLD_MOVE_OUT + C.HOUSEHOLD_MOVE_WITHIN:
            regency = world.regency_villages[hh.village.code[:5]]
            same_district = [v for v in regency
                             if v.district_code == hh.village.district_code and v is not hh.village]
            pool = same_district if same_district and rng.random() < 0.5 else regency
            _move_within(world, members, rng.choice([v for v in pool if v is not hh.village]), rng,
                         "MOVED-WITHIN")
        elif world.province and r < C.HOUSEHOLD_MOVE_OUT + C.HOUSEHOLD_MOVE_WITHIN + C.HOUSEHOLD_MOVE_REGENCY:
            # To another regency of the province: the provincial registry follows them there.
            others = [code for code in world.regency_villages if code != hh.village.code[:5]]
            _move_within(world, members, rng.choice(world.regency_villages[rng.choice(others)]), rng,
                         "MOVED-REGENCY")


def _move_within(world: World, members: list[Person], village, rng, event: str) -> None:
    day = random_date(rng, C.DPT_SET + timedelta(days=30), C.LAST_INTERNAL_MOVE)
    _move_household(world, members, village, day, rng)
    for p in members:
        p.events.append(event)


def young_leave(world: World, rng) -> None:
    for p in _residents(world):
        if p.resident0 and p.kawin == "B" and 18 <= age_on(p.dob, C.DPT_SET) <= 35 \
                and rng.random() < C.YOUNG_MOVE_OUT:
            p.moved_out = random_date(rng, C.DPT_SET + timedelta(days=1), C.EXTRACT_DAY)
            p.dest = world.outside_village(rng)
            p.events.append("MOVED-OUT")


def join_forces(world: World, rng) -> None:
    """New TNI soldiers and Polri officers keep their registration at home."""
    for p in _residents(world):
        if not p.resident0:
            continue
        age = age_on(p.dob, C.DPT_SET)
        if p.sex == "L" and 18 <= age <= 24 and rng.random() < C.NEW_TNI_POLRI:
            p.occupation = TNI if rng.random() < 0.5 else POLRI
            p.events.append("NEW-TNI" if p.occupation == TNI else "NEW-POLRI")
        elif p.occupation in (TNI, POLRI) and age >= 50 and rng.random() < 0.4:
            p.occupation = "PENSIUNAN"
            p.events.append("LEFT-FORCES")


def marriages(world: World, rng) -> None:
    singles = [p for p in _residents(world) if p.resident0 and p.kawin == "B"]
    grooms: dict[str, list[Person]] = {}
    for p in singles:
        if p.sex == "L" and 20 <= age_on(p.dob, C.DPT_SET) <= 40:
            grooms.setdefault(p.village, []).append(p)
            grooms.setdefault(p.village[:8], []).append(p)
    taken: set[int] = set()
    for bride in singles:
        age = age_on(bride.dob, C.DPT_SET)
        if bride.sex != "P" or not 19 <= age <= 34 or rng.random() >= C.MARRIAGE_WOMEN:
            continue
        day = random_date(rng, C.DPT_SET + timedelta(days=30), C.EXTRACT_DAY - timedelta(days=7))
        # A bride who would arrive after the internal-move cut-off marries within her village.
        near = day > C.LAST_INTERNAL_MOVE or rng.random() < 0.45
        key = bride.village if near else bride.village[:8] if rng.random() < 0.75 else None
        pool = grooms.get(key, []) if key else grooms.get(rng.choice(world.ref.villages).code, [])
        groom = _pick_groom(pool, bride, taken, rng)
        if groom is None:
            continue
        taken.add(groom.pid)
        _wed(world, bride, groom, day, rng)


def _pick_groom(pool: list[Person], bride: Person, taken: set[int], rng) -> Person | None:
    for _ in range(12):
        if not pool:
            return None
        g = pool[rng.randrange(len(pool))]
        gap = (bride.dob - g.dob).days / 365.25
        if g.pid not in taken and -2 <= gap <= 9 and g.resident_on_extract() and g.kawin == "B":
            return g
    return None


def _wed(world: World, bride: Person, groom: Person, day: date, rng) -> None:
    """A new family card in the groom's village, dusun and RT; the bride arrives there."""
    village = world.village_by_code[groom.village]
    dusun = next(d for d in village.dusun if d[0] == groom.rw)
    arrived = {bride.pid: bride.arrived if bride.village == groom.village else day,
               groom.pid: groom.arrived}
    rt = groom.rt
    hh = _move_household(world, [groom, bride], village, day, rng, dusun)
    hh.rt = groom.rt = bride.rt = rt
    for p in (bride, groom):
        p.arrived = arrived[p.pid]
        p.marital = "KAWIN"
        p.events.append("MARRIED")
    bride.spouse, groom.spouse = groom, bride


def deaths(world: World, rng) -> None:
    for p in _residents(world):
        age = age_on(p.dob, C.DPT_SET)
        q = next(rate for top, rate in MORTALITY if age < top)
        if rng.random() >= 1 - (1 - q) ** YEARS:
            continue
        start = max(C.DPT_SET + timedelta(days=1), p.arrived or C.DPT_SET, p.dob)
        p.status, p.died = "MATI", random_date(rng, start, C.EXTRACT_DAY)
        p.events.append("DIED")
        s = p.spouse
        if s is not None and s.spouse is p and s.marital == "KAWIN" and s.resident_on_extract():
            s.marital = "CERAI MATI"
            s.events.append("WIDOWED")


def births(world: World, rng) -> None:
    mothers = [p for p in _residents(world)
               if p.sex == "P" and p.marital == "KAWIN" and 18 <= age_on(p.dob, C.DPT_SET) <= 40]
    builder = HouseholdBuilder(world, rng)
    for _ in range(round(len(_residents(world)) * C.BIRTHS_PER_PERSON)):
        mother = rng.choice(mothers)
        if not mother.resident_on_extract():
            continue
        day = random_date(rng, max(C.DPT_SET, mother.arrived or C.DPT_SET), C.EXTRACT_DAY - timedelta(days=1))
        child = builder.person(mother.household, rng.choice("LP"), 0, "BELUM KAWIN", born=day)
        child.resident0 = False
        child.events.append("BORN")


def move_ins(world: World, rng) -> None:
    """Families and single people arriving from elsewhere in Indonesia."""
    builder = HouseholdBuilder(world, rng)
    target = round(len(_residents(world)) * C.MOVE_IN_PER_PERSON)
    arrived = 0
    while arrived < target:
        village = rng.choice(world.ref.villages)
        late = rng.random() < C.LATE_MOVE_IN_SHARE
        day = random_date(rng, C.DPS_SET - timedelta(days=183) if late else C.DPT_SET + timedelta(days=1),
                          C.EXTRACT_DAY if late else C.DPS_SET - timedelta(days=200))
        hh = world.new_household(village, rng, day, religion_of(village, rng), world.ref.toraja_family.draw(rng))
        before = len(world.people)
        if rng.random() < 0.5:
            builder.build(hh, arrived_on=day)
        else:
            builder.person(hh, rng.choice("LP"), rng.randint(19, 45), "BELUM KAWIN", arrived_on=day)
        for p in world.people[before:]:
            p.resident0 = False
            p.events.append("MOVED-IN-LATE" if late else "MOVED-IN")
        arrived += len(world.people) - before


def live_until_extract(world: World) -> None:
    for stage, step in (("moves", household_moves), ("leave", young_leave), ("forces", join_forces),
                        ("marriages", marriages), ("deaths", deaths), ("births", births),
                        ("move_ins", move_ins)):
        step(world, world.rng(f"events:{stage}"))
