"""A quick path to the region reference for reading lists.

`pemilih.domain.regions.load_regions()` builds a Python object for each of Indonesia's
~90,000 regions, which costs more than reading a whole 200,000-row list. The readers need
less: every code as a set (to check KODE DESA and NIK prefixes, as Polars columns) and
name matching within one or two regencies. The tables here are read with Polars, and
`regions_for()` builds a `Regions` (same API) holding only the regencies asked for.
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

import polars as pl

from pemilih.domain.regions import Region, Regions, name_key

_FOLDER = ("pemilih.domain", "data", "regions")


def _table(name: str) -> pl.DataFrame:
    path = resources.files(_FOLDER[0]) / _FOLDER[1] / _FOLDER[2] / name
    with path.open("rb") as fh:
        return pl.read_csv(fh.read(), infer_schema=False)


@lru_cache(maxsize=1)
def villages() -> pl.DataFrame:
    """code, name, parent_code, kind, kecamatan (district name): every village of Indonesia."""
    table = _table("villages.csv")
    names = districts().select(pl.col("code").alias("parent_code"), pl.col("name").alias("kecamatan"))
    return table.join(names, on="parent_code", how="left")


@lru_cache(maxsize=1)
def districts() -> pl.DataFrame:
    return _table("districts.csv")


@lru_cache(maxsize=1)
def regencies() -> pl.DataFrame:
    return _table("regencies.csv")


@lru_cache(maxsize=1)
def provinces() -> pl.DataFrame:
    return _table("provinces.csv")


@lru_cache(maxsize=1)
def district_prefixes() -> pl.Series:
    """The 6-digit prefixes a NIK or NKK may start with (kecamatan codes, undotted)."""
    return districts()["code"].str.replace_all(".", "", literal=True)


@lru_cache(maxsize=1)
def all_codes() -> pl.Series:
    """Every region code at every level, dotted."""
    return pl.concat([provinces()["code"], regencies()["code"], districts()["code"], villages()["code"]])


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
    for code, name in regencies().select("code", "name").iter_rows():
        full.setdefault(name_key(name), []).append(code)
        bare.setdefault(_bare(name), []).append(code)
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


@lru_cache(maxsize=16)
def regions_for(regency_codes: tuple[str, ...] | None) -> Regions:
    """A `Regions` with every province, regency and district but only these regencies' villages.

    None gives every village of Indonesia (as load_regions(), slower)."""
    rows = [Region(c, n, p or "", "provinsi") for c, n, p in provinces().iter_rows()]
    rows += [Region(c, n, p, "kabupaten/kota") for c, n, p in regencies().iter_rows()]
    rows += [Region(c, n, p, "kecamatan") for c, n, p in districts().iter_rows()]
    table = villages()
    if regency_codes is not None:
        table = table.filter(pl.col("code").str.slice(0, 5).is_in(list(regency_codes)))
    rows += [Region(c, n, p, k) for c, n, p, k in
             table.select("code", "name", "parent_code", "kind").iter_rows()]
    return Regions(rows)
