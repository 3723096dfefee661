"""The generator's shared state: reference data, people, households, allocators and the
per-stage random streams (one per stage, so a change in one stage does not reshuffle the others).
"""
from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

from .names import NameMaker
from .people import Household, NikAllocator, NkkAllocator, Person, random_date
from .refdata import RefData, Village, Weighted, load_refdata

TNI = "TENTARA NASIONAL INDONESIA"
POLRI = "KEPOLISIAN RI"
LOCAL_BIRTHPLACES = Weighted.of([
    ("RANTEPAO", 35), ("@KECAMATAN", 25), ("@DESA", 10), ("MAKALE", 8), ("TANA TORAJA", 4),
    ("TORAJA UTARA", 3), ("PALOPO", 3), ("MAKASSAR", 4), ("@ELSEWHERE", 5)])


class FastRandom(random.Random):
    """choice/randint/randrange from random() alone: about 3x cheaper than the exact-integer
    versions, and still fully determined by the seed (the generator makes ~10^7 draws)."""

    def randrange(self, start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        if step != 1 or stop <= start:
            return super().randrange(start, stop, step)
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


class World:
    def __init__(self, seed: int, scale: float, ref: RefData | None = None):
        self.seed, self.scale = seed, scale
        ref = ref or load_refdata()
        # Villages get this world's dusun layout: copies, so the cached reference stays clean.
        self.ref = dataclasses.replace(ref, villages=[dataclasses.replace(v, dusun=[]) for v in ref.villages])
        self.names = NameMaker(self.ref)
        self.niks, self.nkks = NikAllocator(), NkkAllocator()
        self.people: list[Person] = []
        self.households: list[Household] = []
        self.households_on_list_day = 0  # households[:n] existed on the list day; later ones are new
        self.village_by_code: dict[str, Village] = {v.code: v for v in self.ref.villages}
        self.village_hh: dict[str, list[Household]] = {v.code: [] for v in self.ref.villages}
        # A province generates several regencies: moves and duplicates may then cross them.
        self.regency_villages: dict[str, list[Village]] = {}
        for v in self.ref.villages:
            self.regency_villages.setdefault(v.code[:5], []).append(v)
        self.province = len(self.ref.regencies) > 1

    def rng(self, stage: str) -> random.Random:
        return FastRandom(f"{self.seed}:{stage}")

    # People and households.

    def new_person(self, sex: str, dob: date) -> Person:
        p = Person(len(self.people), sex, dob)
        self.people.append(p)
        return p

    def new_household(self, village: Village, rng, issued: date, religion: str, family: str,
                      dusun=None) -> Household:
        rw, alamat, n_rt = dusun or rng.choice(village.dusun)
        nkk = self.nkks.make(village.district_code, issued)
        hh = Household(len(self.households), village, nkk, f"{rng.randint(1, n_rt):03d}", rw,
                       alamat, religion, family)
        self.households.append(hh)
        self.village_hh[village.code].append(hh)
        return hh

    # Places.

    def elsewhere_district(self, rng) -> tuple[str, str]:
        """(district code, printed birthplace) somewhere in Indonesia outside the regency."""
        regency = self.ref.elsewhere.draw(rng)
        return rng.choice(self.ref.districts_of[regency]), self.ref.place_of_regency[regency]

    def local_birthplace(self, village: Village, rng) -> str:
        place = LOCAL_BIRTHPLACES.draw(rng)
        if place == "@KECAMATAN":
            return village.district_name.upper()
        if place == "@DESA":
            return village.name.upper()
        if place == "@ELSEWHERE":
            return self.ref.place_of_regency[self.ref.nearby.draw(rng)]
        return place

    def give_identity(self, p: Person, village: Village, rng, local_share: float = 0.9,
                      registered_on: date | None = None) -> None:
        """NIK (region where first registered) and birthplace; some were born elsewhere."""
        r = rng.random()
        if r < local_share:
            region, p.birthplace = village.district_code, self.local_birthplace(village, rng)
        elif r < local_share + 0.04:
            other = rng.choice(self.ref.villages)
            region, p.birthplace = other.district_code, self.local_birthplace(other, rng)
        else:
            region, p.birthplace = self.elsewhere_district(rng)
            if registered_on is not None and p.arrived is None:
                start = max(date(2008, 1, 1), p.dob + timedelta(days=366))
                if start < registered_on:
                    p.arrived = random_date(rng, start, registered_on)
        p.nik = self.niks.make(region.replace(".", ""), p.dob, p.sex, rng)

    def outside_village(self, rng) -> str:
        """A destination village code outside the regency, for moves out."""
        from pemilih.domain.regions import load_regions
        district, _ = self.elsewhere_district(rng)
        villages = load_regions().children(district)
        return rng.choice(villages).code if villages else district
