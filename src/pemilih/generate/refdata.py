"""Reference data for the generator: names and birthplaces packaged in generate/data, regions
from pemilih.domain.regions. Loaded once; everything is returned in a fixed order so that a
seed always gives the same draws.
"""
from __future__ import annotations

import csv
import itertools
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pemilih.domain.regions import load_regions

from .config import REGENCY


@dataclass
class Weighted:
    """Items with cumulative weights, ready for random.choices(cum_weights=...)."""

    items: list
    cum: list[float]

    @classmethod
    def of(cls, pairs) -> Weighted:
        pairs = list(pairs)
        return cls([p[0] for p in pairs], list(itertools.accumulate(float(p[1]) for p in pairs)))

    def draw(self, rng):
        # Same as rng.choices(...)[0] without its per-call list building (called ~10^6 times).
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]


@dataclass
class Village:
    code: str            # dotted 73.26.01.2001
    name: str            # as in the reference list (mixed case)
    kind: str            # desa / kelurahan
    district_code: str
    district_name: str
    dusun: list = field(default_factory=list)  # [(rw, alamat, n_rt)], filled by population


@dataclass
class RefData:
    villages: list[Village]
    given: dict[str, Weighted]          # sex -> general given names (upper case)
    given_counts: dict[str, int]        # upper name -> corpus count, for curated lists
    toraja_family: Weighted
    elsewhere: Weighted                 # regency code -> migration weight, outside Toraja Utara
    nearby: Weighted                    # the same, Sulawesi only (birthplaces of people registered here)
    place_of_regency: dict[str, str]    # regency code -> printed birthplace (upper case)
    districts_of: dict[str, list[str]]  # regency code -> district codes
    regencies: tuple[str, ...] = (REGENCY,)  # the regencies generated (one, or a province's)
    population: dict[str, float] = field(default_factory=dict)  # regency code -> people in 2024
    regency_names: dict[str, str] = field(default_factory=dict)  # code -> TORAJA UTARA, KOTA MAKASSAR


def _rows(name: str) -> list[dict]:
    path = resources.files("pemilih.generate") / "data" / name
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _elsewhere_weight(row: dict) -> float:
    """Migration to and from Toraja Utara runs mostly within Sulawesi (Tana Toraja, Makassar,
    Palopo, Luwu), then to Kalimantan Timur, Papua and Jakarta where Toraja communities live."""
    pop = float(row["population_2024"] or 0)
    code = row["code"]
    if code == "73.18":
        return pop * 30
    if code in ("73.71", "73.73", "73.17", "73.22", "73.25"):
        return pop * 8
    if code.startswith("73"):
        return pop * 1.5
    if code.startswith(("76", "72", "74", "64", "65")):
        return pop * 0.5
    if code.startswith(("31", "91", "94")) or code in ("93.01", "93.02"):
        return pop * 0.15
    return pop * 0.01


def province_regencies(province: str) -> tuple[str, ...]:
    """The regency codes of a province (`73` -> 73.01 .. 73.73), in the reference's order."""
    return tuple(sorted(r.code for r in load_regions().children(province)))


def printed_regency(name: str) -> str:
    """`Kabupaten Toraja Utara` -> `TORAJA UTARA`, `Kota Makassar` -> `KOTA MAKASSAR` (form headers)."""
    return name.removeprefix("Kabupaten ").upper()


@lru_cache(maxsize=4)
def load_refdata(regencies: tuple[str, ...] = (REGENCY,)) -> RefData:
    """Names, places and the villages of `regencies` (Toraja Utara alone by default). Moves out
    and births elsewhere are drawn from the regencies outside them."""
    regions = load_regions()
    villages = []
    for regency in regencies:
        for district in regions.children(regency):
            for v in regions.children(district.code):
                villages.append(Village(v.code, v.name, v.kind, district.code, district.name))
    villages.sort(key=lambda v: v.code)

    given: dict[str, list] = {"L": [], "P": []}
    counts: dict[str, int] = {}
    for r in _rows("given_names.csv"):
        name, count = r["name"].upper(), int(r["count"])
        counts[name] = count
        if r["sex"] in given and name.isalpha() and len(name) >= 3:
            # Square root flattens the corpus so a few very common names do not dominate.
            given[r["sex"]].append((name, count ** 0.5))
    family = [(r["name"].upper(), 1 + float(r["count"] or 1) ** 0.5)
              for r in _rows("family_names.csv") if r["group"] == "toraja"]

    elsewhere, places, districts_of, population = [], {}, {}, {}
    for r in _rows("birthplaces.csv"):
        places[r["code"]] = r["place_name"].upper()
        population[r["code"]] = float(r["population_2024"] or 0)
        if r["code"] in regencies:
            continue
        districts = [d.code for d in regions.children(r["code"])]
        if districts:
            districts_of[r["code"]] = districts
            elsewhere.append((r["code"], _elsewhere_weight(r)))
    nearby = [(code, w) for code, w in elsewhere if code[:2] in ("73", "76", "72", "74")]
    names = {code: printed_regency(regions.by_code[code].name) for code in regencies}
    return RefData(villages, {s: Weighted.of(v) for s, v in given.items()}, counts,
                   Weighted.of(family), Weighted.of(elsewhere), Weighted.of(nearby), places, districts_of,
                   tuple(regencies), population, names)
