"""Which village each row belongs to: KODE DESA when it is a real code, else the names.

Resolved once per distinct (file, KODE DESA, KECAMATAN, DESA), a few hundred at most, with
the tolerant matcher of pemilih.domain.regions (Sa'dan / Sadan, missing spaces). Names are
searched within the file's regency (from its title block, its codes or, failing both, its
NIKs) so that a common village name elsewhere in Indonesia cannot be picked. Canonical
names are the reference's, in capitals as the lists print them.

A real KODE DESA decides the village; names written beside it (in the row or the form's title
block) must name the same village, spelling aside (the same tolerant key): another village's
name is DESA-MISMATCH, another kecamatan's KECAMATAN-MISMATCH, each reason naming both.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache, partial

import polars as pl

from pemilih.domain import region_tables
from pemilih.domain import values as judges
from pemilih.domain.regions import VILLAGE_KINDS, find_regency, name_key
from pemilih.domain.verdict import OK_EMPTY, Verdict
from pemilih.io.columns import judge_column
from pemilih.io.values import region_code

KEYS = ["file", "kode_desa", "kecamatan", "desa"]
_OUT = {"_code": pl.String, "_kec": pl.String, "_desa": pl.String,
        "_p_kode": pl.String, "_p_kec": pl.String, "_p_desa": pl.String, "_by_code": pl.Boolean}
# Problem codes of a written name: not found (resolved by names), or contradicting a real code.
UNKNOWN = {"kode_desa": "KODE-DESA-UNKNOWN", "kecamatan": "KECAMATAN-UNKNOWN", "desa": "DESA-UNKNOWN"}
MISMATCH = {"kecamatan": "KECAMATAN-MISMATCH", "desa": "DESA-MISMATCH"}


def _known(codes: list[str]) -> dict[str, tuple[str, str]]:
    """Village code -> (KECAMATAN, DESA) for those of these codes that are real villages."""
    return region_tables.printed_names(codes)


def _regency_of_file(df: pl.DataFrame, file: str, kab: str | None, codes: list[str]) -> str | None:
    """The regency to search names in: title block, else the file's codes, else its NIKs."""
    if kab and (found := find_regency(kab)):
        return found
    if codes:
        return Counter(c[:5] for c in codes).most_common(1)[0][0]
    heads = df.filter(pl.col("file") == file)["nik"].drop_nulls().str.head(4)
    regencies = set(region_tables.regencies()["code"].to_list())
    for head, _ in Counter(heads.to_list()).most_common(3):
        if len(head) == 4 and head.isdigit() and f"{head[:2]}.{head[2:]}" in regencies:
            return f"{head[:2]}.{head[2:]}"
    return None


@lru_cache(maxsize=8)
def _index(regency: str | None):
    """(Regions, villages by spelling key, kecamatan by spelling key) for one regency."""
    regions = region_tables.regions_for((regency,) if regency else None)
    pool = regions.villages_of(regency) if regency else [
        r for r in regions.by_code.values() if r.kind in VILLAGE_KINDS]
    villages: dict[str, list] = {}
    for v in pool:
        villages.setdefault(name_key(v.name), []).append(v)
    districts = regions.children(regency) if regency else [
        r for r in regions.by_code.values() if r.kind == "kecamatan"]
    by_key: dict[str, list] = {}
    for d in districts:
        by_key.setdefault(name_key(d.name), []).append(d)
    return regions, villages, {k: v[0] for k, v in by_key.items() if len(v) == 1}


def _find(regency: str | None, kec: str | None, desa: str):
    """(village or None, closest candidates, district or None): find_village's rules, indexed.

    The exact spelling-key match is a dictionary lookup; only a miss goes to
    Regions.find_village for its closest candidates."""
    regions, villages, districts = _index(regency)
    district = districts.get(name_key(kec)) if kec else None
    same = villages.get(name_key(desa), [])
    narrowed = [v for v in same if district and v.parent_code == district.code] or same
    if len(narrowed) == 1:
        return narrowed[0], [], district
    if len(narrowed) > 1:
        return None, narrowed, district
    _, near = regions.find_village(desa, regency, kec if district else None)
    return None, near, district


def candidates(regency: str | None, kecamatan: str | None, desa: str | None,
               limit: int = 8) -> list[tuple[str, str, str]]:
    """(code, KECAMATAN, DESA) of the villages closest to names as written, by the rules the
    reader resolves names with: the spellings closest to DESA (within the KECAMATAN when it is
    known), else the villages of that KECAMATAN. What a person resolving a row that had no
    village is offered first."""
    regions, _, districts = _index(regency)
    district = districts.get(name_key(kecamatan)) if kecamatan else None
    found = []
    if desa:
        match, near, district = _find(regency, kecamatan, desa)
        found = [match] if match is not None else near
    if not found and district is not None:
        found = regions.children(district.code)
    return [(v.code, regions.by_code[v.parent_code].name.upper(), v.name.upper()) for v in found[:limit]]


def _by_names(regency: str | None, kec: str | None, desa: str | None) -> tuple:
    """(code, KECAMATAN, DESA, kecamatan problem, desa problem) from names alone."""
    kec_bad = None
    if not desa:
        district = _index(regency)[2].get(name_key(kec)) if kec else None
        if kec and district is None:
            kec_bad = f"KECAMATAN '{kec}' tidak ditemukan dalam daftar Kemendagri"
        return None, None, None, kec_bad, "KELURAHAN/DESA kosong dan KODE DESA tidak ada"
    match, near, district = _find(regency, kec, desa)
    if kec and district is None:
        kec_bad = f"KECAMATAN '{kec}' tidak ditemukan dalam daftar Kemendagri"
    if match is None:
        names = ", ".join(f"{v.name.upper()} ({v.code})" for v in near)
        hint = f"; yang paling mirip: {names}" if names else "; tidak ada nama yang mirip"
        return None, None, None, kec_bad, f"KELURAHAN/DESA '{desa}' tidak ditemukan{hint}"
    parent = _index(regency)[0].by_code[match.parent_code]
    if district is not None and district.code != parent.code:
        kec_bad = f"desa {match.name.upper()} berada di KECAMATAN {parent.name.upper()}, bukan '{kec}'"
    return match.code, parent.name.upper(), match.name.upper(), kec_bad, None


