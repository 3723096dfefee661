"""Duplicate registrations (TMS-2): a real voter listed a second time.

The copy is the record that goes; the original (which matches the registry best) stays. Kinds:
an exact copy or a cosmetic respelling (ties: the copy always comes later in the list, and the
earlier record stays), a copy in another village, and copies with a NIK typo, an empty NIK or a
misspelt name. People in a duplicate pair get no other planted defect, so which record matches
the registry best is never in doubt.
"""
from __future__ import annotations

from .extras import ListPlan, unchanged_resident
from .listing import ListRow
from .mangle import nik_typo, retyped_region
from .names import cosmetic_variant, typo

DUP_KINDS = ("dup_exact", "dup_cosmetic", "dup_village", "dup_nik_typo", "dup_nik_empty", "dup_name")
PROVINCE_DUP_KINDS = ("dup_regency", "dup_regency_nik")  # a province only: across its regencies


def clone(row: ListRow) -> ListRow:
    copy = ListRow(row.person, row.village)
    for slot in ListRow.__slots__:
        if slot not in ("kinds", "dup_of", "csv_ref", "xlsx_ref", "line"):
            setattr(copy, slot, getattr(row, slot))
    return copy


def add_duplicates(plan: ListPlan) -> None:
    world, rng = plan.world, plan.rng
    pool = [r for r in plan.base_rows() if unchanged_resident(r.person)]
    rng.shuffle(pool)
    for kind in DUP_KINDS + (PROVINCE_DUP_KINDS if world.province else ()):
        made = 0
        while made < plan.count(kind) and pool:
            orig = pool.pop()
            copy = _copy(plan, orig, kind, rng, world.niks.used)
            if copy is None:
                continue
            plan.protected.add(orig.person.pid)
            orig.kinds.append("DUP-KEEP")
            copy.kinds += ["TMS-2", kind.upper().replace("_", "-")]
            copy.dup_of = orig
            made += 1


def _copy(plan: ListPlan, orig: ListRow, kind: str, rng, used: set[str]) -> ListRow | None:
    copy = clone(orig)
    world = plan.world
    if kind in ("dup_regency", "dup_regency_nik"):
        # Listed again in another regency of the province; the second clerk may have typed
        # the NIK's region digits as their own kecamatan's.
        others = [code for code in world.regency_villages if code != orig.village.code[:5]]
        village = rng.choice(world.regency_villages[rng.choice(others)])
        if kind == "dup_regency_nik":
            copy.nik = retyped_region(orig.nik, village.district_code, used)
            if copy.nik is None:
                return None
        return _elsewhere(plan, copy, village, rng)
    if kind == "dup_village":
        regency = world.regency_villages[orig.village.code[:5]]
        same = [v for v in regency
                if v.district_code == orig.village.district_code and v is not orig.village]
        pool = same if same and rng.random() < 0.6 else regency
        village = rng.choice([v for v in pool if v is not orig.village])
        return _elsewhere(plan, copy, village, rng)
    if kind == "dup_cosmetic":
        variant = cosmetic_variant(orig.nama, rng)
        if variant is None:
            return None
        copy.nama = variant[0]
    elif kind == "dup_nik_typo":
        copy.nik = nik_typo(orig.nik, rng, used)
        if copy.nik is None:
            return None
    elif kind == "dup_nik_empty":
        copy.nik = ""
    elif kind == "dup_name":
        copy.nama = typo(orig.nama, rng)
    tie = kind in ("dup_exact", "dup_cosmetic")
    plan.place(orig.village, copy, after=orig if tie else None)
    return copy


def _elsewhere(plan: ListPlan, copy: ListRow, village, rng) -> ListRow:
    """The copy placed in another village, at an address of one of its dusun."""
    rw, alamat, n_rt = rng.choice(village.dusun)
    copy.village, copy.kode_csv, copy.desa_csv = village, village.code, village.name.upper()
    copy.alamat, copy.rw, copy.rt = alamat, rw, f"{rng.randint(1, n_rt):03d}"
    plan.place(village, copy)
    return copy
