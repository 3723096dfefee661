"""Code tables versioned by regime (formats.md section 6), kept as data files.

The meaning of a code depends on the regime: in PILKADA2018 code 8 is mental illness, in
PEMILU2024 it is a wrong TPS. Every finding and event records the regime it was coded in.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULT_REGIME = "PEMILU2024"


@dataclass(frozen=True)
class Code:
    code: str
    kind: str  # tms, ubah, baru, catatan
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
        return {r["code"]: Code(**r) for r in csv.DictReader(fh)}


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
