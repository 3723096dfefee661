"""The values a village committee typed into a coklit workbook, judged by the domain's judges
(pemilih.domain.values): each typed cell becomes the value as stored, or a reason in Bahasa
Indonesia why it cannot be taken; and two values of a column are compared as their stored forms.

What is particular to a workbook is only how a cell arrives: a date cell, a number cell in the
NIK/NKK columns (Excel may have lost the 16th digit), whole numbers typed into text columns.
No Polars: this runs in the coklit reader's worker processes, which load only the district
prefixes of the region reference (for NIK/NKK).
"""
from __future__ import annotations

import re
from datetime import date, datetime

from pemilih.domain import dates
from pemilih.domain import values as judges
from pemilih.domain.verdict import Verdict
from pemilih.io.coklit_layout import CHECKED, HEADER, cell_text

ID_COLUMNS = ("nik", "nkk")
REQUIRED_NEW = ("nik", "nama", "tanggal_lahir")


def verdict(column: str, raw) -> Verdict:
    """The domain judge of `column` for one cell as calamine or openpyxl gives it."""
    if isinstance(raw, (datetime, date)):
        if column != "tanggal_lahir":
            return Verdict(None, "CELL-DATE", "berisi tanggal; tulis sebagai teks")
        raw = (raw.date() if isinstance(raw, datetime) else raw).isoformat()
    numeric = column in ID_COLUMNS and isinstance(raw, (int, float)) and not isinstance(raw, bool)
    return judges.judge(column, cell_text(raw), numeric=numeric)


def judge(column: str, raw) -> tuple[str | None, str | None]:
    """(value as stored, None) or (None, reason in Bahasa) for one typed cell."""
    found = verdict(column, raw)
    return (None, found.reason) if found.code else (found.value, None)


def new_value(column: str, raw) -> tuple[str | None, str | None]:
    """judge() for a cell of PEMILIH BARU, where only REQUIRED_NEW must be filled in."""
    empty = not cell_text(raw).strip() and not isinstance(raw, (date, datetime))
    if empty:
        return None, (f"{HEADER[column]} wajib diisi" if column in REQUIRED_NEW else None)
    return judge(column, raw)


TICKS = {CHECKED, "✓", "✔", "√"}  # what a person may type or paste for the tick


def checked(raw) -> tuple[bool, str | None]:
    """SESUAI: (ticked, None), or (False, reason) for anything but the tick or blank."""
    text = cell_text(raw).strip().upper()
    if not text:
        return False, None
    if text in TICKS:
        return True, None
    return False, f"isi {CHECKED} bila pemilih sudah dicocokkan dan datanya benar, atau kosongkan"


def visit_date(raw) -> tuple[str | None, str | None]:
    """TANGGAL KUNJUNGAN: (ISO date or None when blank, None) or (None, reason). Its bounds (not
    before the share, not after today) are the collect's, which knows them."""
    if isinstance(raw, (datetime, date)):
        raw = (raw.date() if isinstance(raw, datetime) else raw).isoformat()
    found = dates.visit_date(cell_text(raw))
    return (None, found.reason) if found.code else (found.value, None)


def officer(raw) -> str | None:
    """PETUGAS: a person's name, as names are kept (capitals, single spaces)."""
    return judges.upper_text(cell_text(raw)).value


def stored_form(column: str, value) -> str:
    """What a value of a column stands for: its stored form when the judge takes it, else the
    text in capitals with single spaces (so a value kept as written compares with itself)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    if column in judges.JUDGES:
        found = verdict(column, value)
        if found.ok:
            return found.value or ""
    return re.sub(r"\s+", " ", cell_text(value)).strip().upper()


def same_value(column: str, a, b) -> bool:
    """Whether two values of a column say the same (dates in either form, case, spacing,
    `7` and `007` for RT, `6,1` and `1,6` for disability, blank and 0)."""
    return stored_form(column, a) == stored_form(column, b)
