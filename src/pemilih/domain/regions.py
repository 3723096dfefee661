"""Kemendagri region reference (Kepmendagri 300.2.2-2138/2025), packaged with pemilih.

Codes are kept in the canonical dotted form `73.26.01.2001`. Names typed by people are
matched with tolerance for apostrophes, spacing and a leading `DESA`/`LEMBANG`/`KELURAHAN`.

This module is the one reader of the packaged CSVs (`reference_bytes`, `reference_rows`),
with the small cached views the checks need: `district_prefixes` (NIK/NKK prefixes: the coklit
reader's worker processes load only these), `find_regency`, and `load_regions` (every region as
an object). domain/region_tables.py holds the column-wise (Polars) views of the same bytes.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

_PREFIXES = re.compile(r"^(DESA|LEMBANG|KELURAHAN|KEL|KEC|KECAMATAN|DESA/KEL|DESA/KELURAHAN)\b\.?\s*")
_DOTTED = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_PLAIN = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
VILLAGE_KINDS = ("desa", "kelurahan", "desa_adat")
# How much longer or shorter than a name a village's spelling may be to be offered nationally.
NEAR_LENGTH = 2


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    parent_code: str
    kind: str  # provinsi, kabupaten/kota, kecamatan, desa, kelurahan, desa_adat


def name_key(name: str) -> str:
    """A spelling-tolerant key: `Sa'dan` and `SADAN`, `Tallu Lolo` and `TALLULOLO` agree."""
    text = name.upper().replace("’", "'").strip()
    text = _PREFIXES.sub("", text)
    return re.sub(r"[^A-Z0-9]", "", text)


def canonical_code(code: str) -> str | None:
    """`7326012001` or `73.26.01.2001` -> `73.26.01.2001`; None if it is not a region code."""
    text = (code or "").strip()
    if _DOTTED.fullmatch(text):
        return text
    if _PLAIN.fullmatch(text):
        parts = [text[0:2], text[2:4], text[4:6], text[6:10]]
        return ".".join(p for p in parts if p)
    return None


def is_village_code(code: str | None) -> bool:
    """A desa/kelurahan code: four parts once written canonically (`73.26.01.2001`)."""
    canon = canonical_code(code or "")
    return canon is not None and canon.count(".") == 3


def is_kelurahan(code: str | None) -> bool:
    """The village part of a Kemendagri code starting with 1 is a kelurahan, with 2 a desa
    (a lembang in Toraja Utara): Permendagri 137/2017, domain.md section 4.3."""
    canon = canonical_code(code or "")
    return canon is not None and canon.count(".") == 3 and canon.split(".")[-1].startswith("1")


@lru_cache(maxsize=64)
def regency_name(code: str | None) -> str:
    """`Kabupaten Toraja Utara` for any code of 73.26 (regency, kecamatan or village); '' when
    the code names no regency of the reference."""
    canon = canonical_code(code or "")
    if canon is None or canon.count(".") < 1:
        return ""
    wanted = ".".join(canon.split(".")[:2])
    return next((r.name for r in reference_rows("regencies") if r.code == wanted), "")


class Regions:
    """All regions of Indonesia, indexed by code and by spelling-tolerant name."""

    def __init__(self, rows: list[Region]):
        self.by_code = {r.code: r for r in rows}
        self._children: dict[str, list[Region]] = {}
        for r in rows:
            self._children.setdefault(r.parent_code, []).append(r)
        self.district_prefixes = {r.code.replace(".", "") for r in rows if r.kind == "kecamatan"}

    def get(self, code: str) -> Region | None:
        canon = canonical_code(code)
        return self.by_code.get(canon) if canon else None

    def children(self, code: str) -> list[Region]:
        return self._children.get(code, [])

    def villages_of(self, regency_code: str) -> list[Region]:
        return [v for d in self.children(regency_code) for v in self.children(d.code)]

    def district_exists(self, prefix6: str) -> bool:
        """Whether the first 6 digits of a NIK/NKK name a real kecamatan."""
        return prefix6 in self.district_prefixes

    @cached_property
    def _villages_by_key(self) -> dict[str, list[Region]]:
        """Every village by spelling key, in the reference's order: built on the first lookup
        without a regency, so that one costs a dictionary lookup instead of a scan of ~84,000."""
        index: dict[str, list[Region]] = {}
        for r in self.by_code.values():
            if r.kind in VILLAGE_KINDS:
                index.setdefault(name_key(r.name), []).append(r)
        return index

    @cached_property
    def _districts_by_key(self) -> dict[str, list[Region]]:
        """Every kecamatan by spelling key (names repeat across Indonesia)."""
        index: dict[str, list[Region]] = {}
        for r in self.by_code.values():
            if r.kind == "kecamatan":
                index.setdefault(name_key(r.name), []).append(r)
        return index

    @cached_property
    def _keys_by_shape(self) -> dict[tuple[str, int], list[str]]:
        """Village spelling keys by (first character, length): the national pool of close matches."""
        shapes: dict[tuple[str, int], list[str]] = {}
        for key in self._villages_by_key:
            shapes.setdefault((key[:1], len(key)), []).append(key)
        return shapes

    def _national_near(self, key: str) -> list[str]:
        """Keys that may be a misspelling of `key` anywhere in Indonesia: same first character,
        length within NEAR_LENGTH. Comparing all ~84,000 took a third of a second per name, minutes
        for a list from another source whose names are not the reference's."""
        return [k for n in range(len(key) - NEAR_LENGTH, len(key) + NEAR_LENGTH + 1)
                for k in self._keys_by_shape.get((key[:1], n), [])]

    def find_village(self, name: str, regency_code: str | None = None,
                     district_name: str | None = None) -> tuple[Region | None, list[Region]]:
        """Resolve a village name; returns (match, closest candidates when there is no match).

        Within a regency or a kecamatan every spelling is compared; nationally, only those of
        the same first character and about the same length (_national_near)."""
        pool = self.villages_of(regency_code) if regency_code else None
        if district_name:
            dkey = name_key(district_name)
            districts = {d.code for d in self._districts_by_key.get(dkey, [])
                         if not regency_code or d.parent_code == regency_code}
            narrowed = [v for d in sorted(districts) for v in self.children(d)]
            pool = narrowed or pool
        key = name_key(name)
        if pool is None:
            exact = self._villages_by_key.get(key, [])
        else:
            exact = [v for v in pool if name_key(v.name) == key]
        if len(exact) == 1:
            return exact[0], []
        if len(exact) > 1:
            return None, exact
        if pool is None:
            keys = {k: self._villages_by_key[k][-1] for k in self._national_near(key)}
        else:
            keys = {name_key(v.name): v for v in pool}
        close = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
        return None, [keys[k] for k in close]

    def find_district(self, name: str, regency_code: str | None = None) -> Region | None:
        key = name_key(name)
        if regency_code:
            hits = [d for d in self.children(regency_code) if name_key(d.name) == key]
        else:
            hits = self._districts_by_key.get(key, [])
        return hits[0] if len(hits) == 1 else None


