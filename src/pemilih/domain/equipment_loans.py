"""Equipment KPU lends the regency for village elections (pinjam pakai): what may be lent, the
conditions an item is recorded in, and the rules a loan keeps.

Only reusable equipment is lent: ballot boxes and voting booths (domain/logistics.EQUIPMENT's
`kotak_suara` and `bilik_suara`). Ink, seals and forms are used up at the TPS and ballots are
printed per election, so none of them can come back: they are not lent.

Per item type and per village of a loan, every item lent is in exactly one place:

    lent = returned + damaged + lost + outstanding

`returned` counts only what came back in good condition; what came back damaged (light or
heavy damage) is counted as `damaged`, never as returned, so the report says how many items
KPU can lend again. `outstanding` is what the village has not given back yet: it is never
negative, so a return of more than is outstanding is refused.

KPU lends only what its register holds in good condition and is not out already:
available = good in the register - outstanding on every loan - damaged and lost on returns the
register does not know of yet (recorded after the item's latest register record).
"""
from __future__ import annotations

from dataclasses import dataclass

from pemilih.domain.logistics import DELIVERED_UNITS, EQUIPMENT

ITEMS = ("kotak_suara", "bilik_suara")  # reusable: lent and given back
assert set(ITEMS) <= set(EQUIPMENT)
GOOD, LIGHT, HEAVY = "baik", "rusak_ringan", "rusak_berat"
CONDITIONS = {GOOD: "baik", LIGHT: "rusak ringan", HEAVY: "rusak berat"}


def item_label(item: str) -> str:
    """`kotak_suara` -> `kotak suara`, as messages and documents write it."""
    return item.replace("_", " ")


def unit(item: str) -> str:
    return DELIVERED_UNITS.get(item, "")


@dataclass(frozen=True)
class Tally:
    """One item type at one village of a loan. `damaged`: returned with light or heavy damage."""

    lent: int = 0
    returned: int = 0
    damaged: int = 0
    lost: int = 0

    @property
    def outstanding(self) -> int:
        return self.lent - self.returned - self.damaged - self.lost

    def plus(self, other: Tally) -> Tally:
        return Tally(self.lent + other.lent, self.returned + other.returned, self.damaged + other.damaged,
                     self.lost + other.lost)


@dataclass(frozen=True)
class Returned:
    """What a village gives back of one item: good, light and heavy damage, lost."""

    good: int = 0
    light: int = 0
    heavy: int = 0
    lost: int = 0

    @property
    def total(self) -> int:
        return self.good + self.light + self.heavy + self.lost

    def tally(self) -> Tally:
        return Tally(0, self.good, self.light + self.heavy, self.lost)


def quantity_problem(value, where: str) -> str | None:
    """Why `value` is not a quantity (a whole number, 0 or more), naming `where`; None when it is."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{where}: jumlah harus bilangan bulat, bukan {value!r}"
    if value < 0:
        return f"{where}: jumlah tidak boleh negatif ({value})"
    return None


def item_problem(item: str, where: str) -> str | None:
    if item not in ITEMS:
        return (f"{where}: barang '{item}' tidak dipinjamkan; yang dipinjamkan: {', '.join(ITEMS)} "
                "(tinta, segel, formulir dan surat suara habis pakai)")
    return None


def reconcile(lent: dict, returns: list[tuple[tuple, Returned]]) -> dict:
    """key -> Tally from what was lent (`lent`: key -> quantity, keys such as (village, item))
    and the returns ((key, Returned) in the order recorded); a key returned but never lent
    shows with lent 0 (and a negative outstanding: the steps refuse such a return first)."""
    out = {key: Tally(lent=q) for key, q in lent.items()}
    for key, back in returns:
        out[key] = out.get(key, Tally()).plus(back.tally())
    return out


def return_problems(tally: Tally, back: Returned, where: str) -> list[str]:
    """Why a return of `back` against `tally` is refused (more than is outstanding), naming
    `where` (the village and the item); empty when it may be recorded."""
    out = [p for p in (quantity_problem(getattr(back, f), f"{where}, {label}")
                       for f, label in (("good", "kembali baik"), ("light", "rusak ringan"),
                                        ("heavy", "rusak berat"), ("lost", "hilang"))) if p]
    if out:
        return out
    if back.total > tally.outstanding:
        out.append(f"{where}: dikembalikan {back.total} (baik {back.good} + rusak ringan {back.light} + rusak berat "
                   f"{back.heavy} + hilang {back.lost}) melebihi yang belum kembali ({tally.outstanding} dari "
                   f"{tally.lent} dipinjam)")
    return out


def available(good: int, outstanding: int, written_off: int = 0) -> int:
    """What KPU may still lend of one item (module docstring); never below 0."""
    return max(good - outstanding - written_off, 0)


def lending_problems(wanted: dict[str, int], free: dict[str, int], what: str) -> list[str]:
    """Why lending `wanted` (item -> quantity in total) is refused when `free` (item -> what
    KPU may still lend) is what the register allows; `what` names the loan in the message."""
    out = []
    for item, quantity in wanted.items():
        if quantity > free.get(item, 0):
            out.append(f"{what}: {item_label(item)} {quantity} {unit(item)} melebihi yang tersedia di "
                       f"inventaris KPU dalam kondisi baik ({free.get(item, 0)}, sesudah dikurangi yang masih "
                       "dipinjam)")
    return out
