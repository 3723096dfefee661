"""Code tables versioned by regime (formats.md section 6), kept as data files.

The meaning of a code depends on the regime: in PILKADA2018 code 8 is mental illness, in
PEMILU2024 it is a wrong TPS. Every finding and event records the regime it was coded in.

Each code states what it does to the list (`effect`): `strike` takes the voter off (the
deceased, double, under-age, TNI/Polri, ...), `move` changes the voter's TPS within the
village and keeps the voter listed (PEMILU2024's TMS-8: the coklit officer marks the voter to
be moved, PKPU 7/2022), `correct` changes a field (U), `add` lists a new voter (B), `note`
changes nothing. `scope` says whose rule it is: `village` for a rule of the village election
alone (PILKALEM's TMS-D), `all` otherwise. Callers ask `effect()`, never the kind, what a code
does.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT_REGIME = "PEMILU2024"
STRIKE, MOVE, CORRECT, ADD, NOTE = "strike", "move", "correct", "add", "note"
EFFECTS = (STRIKE, MOVE, CORRECT, ADD, NOTE)
ALL, VILLAGE = "all", "village"
SCOPES = (ALL, VILLAGE)


@dataclass(frozen=True)
class Code:
    code: str
    kind: str  # tms, ubah, baru, catatan: how KPU groups it
    effect: str  # EFFECTS: what it does to the list
    scope: str  # SCOPES: `village` for a rule of the village election only
    label: str  # Bahasa Indonesia, as printed
    meaning: str  # English, for the glossary


def regimes() -> list[str]:
    folder = resources.files("pemilih.domain") / "data" / "codes"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


@cache
def code_table(regime: str = DEFAULT_REGIME) -> dict[str, Code]:
    if regime not in regimes():
        raise KeyError(f"rezim kode tidak dikenal: {regime} (tersedia: {', '.join(regimes())})")
    path = resources.files("pemilih.domain") / "data" / "codes" / f"{regime}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        table = {r["code"]: Code(**r) for r in csv.DictReader(fh)}
    for entry in table.values():
        if entry.effect not in EFFECTS or entry.scope not in SCOPES:
            raise ValueError(f"tabel kode {regime}: {entry.code} berdampak '{entry.effect}' dengan cakupan "
                             f"'{entry.scope}' (dampak: {', '.join(EFFECTS)}; cakupan: {', '.join(SCOPES)})")
    return table


def effect(code: str | None, regime: str = DEFAULT_REGIME) -> str | None:
    """What `code` does to the list under `regime` (EFFECTS); None for a code the table does
    not hold (a data-quality finding such as NIK-LENGTH changes nothing)."""
    entry = code_table(regime).get(code or "")
    return entry.effect if entry else None


def known_effect(code: str | None, regime: str = DEFAULT_REGIME) -> str | None:
    """effect() under `regime`; for a code `regime` does not hold (a finding coded under another
    table, such as PILKALEM's TMS-D reviewed while KPU's table is the working one), the effect
    every table holding it agrees on; None when no table holds it or the tables disagree."""
    found = effect(code, regime)
    if found is not None:
        return found
    seen = {effect(code, other) for other in regimes()} - {None}
    return seen.pop() if len(seen) == 1 else None


def village_only(code: str | None, regime: str = DEFAULT_REGIME) -> bool:
    """Whether `code` is a rule of the village election alone (no TMS for KPU)."""
    entry = code_table(regime).get(code or "")
    return entry is not None and entry.scope == VILLAGE


def codes_with(wanted: str, regime: str = DEFAULT_REGIME) -> list[str]:
    """The codes of `regime` whose effect is `wanted`, in table order."""
    return [c.code for c in code_table(regime).values() if c.effect == wanted]


def tms_codes(regime: str = DEFAULT_REGIME) -> list[str]:
    """The codes KPU counts as TMS (kind `tms`), whatever they do: the recap's columns."""
    return [c.code for c in code_table(regime).values() if c.kind == "tms"]


def count_order(code: str) -> tuple:
    """The order KPU counts and lists changes in: TMS codes by number (a regime's own TMS
    codes such as TMS-D after them), then U, then B."""
    if code.startswith("TMS-"):
        rest = code[4:]
        return (0, int(rest) if rest.isdigit() else 99, rest)
    return (1 if code == "U" else 2, 0, code)


def label(code: str, regime: str = DEFAULT_REGIME) -> str:
    entry = code_table(regime).get(code)
    return entry.label if entry else code


def known_label(code: str | None, regime: str = DEFAULT_REGIME) -> str | None:
    """label() under `regime`; for a code `regime` does not hold, the label every table holding
    it agrees on (as known_effect()); None when no table holds it (a data-quality code such
    as NIK-NOT-FOUND) or the tables disagree."""
    entry = code_table(regime).get(code or "")
    if entry is not None:
        return entry.label
    seen = {code_table(other)[code].label for other in regimes() if code in code_table(other)}
    return seen.pop() if len(seen) == 1 else None
