"""The regency's residents on the KPU list day: villages sized, dusun laid out, households built
(couples with children, widows, elders living alone, young adults), plus the people who died
or left since 2015 and are still in the civil registry.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from . import config as C
from .people import Person, age_on, birth_date, random_date
from .refdata import Weighted
from .world import POLRI, TNI, World

TORAJA = ("73.18", "73.26")  # Tana Toraja and Toraja Utara: mostly Christian, some Aluk Todolo

DUSUN_WORDS = ("BUNTU RANTE TANDUNG BORI LEMPO TONDOK KALUA' PANGLI BATU TIRO LIKU KARUA TALLUNG "
               "SALU BULU PAKU BANUA LANGI' ALANG TANETE PANGALA' BALLA LOMBOK BAMBA TONGKONAN "
               "PA'TANE KAPUNA SIMBUANG TALLO' LEBANI PADANG ANGIN BONGA MARANTE SANGPIAK").split()
HEAD_AGE_BINS = [(20, 3), (25, 8), (30, 11), (35, 12), (40, 12), (45, 11), (50, 10), (55, 9),
                 (60, 8), (65, 6), (70, 5), (75, 3), (80, 2)]
HEAD_AGES: dict[int, Weighted] = {}
# Completed family size, and the mother's age at each birth (peak in the late twenties).
KIDS = Weighted.of([(0, 5), (1, 8), (2, 18), (3, 24), (4, 20), (5, 13), (6, 8), (7, 4)])
MOTHER_AGE = Weighted.of((a, 6 - abs(a - 28) / 3) for a in range(19, 44))
MALE_JOBS = Weighted.of([
    ("PETANI/PEKEBUN", 45), ("WIRASWASTA", 15), ("KARYAWAN SWASTA", 6), ("PEGAWAI NEGERI SIPIL (PNS)", 5),
    ("BURUH HARIAN LEPAS", 6), ("PEDAGANG", 4), ("SOPIR", 3), ("TUKANG KAYU", 2), ("GURU", 3),
    ("BELUM/TIDAK BEKERJA", 5), ("PENDETA", 1), ("PERANGKAT DESA", 1)])
FEMALE_JOBS = Weighted.of([
    ("MENGURUS RUMAH TANGGA", 40), ("PETANI/PEKEBUN", 25), ("WIRASWASTA", 8), ("PEDAGANG", 6),
    ("GURU", 5), ("PEGAWAI NEGERI SIPIL (PNS)", 4), ("KARYAWAN SWASTA", 4), ("PERAWAT", 2),
    ("BELUM/TIDAK BEKERJA", 6)])
DISABILITY = Weighted.of([("1", 40), ("6", 20), ("5", 15), ("2", 10), ("3", 10), ("4", 5)])
LONE_ELDER = Weighted.of([("CERAI MATI", 85), ("CERAI HIDUP", 10), ("BELUM KAWIN", 5)])


def village_targets(world: World, rng) -> dict[str, int]:
    """Residents per village: kelurahan of Rantepao and Tallunglipu are the town, much bigger."""
    weights = {}
    for v in world.ref.villages:
        town = v.district_code in ("73.26.01", "73.26.11") and v.kind == "kelurahan"
        base = 2.6 if town else 1.4 if v.kind == "kelurahan" else 1.0
        weights[v.code] = base * math.exp(rng.gauss(0, 0.35))
    # Each regency as many residents as its 2024 population says, Toraja Utara's being the measure.
    pop = world.ref.population
    targets = {}
    for regency, villages in world.regency_villages.items():
        total = C.RESIDENTS_AT_SCALE_1 * world.scale * (pop[regency] / pop[C.REGENCY])
        norm = sum(weights[v.code] for v in villages)
        targets.update({v.code: max(12, round(total * weights[v.code] / norm)) for v in villages})
    return targets


def lay_out_dusun(world: World, targets: dict[str, int], rng) -> None:
    for v in world.ref.villages:
        n = min(8, max(2, round(targets[v.code] / (350 * max(world.scale, 0.2)))))
        words = rng.sample(DUSUN_WORDS, n)
        label = "LINGKUNGAN" if v.kind == "kelurahan" else "DUSUN"
        v.dusun = [(f"{i + 1:03d}", f"{label} {w}", rng.randint(2, 5)) for i, w in enumerate(words)]


def occupation(age: int, sex: str, rng) -> str:
    if age < 5:
        return "BELUM/TIDAK BEKERJA"
    if age < 19 or (age < 23 and rng.random() < 0.6):
        return "PELAJAR/MAHASISWA"
    if 20 <= age <= 55 and rng.random() < (0.012 if sex == "L" else 0.001):  # ~0.3% of adults
        return TNI if rng.random() < 0.5 else POLRI
    if age >= 60 and rng.random() < 0.12:
        return "PENSIUNAN"
    return (MALE_JOBS if sex == "L" else FEMALE_JOBS).draw(rng)


def _disability(rng) -> str:
    if rng.random() >= 0.008:
        return ""
    code = DISABILITY.draw(rng)
    if rng.random() < 0.1:
        other = rng.choice([c for c in "123456" if c != code])
        return ",".join(sorted([code, other]))
    return code


class HouseholdBuilder:
    def __init__(self, world: World, rng):
        self.world, self.rng = world, rng

    def person(self, hh, sex: str, age: int, marital: str, born: date | None = None,
               arrived_on: date | None = None) -> Person:
        """One member; `born` for a newborn, `arrived_on` for someone moving in from elsewhere."""
        w, rng = self.world, self.rng
        p = w.new_person(sex, born or birth_date(rng, age, C.DPT_SET))
        p.religion, p.marital, p.arrived = hh.religion, marital, arrived_on
        local = 1.0 if born else 0.0 if arrived_on else 0.97 if age < 17 else 0.88
        w.give_identity(p, hh.village, rng, local, C.DPT_SET)
        p.name = w.names.make(hh.religion, sex, age, hh.family, rng)
        p.occupation = occupation(age, sex, rng)
        p.disability = _disability(rng)
        p.ktp_el = "B" if rng.random() < (0.25 if age < 20 else 0.015) else "S"
        p.live_with(hh)
        hh.members.append(p)
        return p

    def kids(self, hh, mother_age: int, arrived_on: date | None = None) -> None:
        """Children born so far; grown-up ones have often left home (Toraja youth migrate)."""
        rng = self.rng
        for _ in range(KIDS.draw(rng)):
            age = mother_age - MOTHER_AGE.draw(rng)
            if age < 0:
                continue  # not born yet: a young mother has fewer children so far
            stays = 1.0 if age < 18 else 0.8 if age < 23 else 0.45 if age < 30 else 0.15
            if rng.random() < stays:
                self.person(hh, rng.choice("LP"), age, "BELUM KAWIN", arrived_on=arrived_on)

    def head_age(self, low: int = 20) -> int:
        bins = HEAD_AGES.get(low)
        if bins is None:
            bins = HEAD_AGES[low] = Weighted.of((a, wt) for a, wt in HEAD_AGE_BINS if a >= low - 4)
        return max(low, bins.draw(self.rng) + self.rng.randrange(5))

    def couple(self, hh, husband_age: int, arrived_on: date | None = None) -> int:
        wife_age = max(18, husband_age - self.rng.randint(-2, 7))
        h = self.person(hh, "L", husband_age, "KAWIN", arrived_on=arrived_on)
        w = self.person(hh, "P", wife_age, "KAWIN", arrived_on=arrived_on)
        h.spouse, w.spouse = w, h
        return wife_age

    def build(self, hh, arrived_on: date | None = None) -> None:
        rng, r, a = self.rng, self.rng.random(), arrived_on
        if r < 0.72:
            age = self.head_age(22)
            self.kids(hh, self.couple(hh, age, a), a)
            if age >= 30 and rng.random() < 0.25:
                self.person(hh, "P" if rng.random() < 0.7 else "L", min(95, age + rng.randint(22, 32)),
                            "CERAI MATI", arrived_on=a)
        elif r < 0.82:
            age, sex = self.head_age(28), "P" if rng.random() < 0.8 else "L"
            self.person(hh, sex, age, "CERAI MATI" if rng.random() < 0.7 else "CERAI HIDUP", arrived_on=a)
            self.kids(hh, age if sex == "P" else age - 3, a)
        elif r < 0.89:
            self.person(hh, "P" if rng.random() < 0.65 else "L", rng.randint(60, 92), LONE_ELDER.draw(rng),
                        arrived_on=a)
        elif r < 0.95:
            for _ in range(rng.choice((1, 1, 2))):
                self.person(hh, rng.choice("LP"), rng.randint(18, 32), "BELUM KAWIN", arrived_on=a)
        else:
            self.couple(hh, rng.randint(60, 85), a)


def religion_of(village, rng) -> str:
    r = rng.random()
    if village.code[:5] not in TORAJA:
        return "islam" if r < 0.9 else "kristen"  # the rest of Sulawesi Selatan: Bugis, Makassar, Mandar
    town = village.kind == "kelurahan" and village.district_code in ("73.26.01", "73.26.11")
    return "islam" if r < (0.15 if town else 0.05) else "aluk" if r > 0.94 else "kristen"


def build_population(world: World) -> None:
    rng = world.rng("population")
    targets = village_targets(world, rng)
    lay_out_dusun(world, targets, rng)
    builder = HouseholdBuilder(world, rng)
    for v in world.ref.villages:
        residents = 0
        while residents < targets[v.code]:
            issued = random_date(rng, date(2012, 1, 1), C.DPT_SET - timedelta(days=30))
            hh = world.new_household(v, rng, issued, religion_of(v, rng), world.ref.toraja_family.draw(rng))
            builder.build(hh)
            residents += len(hh.members)
    for p in world.people:
        p.take_snapshot()
    world.households_on_list_day = len(world.households)
    add_history(world)


def add_history(world: World) -> None:
    """Deaths and moves out between 2015 and the list day: registry records only (some of them
    are still on the stale list, chosen later)."""
    rng = world.rng("history")
    residents = len(world.people)
    for kind, rate in (("dead", C.HISTORIC_DEATHS_PER_PERSON), ("moved", C.HISTORIC_MOVES_PER_PERSON)):
        for _ in range(round(residents * rate)):
            hh = rng.choice(world.households)
            when = random_date(rng, C.HISTORY_START, C.DPT_SET - timedelta(days=1))
            if kind == "dead":
                age = rng.randint(55, 95) if rng.random() < 0.85 else rng.randint(18, 54)
            else:
                age = rng.randint(18, 35)
            sex = rng.choice("LP")
            p = world.new_person(sex, birth_date(rng, age, when))
            p.religion, p.resident0 = hh.religion, False
            world.give_identity(p, hh.village, rng, 0.9)
            p.name = world.names.make(hh.religion, sex, age, hh.family, rng)
            p.occupation = occupation(age, sex, rng)
            p.marital = ("CERAI MATI" if rng.random() < 0.5 else "KAWIN") if age >= 55 else "BELUM KAWIN"
            p.live_with(hh)  # registry keeps the last family card and address
            if kind == "dead":
                p.status, p.died = "MATI", when
            else:
                p.moved_out, p.dest = when, world.outside_village(rng)
            p.events.append("HISTORIC-" + kind.upper())
            p.take_snapshot()


def pyramid(world: World, day: date = C.DPT_SET) -> dict[str, float]:
    """Share of residents per 10-year age band (for tuning and tests)."""
    bands: dict[str, int] = {}
    people = [p for p in world.people if p.resident0 and p.dob <= day]
    for p in people:
        band = min(age_on(p.dob, day) // 10 * 10, 80)
        bands[f"{band}"] = bands.get(f"{band}", 0) + 1
    return {k: round(v / len(people), 3) for k, v in sorted(bands.items(), key=lambda kv: int(kv[0]))}
