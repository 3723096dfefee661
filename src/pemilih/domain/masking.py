"""How personal data is shown: the one rule for screens, printed pages, messages and logs.

* An identifier (NIK, NKK) is shown as published on the announcement sheets: its first 6
  characters (the region of first registration), then exactly 10 asterisks:
  `7326014507890001` -> `732601**********`. Whatever the value looks like (15 digits, a
  number Excel wrote as `7.32601E+15`), it is masked the same way, so no screen or page ever
  shows more than 6 characters of an identifier. Showing a different part anywhere else (the
  last digits, say) would let two outputs together give the number away.
* In free text (reasons, notes, names, job messages) every number that could be an
  identifier is masked by that rule: every run of 11 or more digits, counting a single `.`
  or `,` after the first digit as part of the run. Why 11: an identifier has 16 digits, and
  the damaged forms met in practice are longer than 10 (15 with a digit missing, 17 with one
  too many, `7326014507890000.0` or `7.32601450789E+15` from Excel, whose digits after the
  point form a run of 11 or more). The longest public number written in this product's text
  is a 10-digit village code without dots (`7326012001`, in file names and in reasons about
  a village code): it must stay readable. A float written with 6 significant digits
  (`7.32601E+15`) carries only the region part, which the published form shows anyway.
* A birth date is shown as its year only (`**-**-1987`); disability is never shown.
* Two identifiers that differ by a typing slip (one digit, or two neighbouring digits
  swapped) are told apart by the positions and digits that differ, and nothing else:
  `digit ke-9: 3 ↔ 8`. Masked, both would read `732601**********` and the reviewer could not
  see the slip; the rest of either number stays hidden, so the two outputs together show
  the first 6 characters plus the differing positions, never more.

The column (Polars) forms, `id_expr` and `text_expr`, apply the same regular expressions:
`[0-9]`, not `\\d`, so that Python's and Rust's Unicode tables cannot differ, and an
explicit set of blank characters for the same reason. Polars is imported inside them: the
domain stays free of it, and the PDF worker processes and the web look-up, which only
mask single values, never load it. tests/test_masking.py checks with hypothesis that both
forms give the same text.
"""
from __future__ import annotations

import re
from datetime import date

STARS = "*" * 10
SHOWN = 6  # characters of an identifier that may be shown
ID_DIGITS = 16  # a NIK or NKK
# Blank characters stripped around an identifier (str.strip's set is wider than Polars').
BLANKS = " \t\n\r\x0b\x0c\xa0"
# A run of 11+ digits, or a digit, a `.`/`,` and 10+ digits: the first 6 characters kept.
LONG_NUMBER = r"([0-9](?:[.,][0-9]{4}|[0-9]{5}))[0-9]{5,}"
_LONG_NUMBER = re.compile(LONG_NUMBER)
_REPLACEMENT = "${1}" + STARS  # Polars/Rust spelling of the group reference
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
HIDDEN = "(dirahasiakan)"
NO_YEAR = "**-**-****"

# Field names, as printed (KPU list, registry extract) or canonical, normalised by _field().
ID_FIELDS = {"NIK", "NKK", "NO KK"}
BIRTH_DATE_FIELDS = {"TANGGAL LAHIR", "TGL LHR"}
HIDDEN_FIELDS = {"DISABILITAS"}


def mask_id(value) -> str:
    """A NIK or NKK as it may be shown: `732601**********`; None or blank -> ""."""
    text = "" if value is None else str(value).strip(BLANKS)
    return text[:SHOWN] + STARS if text else ""


def mask_digits_in_text(text) -> str:
    """Free text with every number that could be an identifier masked (see the module's
    docstring for which); None -> ""."""
    return _LONG_NUMBER.sub(lambda m: m.group(1) + STARS, "" if text is None else str(text))


def digit_difference(a, b) -> str | None:
    """Where two 16-digit identifiers differ by a typing slip, as it may be shown:
    `digit ke-9: 3 ↔ 8` (one digit), `digit ke-9 dan ke-10 tertukar: 38 ↔ 83` (two
    neighbours swapped); positions count from 1. None when either is not 16 digits, when they
    are equal, or when they differ otherwise (then they are two numbers, not one mistyped, and
    no digit of either is told)."""
    x, y = ("" if v is None else str(v).strip(BLANKS) for v in (a, b))
    if len(x) != ID_DIGITS or len(y) != ID_DIGITS or not (x + y).isascii() or not (x + y).isdigit():
        return None
    at = [i for i in range(ID_DIGITS) if x[i] != y[i]]
    if len(at) == 1:
        i = at[0]
        return f"digit ke-{i + 1}: {x[i]} ↔ {y[i]}"
    if len(at) == 2 and at[1] == at[0] + 1 and x[at[0]] == y[at[1]] and x[at[1]] == y[at[0]]:
        i = at[0]
        return f"digit ke-{i + 1} dan ke-{i + 2} tertukar: {x[i:i + 2]} ↔ {y[i:i + 2]}"
    return None


def mask_name(name) -> str:
    """The public look-up's form of a name: the first letter of each word, then stars
    (at least two, so a short word's length is not told): YOHANIS TANDI -> Y****** T****."""
    if not name:
        return ""
    return " ".join(w[0] + "*" * max(len(w) - 1, 2) for w in str(name).split())


def mask_birth_date(value) -> str:
    """The year only: `**-**-1987` (the day and month never); no readable year -> `**-**-****`."""
    if isinstance(value, date):
        return f"**-**-{value.year:04d}"
    found = _YEAR.search("" if value is None else str(value))
    return f"**-**-{found.group()}" if found else ("" if not value else NO_YEAR)


def mask_field(field: str | None, value) -> str:
    """A value of a finding, proposal or voter as shown anywhere: NIK/NKK by mask_id, the
    birth date as its year, disability hidden; any other field as free text (a NIK typed into
    a name or a note is masked too). Field names as printed (`NIK`, `TANGGAL LAHIR`,
    `NO_KK`) or canonical (`nik`, `tanggal_lahir`)."""
    name = _field(field)
    if name in ID_FIELDS:
        return mask_id(value)
    if name in BIRTH_DATE_FIELDS:
        return mask_birth_date(value)
    if name in HIDDEN_FIELDS:
        return HIDDEN  # whatever the value, empty included: having a disability is the fact
    return mask_digits_in_text(value)


def _field(field: str | None) -> str:
    return " ".join((field or "").replace("_", " ").upper().split())


# --- the same rules over whole columns (Polars) -------------------------------------------------

def id_expr(col):
    """mask_id over a String column (null -> "")."""
    import polars as pl
    text = col.cast(pl.String).fill_null("").str.strip_chars(BLANKS)
    # then() first: the result keeps the column's name
    return pl.when(text != "").then(pl.concat_str(text.str.slice(0, SHOWN), pl.lit(STARS))).otherwise(pl.lit(""))


def text_expr(col):
    """mask_digits_in_text over a String column (null -> "")."""
    import polars as pl
    return col.cast(pl.String).fill_null("").str.replace_all(LONG_NUMBER, _REPLACEMENT)
