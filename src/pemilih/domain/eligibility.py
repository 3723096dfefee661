"""Who may vote on a given day.

General rule (PKPU 7/2022, PKPU 1/2025): 17 or older on voting day, or married / ever
married; not an active TNI soldier or Polri member. Village-head elections (Permendagri
112/2014) add: resident in the village at least 6 months before the provisional list (DPS)
is set.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

VOTING_AGE = 17
DOMICILE_MONTHS = 6
TNI_OCCUPATION = "TENTARA NASIONAL INDONESIA"
POLRI_OCCUPATION = "KEPOLISIAN RI"


@dataclass(frozen=True)
class Person:
    birth_date: date | None
    marital: str | None = None  # B, S, P
    occupation: str | None = None
    arrived_on: date | None = None  # date of moving into the village, if known


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def ineligibility(person: Person, voting_day: date, dps_set_on: date | None = None) -> str | None:
    """The TMS code that makes this person ineligible (PILKALEM codes when dps_set_on is given), or None."""
    occupation = (person.occupation or "").upper().strip()
    if occupation == TNI_OCCUPATION:
        return "TMS-6"
    if occupation == POLRI_OCCUPATION:
        return "TMS-7"
    ever_married = person.marital in ("S", "P")
    if person.birth_date is not None and not ever_married and age_on(person.birth_date, voting_day) < VOTING_AGE:
        return "TMS-3"
    if dps_set_on is not None and person.arrived_on is not None:
        if add_months(person.arrived_on, DOMICILE_MONTHS) > dps_set_on:
            return "TMS-D"
    return None


def is_eligible(person: Person, voting_day: date, dps_set_on: date | None = None) -> bool:
    return ineligibility(person, voting_day, dps_set_on) is None
