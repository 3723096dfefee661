"""The ballots of one TPS on polling day: what the KPPS received, used, spoiled and left
unused, and how many voters came; the rules the counts must keep.

Every ballot received is accounted for once: received = used + spoiled + unused (the
balance the minutes state as `seimbang`). A ballot is used by a voter who came, so no more
are used than voters came; and no more voters come than the TPS has registered (its DPT and
DPTb). A record that breaks any of these is refused with the TPS and the numbers named, so
the committee can find the wrong figure on its paper.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

# field -> what the minutes and the messages call it
LABELS = {"received": "diterima", "used": "dipakai", "spoiled": "rusak/keliru coblos", "unused": "sisa (tidak dipakai)",
          "came": "pemilih yang hadir"}
BALANCED, UNBALANCED = "seimbang", "TIDAK SEIMBANG"


@dataclass(frozen=True)
class BallotCount:
    received: int
    used: int
    spoiled: int
    unused: int
    came: int  # voters who came and used their vote (from the attendance list)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def accounted(self) -> int:
        """used + spoiled + unused: what the balance compares with the ballots received."""
        return self.used + self.spoiled + self.unused


def balanced(count: BallotCount) -> bool:
    return count.received == count.accounted


def verdict(count: BallotCount) -> str:
    """`seimbang` or `TIDAK SEIMBANG`, as the minutes print it."""
    return BALANCED if balanced(count) else UNBALANCED


def problems(count: BallotCount, *, registered: int, place: str) -> list[str]:
    """What is wrong with the counts of the TPS named `place` (e.g. `TPS 001 Lembang Buntu
    (73.26.01.2001)`) that has `registered` voters on its DPT and DPTb; empty when they hold."""
    out = []
    for name, label in LABELS.items():
        value = getattr(count, name)
        if isinstance(value, bool) or not isinstance(value, int):
            out.append(f"{place}: jumlah {label} harus bilangan bulat, bukan {value!r}")
        elif value < 0:
            out.append(f"{place}: jumlah {label} tidak boleh negatif ({value})")
    if out:
        return out
    if not balanced(count):
        gap = count.received - count.accounted
        out.append(f"{place}: surat suara tidak seimbang: diterima {count.received}, sedangkan dipakai {count.used} "
                   f"+ rusak/keliru coblos {count.spoiled} + sisa {count.unused} = {count.accounted} "
                   f"(selisih {abs(gap)})")
    if count.used > count.came:
        out.append(f"{place}: surat suara dipakai ({count.used}) melebihi pemilih yang hadir ({count.came})")
    if count.came > registered:
        out.append(f"{place}: pemilih yang hadir ({count.came}) melebihi pemilih terdaftar di DPT dan DPTb "
                   f"({registered})")
    return out