def _contradiction(code: str, names: tuple[str, str], kec: str | None, desa: str | None) -> tuple:
    """(kecamatan problem, desa problem) when the names written beside a real village code
    name another place: spelling variants (case, spaces, apostrophes, a leading LEMBANG) agree."""
    code_kec, code_desa = names
    kec_differs = bool(kec) and name_key(kec) != name_key(code_kec)
    if desa and name_key(desa) != name_key(code_desa):
        where = f" (KECAMATAN {kec})" if kec_differs else ""
        return None, f"KODE DESA {code} adalah {code_desa} (KECAMATAN {code_kec}), bukan {desa}{where}"
    if kec_differs:
        return f"KODE DESA {code} ({code_desa}) berada di KECAMATAN {code_kec}, bukan {kec}", None
    return None, None


def _resolve(combo: tuple, known: dict, regency: str | None) -> tuple:
    file, raw_code, kec, desa = combo
    code = region_code(raw_code)
    if code in known:
        return (*combo, code, *known[code], None, *_contradiction(code, known[code], kec, desa), True)
    code_bad = None
    if raw_code:
        code_bad = (f"KODE DESA '{raw_code}' bukan kode desa/kelurahan dalam daftar Kemendagri" if code
                    else judges.region_code(raw_code).reason)
        if not desa and not kec:  # nothing to fall back on: reported once, as a bad code
            return (*combo, code or raw_code, None, None, code_bad, None, None, False)
    found, kec_name, desa_name, kec_bad, desa_bad = _by_names(regency, kec, desa)
    # A bad code stays as written (dotted when it had the shape of a code): never replaced silently.
    return (*combo, (code or raw_code) if raw_code else found, kec_name or kec, desa_name or desa,
            code_bad, kec_bad, desa_bad, False)


def resolve_villages(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """(df with kode_desa/kecamatan/desa canonical where certain, problems per column)."""
    combos = df.select(KEYS).unique(maintain_order=True).rows()
    codes = sorted({c for _, raw, _, _ in combos if raw and (c := region_code(raw))})
    known = _known(codes)
    titles = dict(df.select("file", "_t_kab").unique("file", keep="first").iter_rows())
    regency = {}
    for file in {c[0] for c in combos}:
        file_codes = [region_code(raw) for f, raw, _, _ in combos if f == file and raw and region_code(raw) in known]
        regency[file] = _regency_of_file(df, file, titles.get(file), file_codes)
    lookup = pl.DataFrame([_resolve(c, known, regency[c[0]]) for c in combos],
                          schema={**{k: pl.String for k in KEYS}, **_OUT}, orient="row")
    df = df.join(lookup, on=KEYS, how="left", maintain_order="left", nulls_equal=True)
    problems = {}
    for col, flag in (("kode_desa", "_p_kode"), ("kecamatan", "_p_kec"), ("desa", "_p_desa")):
        hit = df.filter(pl.col(flag).is_not_null())
        if hit.height:
            # Beside a real village code, a named problem is a contradiction of it.
            code = pl.when(pl.col("_by_code")).then(pl.lit(MISMATCH.get(col))).otherwise(pl.lit(UNKNOWN[col]))
            problems[col] = hit.select("_i", code.alias("code"), pl.col(flag).alias("reason"))
    df = df.with_columns(pl.col("_code").alias("kode_desa"), pl.col("_kec").alias("kecamatan"),
                         pl.col("_desa").alias("desa")).drop(*_OUT)
    return df, problems


def _registry_code(value: str | None, label: str, villages_only: bool, everything: set[str]):
    if value is None:
        return Verdict(None, "KODE-DESA-UNKNOWN", f"{label} kosong") if villages_only else OK_EMPTY
    shape = judges.region_code(value, label=label)
    if not shape.ok:
        return shape
    code = shape.value
    if code in everything and (not villages_only or code.count(".") == 3):
        return Verdict(code)
    what = "kode desa/kelurahan" if villages_only else "kode wilayah"
    return Verdict(code, "KODE-DESA-UNKNOWN", f"{label} '{value}' bukan {what} dalam daftar Kemendagri")


def registry_codes(df: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """KODE_WILAYAH (or NO_PROP+NO_KAB+NO_KEC+NO_KEL) and KODE_WILAYAH_TUJUAN, dotted and checked."""
    parts = [c for c in ("_prop", "_kab", "_kec", "_kel") if c in df.columns]
    if len(parts) == 4:
        built = pl.concat_str([pl.col(c).str.zfill(w) for c, w in zip(parts, (2, 2, 2, 4))], separator=".")
        df = df.with_columns(pl.coalesce("kode_wilayah", built).alias("kode_wilayah"))
    everything = set(region_tables.all_codes().to_list())
    problems = {}
    for col, label, villages_only in (("kode_wilayah", "KODE_WILAYAH", True),
                                      ("kode_wilayah_tujuan", "KODE_WILAYAH_TUJUAN", False)):
        judge = partial(_registry_code, label=label, villages_only=villages_only, everything=everything)
        value, found = judge_column(df, col, judge)
        df = df.with_columns(value)
        if found is not None:
            problems[col] = found
    return df, problems
