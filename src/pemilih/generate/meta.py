"""truth/meta.json: seed, scale, timeline, regime, counts per defect kind, finding and problem."""
from __future__ import annotations

import json
from collections import Counter

from . import config as C

RULES = [
    "expected_findings: source_ref = CSV ref; xlsx_ref = the same row in the workbooks.",
    "One finding kind per row by precedence TMS-5 > TMS-2 > TMS-1 > TMS-4 > TMS-6 > TMS-7 > TMS-3 > TMS-D; "
    "a TMS row gets no U.",
    "TMS-2 sits on the copy that goes; duplicate_of names the record that stays (the one matching the "
    "registry best; on a tie, the earlier row).",
    "U: one per field whose list value differs from the registry beyond case, spacing, punctuation, "
    "MUH./ABD. and H./HJ.; a move inside the regency gives U on KODE DESA plus the NKK, ALAMAT, RT, RW "
    "that changed with it.",
    "B: registry residents eligible on the Pilkalem day (17+ or ever married, not TNI/Polri, arrived at "
    "least 6 months before the DPS) on no list row; source_ref empty, nik = registry_nik.",
    "Village spellings that exist only in the CSV (KODE DESA empty) are check problems, never findings.",
    "check_defects: csv_ref for the CSV checked alone, xlsx_ref for the 151 workbooks checked together "
    "(empty when the problem exists only in the CSV); NIK-DUPLICATE only between well-formed 16-digit NIKs.",
]


PROVINCE_RULES = [
    "Province: one KPU list CSV per regency and one provincial registry extract; a move to another "
    "regency of the province is a move inside (U on KODE DESA, NKK, ALAMAT, RT, RW), not TMS-4.",
    "Province: a duplicate across regencies (DUP-REGENCY, DUP-REGENCY-NIK: the copy's NIK carries the "
    "region digits of the copy's kecamatan) is TMS-2 on the copy; duplicate_of may name another regency's CSV.",
    "Province: a NIK whose region digits were mistyped into another regency's kecamatan (NIK-REGION) is U "
    "on NIK; check_defects are per regency CSV (NIK-DUPLICATE never across two CSVs).",
]


def _province(world, files: dict) -> dict:
    from pemilih.domain.regions import load_regions
    code = world.ref.regencies[0][:2]
    return {"code": code, "name": load_regions().by_code[code].name.upper(),
            "regencies": [{"code": r, "name": world.ref.regency_names[r], "kpu_csv": f}
                          for r, f in zip(world.ref.regencies, files["kpu_csv"], strict=True)]}


def build_meta(world, rows, registry, findings, problems, plan, extra: dict, files: dict | None = None) -> dict:
    kinds = Counter(k for r in rows for k in r.kinds)
    events = Counter(e for p in world.people for e in p.events)
    codes = Counter(f["code"] for f in findings)
    u_fields = Counter(f["field"] for f in findings if f["code"] == "U")
    villages = Counter(r.village.code for r in rows)
    late = sum(1 for p in world.people if "MOVED-IN-LATE" in p.events and p.resident_on_extract())
    area = {"province": _province(world, files)} if files else \
        {"regency": {"code": C.REGENCY, "name": C.REGENCY_NAME, "province": C.PROVINCE_NAME}}
    meta = {
        "schema_version": 1,
        "seed": world.seed,
        "scale": world.scale,
        **area,
        "regime": C.REGIME,
        "dates": {"dpt_set": C.DPT_SET.isoformat(), "pemilu_voting_day": C.PEMILU_DAY.isoformat(),
                  "registry_extract": C.EXTRACT_DAY.isoformat(), "pilkalem_dps_set": C.DPS_SET.isoformat(),
                  "pilkalem_voting_day": C.PILKALEM_DAY.isoformat()},
        "files": {**(files or {"kpu_csv": "kpu/dpt_7326.csv", "kpu_workbooks": "kpu/form/",
                               "registry_csv": "registry/disdukcapil_7326.csv"}),
                  "truth": ["truth/meta.json", "truth/list_rows.csv", "truth/expected_findings.csv",
                            "truth/check_defects.csv"]},
        "counts": {
            "residents_on_extract": sum(1 for p in registry if p.resident_on_extract()),
            "registry_rows": len(registry),
            "registry_deceased": sum(1 for p in registry if p.status == "MATI"),
            "registry_moved_out": sum(1 for p in registry if p.status == "HIDUP" and p.moved_out),
            "households": len(world.households),
            "villages": len(world.ref.villages),
            "workbooks": extra["workbooks"],
            "date_cell_workbooks": extra.get("date_cell_workbooks", 0),
            "tps": plan.tps_count,
            "list_rows": len(rows),
            "list_rows_per_village": {"min": min(villages.values()), "max": max(villages.values())},
            "new_voters": codes.get("B", 0),
            "moved_in_too_late_for_pilkalem": late,
        },
        "defect_kinds": dict(sorted(kinds.items())),
        "life_events": dict(sorted(events.items())),
        "findings": dict(sorted(codes.items())),
        "findings_u_by_field": dict(sorted(u_fields.items())),
        "check_defects": dict(sorted(Counter(p["code"] for p in problems).items())),
        "rules": RULES + (PROVINCE_RULES if files else []),
    }
    if not meta["counts"]["workbooks"]:
        del meta["files"]["kpu_workbooks"]  # written without them (--no-workbooks)
    return meta


def write_meta(path: str, meta: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
