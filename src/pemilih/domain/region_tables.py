"""Column-wise (Polars) views of the region reference, for the readers and the engine.

The reference is read by pemilih.domain.regions (the one place that opens its files);
`load_regions()` there builds a Python object for each of Indonesia's ~90,000 regions, which
costs more than reading a whole 200,000-row list. The readers need less: every code as a
column (to check KODE DESA) and name matching within one or two regencies. So the same bytes
are parsed here by Polars, and `regions_for()` builds a `Regions` (same API) holding only the
regencies asked for.
"""
from __future__ import annotations

from functools import lru_cache

import polars as pl

from pemilih.domain.regions import LEVELS, Region, Regions, reference_bytes


def _table(level: str) -> pl.DataFrame:
    return pl.read_csv(reference_bytes(level), infer_schema=False)


@lru_cache(maxsize=1)
def villages() -> pl.DataFrame:
    """code, name, parent_code, kind, kecamatan (district name): every village of Indonesia."""
    table = _table("villages")
    names = districts().select(pl.col("code").alias("parent_code"), pl.col("name").alias("kecamatan"))
    return table.join(names, on="parent_code", how="left")


@lru_cache(maxsize=1)
def districts() -> pl.DataFrame:
    return _table("districts")


@lru_cache(maxsize=1)
def regencies() -> pl.DataFrame:
    return _table("regencies")


@lru_cache(maxsize=1)
def provinces() -> pl.DataFrame:
    return _table("provinces")


@lru_cache(maxsize=1)
def all_codes() -> pl.Series:
    """Every region code at every level, dotted."""
    return pl.concat([provinces()["code"], regencies()["code"], districts()["code"], villages()["code"]])


@lru_cache(maxsize=16)
def regions_for(regency_codes: tuple[str, ...] | None) -> Regions:
    """A `Regions` with every province, regency and district but only these regencies' villages.

    None gives every village of Indonesia (as load_regions(), slower)."""
    rows = [Region(c, n, p or "", LEVELS[level]) for level, table in
            (("provinces", provinces()), ("regencies", regencies()), ("districts", districts()))
            for c, n, p in table.select("code", "name", "parent_code").iter_rows()]
    table = villages()
    if regency_codes is not None:
        table = table.filter(pl.col("code").str.slice(0, 5).is_in(list(regency_codes)))
    rows += [Region(c, n, p, k) for c, n, p, k in
             table.select("code", "name", "parent_code", "kind").iter_rows()]
    return Regions(rows)


# --- villages as the lists print them -------------------------------------------------------

@lru_cache(maxsize=1)
def village_codes() -> frozenset[str]:
    """Every village code of the reference (desa, kelurahan, desa adat)."""
    return frozenset(villages()["code"].to_list())


def is_village(code: str | None) -> bool:
    """Whether a code names a village of the reference (what a person may place a voter in)."""
    return code is not None and code in village_codes()


def printed_names(codes) -> dict[str, tuple[str, str]]:
    """Village code -> (KECAMATAN, DESA): the reference's names in capitals, as the lists print
    them, for those of `codes` that are villages."""
    table = villages().filter(pl.col("code").is_in(list(codes)))
    return {c: (k.upper(), n.upper()) for c, n, k in table.select("code", "name", "kecamatan").iter_rows()}


def villages_of_regency(regency: str) -> list[tuple[str, str, str]]:
    """(code, KECAMATAN, DESA) of every village of a regency (`73.26`), by code."""
    table = villages().filter(pl.col("code").str.starts_with(regency + ".")).sort("code")
    return [(c, k.upper(), n.upper()) for c, n, k in table.select("code", "name", "kecamatan").iter_rows()]


def regency_name(regency: str) -> str | None:
    """`73.26` -> `Kabupaten Toraja Utara` (None for a code that is no regency)."""
    hit = regencies().filter(pl.col("code") == regency)
    return hit["name"][0] if hit.height else None


@lru_cache(maxsize=1)
def printed_name_table() -> pl.DataFrame:
    """kode_desa, kecamatan, desa: every village under its names as printed_names() gives them,
    as a table (the hand-back names a whole list's villages so, whatever spelling a row carried)."""
    return villages().select(pl.col("code").alias("kode_desa"), pl.col("kecamatan").str.to_uppercase(),
                             pl.col("name").str.to_uppercase().alias("desa"))


# Regencies whose desa are called lembang (Toraja: Perda Toraja Utara 2/2017, Tana Toraja).
LEMBANG_REGENCIES = ("73.18", "73.26")


@lru_cache(maxsize=100_000)  # every document of a village asks again; the reference does not change
def village_names(code: str) -> tuple[str, str, str] | None:
    """(name, kecamatan, kind) of a village of the reference (`Limbong`, `Rantepao`, `desa`);
    None when the reference has no such village."""
    hit = villages().filter(pl.col("code") == code)
    if not hit.height:
        return None
    return hit["name"][0], hit["kecamatan"][0] or "", hit["kind"][0] or ""


def village_title(code: str) -> str:
    """A village as a person names it: `Lembang Limbong`, `Kelurahan Rantepao`, `Desa X`
    (the reference's name after the kind the regency calls it); the code itself when the
    reference has no such village."""
    found = village_names(code)
    if found is None:
        return code
    name, kind = found[0], found[2].lower()
    if kind == "kelurahan":
        word = "Kelurahan"
    elif code[:5] in LEMBANG_REGENCIES:
        word = "Lembang"
    else:
        word = "Desa"
    return f"{word} {name}"


def village_title_or_listed(code: str, listed: str | None) -> str:
    """village_title; for a village the reference lacks, the list's own name of it (title
    case), else the code: how printed documents head a village's page."""
    title = village_title(code) if code else ""
    if title and title != code:
        return title
    return listed.title() if listed else (code or "")
