"""Judging the values a village committee typed into a coklit workbook.

Each typed cell becomes the value as stored, or a reason in Bahasa Indonesia why it cannot be
taken; and two values of a column are compared the way a person reads them.
"""
from __future__ import annotations

import csv
import re
from datetime import date, datetime
from functools import lru_cache
from importlib import resources

from pemilih.domain.nik import nik_problems
from pemilih.io.coklit_layout import CHOICES, HEADER, cell_text, shown


def judge(column: str, raw) -> tuple[str | None, str | None]:
    """(value as stored, None) or (None, reason in Bahasa) for one typed cell."""
    if isinstance(raw, (datetime, date)):
        if column != "tanggal_lahir":
            return None, "berisi tanggal; tulis sebagai teks"
        day = raw.date() if isinstance(raw, datetime) else raw
        return _date(day.isoformat())
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and column in ("nik", "nkk"):
        return None, (f"{HEADER[column]} tersimpan sebagai angka; digit terakhir hilang karena Excel. "
                      "Format sel sebagai Teks dan ketik ulang dari KTP/KK")
    text = re.sub(r"\s+", " ", cell_text(raw)).strip()
    if column in ("nama", "tempat_lahir", "alamat"):
        return (text.upper(), None) if text else (None, f"{HEADER[column]} kosong")
    if column == "tanggal_lahir":
        return _date(text)
    if column in CHOICES:
        value = text.upper()
        if value in CHOICES[column]:
            return value, None
        return None, f"'{text}' tidak dikenal; pilih " + "/".join(CHOICES[column])
    if column in ("rt", "rw", "tps"):
        digits = re.sub(r"^TPS\s*", "", text.upper())
        if re.fullmatch(r"\d{1,3}", digits) and (column != "tps" or int(digits) > 0):
            return f"{int(digits):03d}", None
        return None, f"{HEADER[column]} '{text}' bukan angka 1-3 digit"
    if column == "disabilitas":
        return _disability(text)
    if column == "keterangan":
        return text or None, None
    if column in ("nik", "nkk"):
        return _identifier(column, text)
    raise KeyError(column)


def _date(text: str) -> tuple[str | None, str | None]:
    from pemilih.io.dates import judge_date  # its module loads Polars: only when a date is typed
    verdict = judge_date(text or None, label="TANGGAL LAHIR", required=True, latest=date.today())
    return (None, verdict.reason) if verdict.code else (verdict.value, None)


def _disability(text: str) -> tuple[str | None, str | None]:
    parts = [p for p in re.split(r"[\s,;/.]+", text) if p]
    if parts and all(p in "0123456" and len(p) == 1 for p in parts):
        codes = sorted({p for p in parts if p != "0"})
        return (",".join(codes) or None), None
    return None, (f"DISABILITAS '{text}' tidak dikenal; 0 = tidak ada, 1-6, beberapa dipisah koma (1,6)")


@lru_cache(maxsize=1)
def _district_prefixes() -> frozenset[str]:
    """The 6-digit kecamatan codes a NIK or NKK may start with (7,000 of them: far cheaper than
    the whole region reference, in each worker process)."""
    path = resources.files("pemilih.domain") / "data" / "regions" / "districts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        return frozenset(r["code"].replace(".", "") for r in csv.DictReader(fh))


def _identifier(column: str, text: str) -> tuple[str | None, str | None]:
    label = HEADER[column]
    problems = nik_problems(text, region_exists=_district_prefixes().__contains__, label=label)
    # Structure only: a NIK whose encoded date or sex differs from the person's data is still
    # the number on the card (the registry decides), so those mismatches are not refused here.
    hard = [p for p in problems if not p.code.endswith(("MISMATCH",))]
    return (None, hard[0].reason) if hard else (text, None)


def disability_key(value: str | None) -> str:
    """Comparable form of a disability value: blank and 0 both mean none."""
    return ",".join(sorted({p for p in re.split(r"[\s,;/.]+", value or "") if p and p != "0"}))


def same_value(column: str, a, b) -> bool:
    """Whether two values of a column say the same (dates in either form, case, spacing)."""
    if column == "disabilitas":
        return disability_key(a) == disability_key(b)
    return _comparable(column, a) == _comparable(column, b)


def _comparable(column: str, value) -> str:
    text = re.sub(r"\s+", " ", shown(column, value)).strip().upper()
    return text


REQUIRED_NEW = ("nik", "nama", "tanggal_lahir")


def new_value(column: str, raw) -> tuple[str | None, str | None]:
    empty = not cell_text(raw).strip() and not isinstance(raw, (date, datetime))
    if empty:
        return None, (f"{HEADER[column]} wajib diisi" if column in REQUIRED_NEW else None)
    return judge(column, raw)
