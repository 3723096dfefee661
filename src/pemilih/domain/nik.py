"""NIK and NKK: structure, region prefix, encoded birth date and sex.

A NIK is 6 digits of region (where first registered), DDMMYY birth date with 40 added to
the day for women, and a 4-digit serial counted from 0001 (a serial 0000 is never issued: a
NIK ending in 0000 is a typing or spreadsheet error). A mismatch with the record is a finding, never an
exception: the NIK cannot be changed by the voter list, only reported.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pemilih.domain.masking import mask_id

DIGITS16 = re.compile(r"[0-9]{16}")
# What Excel leaves of a 16-digit number: scientific notation, or 15 significant digits
# followed by a zero (7326014507890001 -> 7.32601450789E+15 -> 7326014507890000).
FLOAT_LOOKING = re.compile(r"[0-9](\.[0-9]+)?[eE]\+?[0-9]+|[0-9]{15,16}\.0+")
ID_LABELS = ("NIK", "NKK")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a value: a stable code and a reason in Bahasa Indonesia."""

    code: str
    reason: str


@dataclass(frozen=True)
class NikParts:
    region: str  # 6 digits: province, regency, district
    birth_date: date | None  # None when the encoded date is impossible
    sex: str  # "L" or "P"
    serial: str


def looks_like_float(text: str) -> bool:
    return bool(FLOAT_LOOKING.fullmatch(text.strip()))


def is_digits(text: str) -> bool:
    """Only the digits 0-9 (str.isdigit() also takes other scripts' digits and superscripts)."""
    return text.isascii() and text.isdigit()


def clean_id(text: str | None) -> str | None:
    """A NIK/NKK as typed, without the spaces around it and the apostrophe typed in Excel to
    keep a number as text; None when nothing is left."""
    if text is None:
        return None
    return text.strip().lstrip("'").strip() or None


# --- the reasons, written once: nik_problems here and the column-wise io/identity.py use them --

def empty_problem(label: str) -> Problem:
    return Problem(f"{label}-EMPTY", f"{label} kosong")


def float_problem(label: str, text: str) -> Problem:
    """A number cell, or text Excel made of one: quoted masked, as every reason quotes a NIK."""
    return Problem(f"{label}-FLOAT", f"{label} tersimpan sebagai angka ({mask(text)}); digit terakhir hilang "
                   "karena Excel. Format kolom sebagai Teks dan ketik ulang dari KTP/KK")


def invalid_problem(label: str) -> Problem:
    return Problem(f"{label}-INVALID", f"{label} berisi karakter selain angka")


def length_problem(label: str, length: int) -> Problem:
    return Problem(f"{label}-LENGTH", f"{label} harus 16 digit, tertulis {length} digit")


def region_problem(label: str, prefix6: str) -> Problem:
    return Problem(f"{label}-REGION", f"kode wilayah {label} ({prefix6}) tidak ada dalam daftar Kemendagri")


SERIAL_NONE = "0000"
SERIAL_PROBLEM = Problem("NIK-SERIAL", "nomor urut NIK (digit 13-16) 0000 tidak pernah diberikan; "
                         "periksa NIK pada KTP-el/KK")
DATE_PROBLEM = Problem("NIK-DATE", "tanggal lahir dalam NIK (digit 7-12) bukan tanggal yang mungkin")
DOB_MISMATCH = Problem("NIK-DOB-MISMATCH", "tanggal lahir tidak cocok dengan tanggal dalam NIK")


def sex_mismatch_problem(sex: str) -> Problem:
    """The person's sex (L or P) differs from the one the NIK encodes."""
    want = "perempuan (hari + 40)" if sex == "P" else "laki-laki (hari 01-31)"
    return Problem("NIK-SEX-MISMATCH", f"jenis kelamin {sex} tidak cocok dengan NIK; untuk {want}")


def shape_problem(text: str | None, label: str = "NIK", numeric: bool = False) -> Problem | None:
    """What keeps a cleaned value from being 16 plain digits, or None. `numeric`: it was a
    number cell, so its 16th digit may be lost whatever it looks like."""
    if not text:
        return empty_problem(label)
    if numeric or looks_like_float(text):
        return float_problem(label, text)
    if not is_digits(text):
        return invalid_problem(label)
    if len(text) != 16:
        return length_problem(label, len(text))
    return None


def split_nik(nik: str) -> NikParts | None:
    """The parts of a well-formed 16-digit NIK, or None when it is not 16 digits."""
    if not DIGITS16.fullmatch(nik):
        return None
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    return NikParts(nik[:6], _century_date(day, month, year2), sex, nik[12:])


def _century_date(day: int, month: int, year2: int, today: date | None = None) -> date | None:
    """Two-digit years: the most recent century that does not put the birth in the future."""
    today = today or date.today()
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nik_problems(nik: str | None, region_exists=None, birth_date: date | None = None,
                 sex: str | None = None, label: str = "NIK", numeric: bool = False) -> list[Problem]:
    """Everything wrong with one NIK (or NKK, with label="NKK" and no date/sex), in order:
    its shape (and nothing more when that is wrong), region, serial, encoded date, sex, birth date."""
    text = clean_id(nik)
    shape = shape_problem(text, label, numeric)
    if shape is not None:
        return [shape]
    problems: list[Problem] = []
    if region_exists is not None and not region_exists(text[:6]):
        problems.append(region_problem(label, text[:6]))
    if label != "NIK":
        return problems
    if text[12:] == SERIAL_NONE:
        problems.append(SERIAL_PROBLEM)
    parts = split_nik(text)
    if parts.birth_date is None:
        problems.append(DATE_PROBLEM)
        return problems
    if sex in ("L", "P") and sex != parts.sex:
        problems.append(sex_mismatch_problem(sex))
    if birth_date is not None and (birth_date.day, birth_date.month, birth_date.year % 100) != (
            parts.birth_date.day, parts.birth_date.month, parts.birth_date.year % 100):
        problems.append(DOB_MISMATCH)
    return problems


def make_nik(region6: str, birth_date: date, sex: str, serial: int) -> str:
    """Build a NIK the way the civil registry does (used by the demo generator and tests)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{region6}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def mask(number: str | None) -> str:
    """Kept for io/identity.py until it imports domain/masking itself: the one rule is there."""
    return mask_id(number)