# --- the packaged reference: the one place that opens its files ---------------------------

# Level -> the kind of every region of that level (villages carry their own kind per row).
LEVELS = {"provinces": "provinsi", "regencies": "kabupaten/kota", "districts": "kecamatan", "villages": None}


def reference_bytes(level: str) -> bytes:
    """The packaged CSV of one level (code, name, parent_code[, kind]), as bytes: the readers
    that need the whole table as a column (domain/region_tables.py) parse these bytes themselves."""
    if level not in LEVELS:
        raise KeyError(level)
    return (resources.files("pemilih.domain") / "data" / "regions" / f"{level}.csv").read_bytes()


@lru_cache(maxsize=4)
def reference_rows(level: str) -> tuple[Region, ...]:
    """Every region of one level, in the reference's order."""
    text = reference_bytes(level).decode("utf-8")
    kind = LEVELS[level]
    return tuple(Region(r["code"], r["name"], r["parent_code"] or "", r.get("kind") or kind)
                 for r in csv.DictReader(io.StringIO(text, newline="")))


@lru_cache(maxsize=1)
def district_prefixes() -> frozenset[str]:
    """The 6-digit prefixes a NIK or NKK may start with (the 7,000 kecamatan codes, undotted).

    Reads the districts only: the coklit reader's worker processes check NIKs with this and
    nothing more of the reference."""
    return frozenset(r.code.replace(".", "") for r in reference_rows("districts"))


def _bare(text: str) -> str:
    """A regency's name without KABUPATEN/KAB/KOTA, as a spelling key."""
    k = name_key(text)
    for prefix in ("KABUPATEN", "KAB", "KOTA"):
        if k.startswith(prefix) and len(k) > len(prefix) + 2:
            return k[len(prefix):]
    return k


@lru_cache(maxsize=1)
def _regencies_by_name() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(full spelling key -> codes, key without KABUPATEN/KOTA -> codes)."""
    full: dict[str, list[str]] = {}
    bare: dict[str, list[str]] = {}
    for r in reference_rows("regencies"):
        full.setdefault(name_key(r.name), []).append(r.code)
        bare.setdefault(_bare(r.name), []).append(r.code)
    return full, bare


@lru_cache(maxsize=256)
def find_regency(name: str) -> str | None:
    """`TORAJA UTARA`, `Kab. Toraja Utara` -> `73.26`; `KOTA BOGOR` is not `KABUPATEN BOGOR`.
    None when not exactly one regency matches."""
    full, bare = _regencies_by_name()
    key = name_key(name)
    if key.startswith("KAB") and not key.startswith("KABUPATEN"):
        key = "KABUPATEN" + key[3:]  # `Kab. Bogor`
    hits = full.get(key) or bare.get(_bare(name), [])
    return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=1)
def load_regions() -> Regions:
    """Every region of Indonesia as Python objects (a second or so: the generator and tests;
    the list readers use domain/region_tables.py's views of the same reference)."""
    return Regions([r for level in LEVELS for r in reference_rows(level)])
