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


def build_meta(world, rows, registry, findings, problems, plan, extra: dict) -> dict:
    kinds = Counter(k for r in rows for k in r.kinds)
    events = Counter(e for p in world.people for e in p.events)
    codes = Counter(f["code"] for f in findings)
    u_fields = Counter(f["field"] for f in findings if f["code"] == "U")
    villages = Counter(r.village.code for r in rows)
    late = sum(1 for p in world.people if "MOVED-IN-LATE" in p.events and p.resident_on_extract())
    return {
        "schema_version": 1,
        "seed": world.seed,
        "scale": world.scale,
        "regency": {"code": C.REGENCY, "name": C.REGENCY_NAME, "province": C.PROVINCE_NAME},
        "regime": C.REGIME,
        "dates": {"dpt_set": C.DPT_SET.isoformat(), "pemilu_voting_day": C.PEMILU_DAY.isoformat(),
                  "registry_extract": C.EXTRACT_DAY.isoformat(), "pilkalem_dps_set": C.DPS_SET.isoformat(),
                  "pilkalem_voting_day": C.PILKALEM_DAY.isoformat()},
        "files": {"kpu_csv": "kpu/dpt_7326.csv", "kpu_workbooks": "kpu/form/",
                  "registry_csv": "registry/disdukcapil_7326.csv",
                  "truth": ["truth/meta.json", "truth/list_rows.csv", "truth/expected_findings.csv",
                            "truth/check_defects.csv"]},
        "counts": {
            "residents_on_extract": sum(1 for p in registry if p.resident_on_extract()),
            "registry_rows": len(registry),
            "registry_deceased": sum(1 for p in registry if p.status == "MATI"),
            "registry_moved_out": sum(1 for p in registry if p.status == "HIDUP" and p.moved_out),
            "households": len(world.households),
            "villages": len(world.ref.villages),
            "workbooks": len(world.ref.villages),
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
        "rules": RULES,
    }


def write_meta(path: str, meta: dict) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
