"""What a TPS gets on polling day: the ballot reserve rule and the equipment per TPS.

The reserve is a percentage of each TPS's voters, rounded up, computed per TPS and never on
a total (domain.md section 6): Pemilu 2024 adds 2% (300 voters -> 6, 306 ballots), Pilkada
2024 2.5% (550 -> 13.75 -> 14). The arithmetic is exact (integers and fractions): with floats
300 * (7 / 100) is 21.000000000000004, which rounds up to 22 instead of 21.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# equipment column -> LogisticsParams field (count per TPS)
EQUIPMENT = {"kotak_suara": "ballot_boxes", "bilik_suara": "booths", "tinta": "ink_bottles",
             "segel": "seal_sets", "formulir": "form_sets"}

# What a TPS is handed, as a receipt lists it: amount column -> unit (the column's printed
# name is contract.LOGISTICS_AMOUNT_HEADERS'); ballots first, with their reserve.
DELIVERED_UNITS = {"surat_suara": "lembar", "kotak_suara": "buah", "bilik_suara": "buah", "tinta": "botol",
                   "segel": "set", "formulir": "set"}

# Per-TPS figures of each kind of election. Booths (4) and ink (2 bottles) per TPS are KPU's
# Pemilu 2024 figures (3,280,644 booths and 1,640,322 bottles for 820,161 TPS); seals and
# forms are counted here in sets, one per TPS. Ballot boxes: one per election type held at the
# TPS (PKPU 12/2024): five in Pemilu 2024 (President, DPR, DPD, DPRD province, DPRD regency;
# four in Jakarta), two in Pilkada 2024 (governor and regent voted together).
PRESETS: dict[str, dict] = {
    "pemilu": {"reserve_percent": "2", "ballot_boxes": 5},
    "pilkada": {"reserve_percent": "2.5", "ballot_boxes": 2},
    # Pilkalem: no national reserve rule was found (domain.md 5.1); the percentage is a decision
    # of the committee (panitia pemilihan). 2.5% follows Pilkada until the committee decides.
    "pilkalem": {"reserve_percent": "2.5", "ballot_boxes": 1},
}
PRESET_LABELS = {"pemilu": "Pemilu", "pilkada": "Pilkada", "pilkalem": "Pilkalem"}


@dataclass(frozen=True)
class LogisticsParams:
    """What one TPS gets. reserve_percent is kept as a Decimal (give it as "2.5", 2.5 or
    Decimal("2.5")); the counts are per TPS. Defaults: a village-head election (Pilkalem)."""
    reserve_percent: Decimal = Decimal("2.5")
    ballot_boxes: int = 1
    booths: int = 4
    ink_bottles: int = 2
    seal_sets: int = 1
    form_sets: int = 1
    preset: str | None = "pilkalem"

    def __post_init__(self):
        object.__setattr__(self, "reserve_percent", percent(self.reserve_percent))
        for name in EQUIPMENT.values():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} harus bilangan bulat 0 atau lebih, bukan {value!r}")

    @classmethod
    def for_election(cls, name: str, **overrides) -> LogisticsParams:
        """A named preset ("pemilu", "pilkada", "pilkalem"), any field overridden."""
        if name not in PRESETS:
            raise ValueError(f"jenis pemilihan tidak dikenal: {name!r} (pilih: {', '.join(PRESETS)})")
        return cls(**{**PRESETS[name], "preset": name, **overrides})


def percent(value) -> Decimal:
    # str() first: Decimal(0.1) would carry the float's binary error into the reserve.
    try:
        pct = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValueError(f"persentase cadangan tidak terbaca: {value!r}") from None
    if not pct.is_finite() or pct < 0 or pct > 100:
        raise ValueError(f"persentase cadangan harus antara 0 dan 100, bukan {value!r}")
    return pct


def reserve(voters: int, pct) -> int:
    """ceil(voters * percent / 100), exactly: reserve(250, "2.5") == 7, reserve(200, "2.5") == 5."""
    share = Fraction(percent(pct)) / 100
    return -(-voters * share.numerator // share.denominator)
