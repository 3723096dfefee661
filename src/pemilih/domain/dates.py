"""One date as written in a list: DD-MM-YYYY, DD/MM/YYYY, DD|MM|YYYY, YYYY-MM-DD (formats.md
section 1), judged into ISO `YYYY-MM-DD` or a reason.

Day-first is the contract. A file written month first is read month first (io/dates.py
detects that per file, column-wise, and hands the answer here as `month_first`). A value that
only makes sense with day and month swapped is DATE-AMBIGUOUS; one that is no date either way
(31-02-1980) or cannot be read is DATE-INVALID. Dates are personal data: reasons never repeat
the value.
"""
from __future__ import annotations

import re
from datetime import date

from pemilih.domain.verdict import OK_EMPTY, Verdict

_SEP = r"\s*[-/|.]\s*"
_DMY = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}})")
_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T]00:00(?::00)?)?")
# The values a column-wise reader may parse itself with the plain patterns (`%d-%m-%Y`,
# `%m-%d-%Y`, `%Y-%m-%d`): exactly 2-2-4 or 4-2-2 digits, for which judge_date reads the same
# numbers. Everything else must come here, value by value. Plain character classes, so that
# Python and Polars read these patterns alike.
PLAIN_DMY = r"^[0-9]{2}-[0-9]{2}-[0-9]{4}$"
PLAIN_YMD = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
EARLIEST_YEAR, LATEST_YEAR = 1850, 2100  # outside: a typing error, not a date
HOW = "tulis DD-MM-YYYY, misalnya 12-05-1980"
# Birth days (MM-DD) written when only the year is known: 1 January, 1 July and 31 December
# are what registries and lists put for residents born without a record of the day.
PLACEHOLDER_DAYS = ("01-01", "07-01", "12-31")
BIRTH_LABEL = "TANGGAL LAHIR"
VISIT_LABEL = "TANGGAL KUNJUNGAN"


def _real(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if EARLIEST_YEAR <= year <= LATEST_YEAR else None
    except ValueError:
        return None


def judge_date(value: str | None, *, label: str, month_first: bool = False, required: bool = False,
               latest: date | None = None) -> Verdict:
    """ISO date, or DATE-INVALID / DATE-AMBIGUOUS with the reason; `latest`: no date after it."""
    text = value.strip() if value is not None else ""
    if not text:
        return Verdict(None, "DATE-INVALID", f"{label} kosong") if required else OK_EMPTY
    if m := _DMY.fullmatch(text):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (second, first) if month_first else (first, second)
    elif m := _YMD.fullmatch(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        return Verdict(text, "DATE-INVALID", f"{label} tidak dapat dibaca sebagai tanggal; {HOW}")
    found = _real(year, month, day)
    if found is None:
        if day != month and _real(year, day, month):
            pattern = "MM-DD-YYYY" if month_first else "DD-MM-YYYY"
            return Verdict(text, "DATE-AMBIGUOUS", f"{label} tidak cocok dengan pola tanggal berkas ini "
                           f"({pattern}): hari dan bulan mungkin tertukar; periksa dokumen lalu {HOW}")
        return Verdict(text, "DATE-INVALID", f"{label} bukan tanggal yang ada di kalender; {HOW}")
    if latest is not None and found > latest:
        return Verdict(text, "DATE-INVALID", f"{label} berada di masa depan")
    return Verdict(found.isoformat())


def birth_date(value: str | None, *, month_first: bool = False, today: date | None = None) -> Verdict:
    """A voter's birth date: required, and not after today (a typing error)."""
    return judge_date(value, label=BIRTH_LABEL, month_first=month_first, required=True,
                      latest=today or date.today())


def visit_date(value: str | None, *, earliest: date | None = None, latest: date | None = None) -> Verdict:
    """The day a coklit officer checked a voter at home: may be blank; with the bounds known
    (the day the workbook was shared, today), not before the one nor after the other."""
    found = judge_date(value, label=VISIT_LABEL, latest=latest)
    if found.ok and found.value and earliest is not None and date.fromisoformat(found.value) < earliest:
        return Verdict(value.strip(), "DATE-INVALID", f"{VISIT_LABEL} sebelum lembar kerja dibagikan "
                                                      f"({earliest:%d-%m-%Y})")
    return found


def printed_date(col: str):
    """A Polars expression: the ISO dates of column `col` as `DD-MM-YYYY` (the contract's way of
    writing a date in every list and sheet); any other text as written. Polars is imported
    here, not at the top: the check's readers load this module before they fork."""
    import polars as pl
    text = pl.col(col)
    iso = text.str.slice(8, 2) + "-" + text.str.slice(5, 2) + "-" + text.str.slice(0, 4)
    return pl.when(text.str.contains(PLAIN_YMD)).then(iso).otherwise(text)
