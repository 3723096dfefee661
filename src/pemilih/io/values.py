"""Judging single values (formats.md section 1): normalise when certain, else say why not.

Each judge takes one distinct value of a column (text, or None for an empty cell) and
returns a Verdict; columns.judge_column applies it to every row holding that value.
Reasons are in Bahasa Indonesia and quote the value (these columns hold no personal data).
"""
from __future__ import annotations

import re
from functools import partial

from pemilih.domain.regions import canonical_code
from pemilih.io.columns import OK_EMPTY, Verdict

_NON_KEY = re.compile(r"[^A-Z0-9]")

SEX = {"L": "L", "LK": "L", "LAKILAKI": "L", "PRIA": "L", "1": "L",
       "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "2": "P"}
MARITAL = {"B": "B", "BK": "B", "BELUMKAWIN": "B", "BELUMMENIKAH": "B",
           "S": "S", "K": "S", "SK": "S", "KAWIN": "S", "SUDAHKAWIN": "S", "MENIKAH": "S",
           "P": "P", "PK": "P", "PERNAHKAWIN": "P", "CERAIHIDUP": "P", "CERAIMATI": "P",
           "CERAI": "P", "JANDA": "P", "DUDA": "P"}
# The civil registry also writes its codes 1-4 (belum kawin, kawin, cerai hidup, cerai mati).
MARITAL_REGISTRY = MARITAL | {"1": "B", "2": "S", "3": "P", "4": "P"}
KTP_EL = {"S": "S", "SUDAH": "S", "Y": "S", "YA": "S", "ADA": "S",
          "B": "B", "BELUM": "B", "T": "B", "TIDAK": "B", "TIDAKADA": "B"}

SEX_HINT = "gunakan L atau P"
MARITAL_HINT = "gunakan B (belum kawin), S (sudah kawin) atau P (pernah kawin)"
KTP_HINT = "gunakan S (sudah punya KTP-el) atau B (belum)"


def mapped(value: str | None, *, label: str, table: dict[str, str], code: str, hint: str,
           required: bool) -> Verdict:
    """A value written in one of a few forms (sex, marital status, KTP-el)."""
    if value is None:
        return Verdict(None, code, f"{label} kosong; {hint}") if required else OK_EMPTY
    norm = table.get(_NON_KEY.sub("", value.upper()))
    if norm is None:
        return Verdict(value, code, f"{label} '{value}' tidak dikenal; {hint}")
    return Verdict(norm)


def number3(value: str | None, *, label: str, code: str, smallest: int, prefix: str = "") -> Verdict:
    """TPS, RT, RW: an integer printed with 3 digits (`1`, `01`, `TPS 1` -> `001`)."""
    if value is None:
        return Verdict(None, code, f"{label} kosong")
    text = re.sub(r"\s+", "", value.upper())
    if prefix and text.startswith(prefix):
        text = text[len(prefix):]
    if re.fullmatch(r"\d{1,3}", text) and int(text) >= smallest:
        return Verdict(f"{int(text):03d}")
    return Verdict(value, code, f"{label} '{value}' bukan nomor {label} yang benar (angka 1-3 digit)")


def disability(value: str | None) -> Verdict:
    """Blank or 0 for none; 1-6, several allowed (`1,6`); `1, 6` and `1;6` become `1,6`."""
    if value is None:
        return OK_EMPTY
    text = re.sub(r"\s*[,;/.]\s*|\s+", ",", value).strip(",")
    if re.fullmatch(r"[0-6](,[0-6])*", text):
        return Verdict(text)
    return Verdict(value, "DISABILITAS-INVALID", f"DISABILITAS '{value}' tidak dikenal; kosong/0 = tidak ada, "
                   "1-6, beberapa dipisah koma (1,6)")


def upper(value: str | None) -> Verdict:
    return Verdict(value.upper() if value else value)


def region_code(value: str | None) -> str | None:
    """`7326012001` / `73.26.01.2001` -> `73.26.01.2001`; None when not a region code."""
    return canonical_code(re.sub(r"\s+", "", value)) if value else None


def kpu_judges() -> dict:
    return {
        "status_kawin": partial(mapped, label="STATUS PERKAWINAN", table=MARITAL, code="KAWIN-INVALID",
                                hint=MARITAL_HINT, required=True),
        "jenis_kelamin": partial(mapped, label="JENIS KELAMIN", table=SEX, code="SEX-INVALID",
                                 hint=SEX_HINT, required=True),
        "tps": partial(number3, label="TPS", code="TPS-INVALID", smallest=1, prefix="TPS"),
        "rt": partial(number3, label="RT", code="RT-INVALID", smallest=0),
        "rw": partial(number3, label="RW", code="RW-INVALID", smallest=0),
        "disabilitas": disability,
        "ktp_el": partial(mapped, label="KTP-EL", table=KTP_EL, code="KTPEL-INVALID", hint=KTP_HINT,
                          required=False),
    }


def registry_judges() -> dict:
    return {
        "status_kawin": partial(mapped, label="STAT_KWN", table=MARITAL_REGISTRY, code="KAWIN-INVALID",
                                hint=MARITAL_HINT + " (atau kode 1-4)", required=True),
        "jenis_kelamin": partial(mapped, label="JENIS_KLMIN", table=SEX, code="SEX-INVALID",
                                 hint=SEX_HINT + " (atau 1/2)", required=True),
        "rt": partial(number3, label="NO_RT", code="RT-INVALID", smallest=0),
        "rw": partial(number3, label="NO_RW", code="RW-INVALID", smallest=0),
        "status": upper,
    }
