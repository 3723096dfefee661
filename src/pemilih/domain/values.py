"""One judge per field of a voter record (formats.md section 1): normalise when certain, else
say why not. Every entry point uses these: list and registry import (io/values.py, per distinct
value of a column), the coklit workbooks (io/coklit_values.py), public responses
(store/responses.py).

A judge takes one value as text (None or blank for an empty cell; spaces around it do not
count) and returns a Verdict: the value as stored, or the value as written with a stable
problem code and a reason in Bahasa Indonesia naming the field. The canonical forms:

* sex `L`/`P`; marital status `B`/`S`/`P`; KTP-el `S`/`B` (each from the aliases below);
* TPS, RT, RW: 3 digits (`1`, `01`, `TPS 1` -> `001`);
* disability: empty for none (blank or `0`), else the codes 1-6 sorted, once each (`6;1` -> `1,6`);
* dates: ISO `YYYY-MM-DD` (domain/dates.py);
* names, places, addresses: capitals, one space between words; a name (NAMA) is also refused
  when empty, a spreadsheet formula, only digits, or written with a digit or a sign that names
  do not use (`name` below);
* region codes: dotted (`7326012001` -> `73.26.01.2001`);
* NIK/NKK: 16 digits, a known kecamatan prefix, for a NIK a possible encoded date.

Which empty fields an entry point requires is the entry point's rule (a coklit correction left
blank is no correction); the judges only say what an empty value means for the list itself.
Personal data (NIK, NKK, dates, disability, address) is never quoted in a reason.
"""
from __future__ import annotations

import re
from datetime import date

from pemilih.domain import dates
from pemilih.domain import nik as nik_rules
from pemilih.domain.fields import FIELD_LABELS
from pemilih.domain.formula import FORMULA_START
from pemilih.domain.names import DEGREE_RE
from pemilih.domain.regions import canonical_code, district_prefixes
from pemilih.domain.verdict import OK_EMPTY, Verdict

__all__ = ["Verdict", "OK_EMPTY", "judge", "JUDGES", "LABELS"]

# The field names reasons use: the KPU list's printed headers (formats.md section 2).
LABELS = FIELD_LABELS

_NON_KEY = re.compile(r"[^A-Z0-9]")
# Aliases, compared in capitals without spaces and punctuation (`laki-laki` -> LAKILAKI).
SEX = {"L": "L", "LK": "L", "LAKILAKI": "L", "PRIA": "L", "1": "L",
       "P": "P", "PR": "P", "PEREMPUAN": "P", "WANITA": "P", "2": "P"}
MARITAL = {"B": "B", "BK": "B", "BELUMKAWIN": "B", "BELUMMENIKAH": "B",
           "S": "S", "K": "S", "SK": "S", "KAWIN": "S", "SUDAHKAWIN": "S", "MENIKAH": "S",
           "P": "P", "PK": "P", "PERNAHKAWIN": "P", "CERAIHIDUP": "P", "CERAIMATI": "P",
           "CERAI": "P", "JANDA": "P", "DUDA": "P"}
# The civil registry also writes its codes 1-4 (belum kawin, kawin, cerai hidup, cerai mati);
# in a KPU list a bare digit is not a marital status.
MARITAL_REGISTRY = MARITAL | {"1": "B", "2": "S", "3": "P", "4": "P"}
KTP_EL = {"S": "S", "SUDAH": "S", "Y": "S", "YA": "S", "ADA": "S",
          "B": "B", "BELUM": "B", "T": "B", "TIDAK": "B", "TIDAKADA": "B"}

SEX_HINT = "gunakan L atau P"
MARITAL_HINT = "gunakan B (belum kawin), S (sudah kawin) atau P (pernah kawin)"
MARITAL_REGISTRY_HINT = "gunakan B (belum kawin), S (sudah kawin), P (pernah kawin) atau kode 1-4"
KTP_HINT = "gunakan S (sudah punya KTP-el) atau B (belum)"
DISABILITY_HINT = "kosong/0 = tidak ada, 1-6, beberapa dipisah koma (1,6)"

_SPACES = re.compile(r"\s+")
_NUMBER3 = re.compile(r"[0-9]{1,3}")
_TPS_PREFIX = re.compile(r"TPS\s*")
_DISABILITY_SEP = re.compile(r"[\s,;/.]+")
# Names: letters and the signs Indonesian names are written with (`NE' RANTE`, `MUH. AMIN`,
# `DRS. YOHANIS, S.PD.`, `SITI-AMINAH`; apostrophes also typed curly or as a backtick).
NAME_SIGNS = frozenset("'\u2019\u2018`.,- ")
NAME_HINT = "hanya huruf, spasi, titik, koma, tanda petik (') dan tanda hubung (-)"
# A name the name judge keeps as it is: capitals A-Z first, then capitals and the signs above
# in ASCII, single spaces between words (so: no formula, a letter, no digit). Plain character
# classes, so that Python and Polars read it alike: io/values.py lets Polars skip the values
# that match (nearly all of a list), the judge gets the rest.
NAME_AS_IS = r"^[A-Z][A-Z'.,`-]*(?: [A-Z'.,`-]+)*$"


def _text(value: str | None) -> str | None:
    """The value without the spaces around it; None when blank."""
    if value is None:
        return None
    return value.strip() or None


# --- the judges --------------------------------------------------------------------------------

def _mapped(value: str | None, *, label: str, table: dict[str, str], code: str, hint: str,
            required: bool) -> Verdict:
    """A value written in one of a few forms (sex, marital status, KTP-el)."""
    text = _text(value)
    if text is None:
        return Verdict(None, code, f"{label} kosong; {hint}") if required else OK_EMPTY
    norm = table.get(_NON_KEY.sub("", text.upper()))
    if norm is None:
        return Verdict(text, code, f"{label} '{text}' tidak dikenal; {hint}")
    return Verdict(norm)


def sex(value: str | None) -> Verdict:
    return _mapped(value, label=LABELS["jenis_kelamin"], table=SEX, code="SEX-INVALID", hint=SEX_HINT,
                   required=True)


def marital_status(value: str | None, *, accepted: dict[str, str] = MARITAL, hint: str = MARITAL_HINT
                   ) -> Verdict:
    """KPU lists (and coklit, responses) write the forms of MARITAL; the registry's extracts
    those of MARITAL_REGISTRY."""
    return _mapped(value, label=LABELS["status_kawin"], table=accepted, code="KAWIN-INVALID", hint=hint,
                   required=True)


def registry_marital_status(value: str | None) -> Verdict:
    return marital_status(value, accepted=MARITAL_REGISTRY, hint=MARITAL_REGISTRY_HINT)


def ktp_el(value: str | None) -> Verdict:
    return _mapped(value, label=LABELS["ktp_el"], table=KTP_EL, code="KTPEL-INVALID", hint=KTP_HINT,
                   required=False)


def _number3(value: str | None, *, label: str, code: str, smallest: int) -> Verdict:
    """An integer printed with 3 digits (`1`, `01` -> `001`)."""
    text = _text(value)
    if text is None:
        return Verdict(None, code, f"{label} kosong")
    if _NUMBER3.fullmatch(text) and int(text) >= smallest:
        return Verdict(f"{int(text):03d}")
    least = f", paling kecil {smallest}" if smallest else ""
    return Verdict(text, code, f"{label} '{text}' bukan nomor {label} yang benar (angka 1-3 digit{least})")


def tps(value: str | None) -> Verdict:
    """`1`, `001`, `TPS 1`, `tps01` -> `001`; 0 is no TPS."""
    text = _text(value)
    if text is not None and (m := _TPS_PREFIX.match(text.upper())):
        bare = text[m.end():]
        if _NUMBER3.fullmatch(bare):
            text = bare
    return _number3(text, label=LABELS["tps"], code="TPS-INVALID", smallest=1)


def rt(value: str | None) -> Verdict:
    return _number3(value, label=LABELS["rt"], code="RT-INVALID", smallest=0)


def rw(value: str | None) -> Verdict:
    return _number3(value, label=LABELS["rw"], code="RW-INVALID", smallest=0)


def disability(value: str | None) -> Verdict:
    """Blank or 0 for none (stored empty); 1-6, several allowed: sorted, once each (`6, 1` -> `1,6`)."""
    text = _text(value)
    if text is None:
        return OK_EMPTY
    parts = [p for p in _DISABILITY_SEP.split(text) if p]
    if parts and all(len(p) == 1 and p in "0123456" for p in parts):
        return Verdict(",".join(sorted({p for p in parts if p != "0"})) or None)
    return Verdict(text, "DISABILITAS-INVALID", f"{LABELS['disabilitas']} tidak dikenal; {DISABILITY_HINT}")


def upper_text(value: str | None) -> Verdict:
    """Places, addresses: in capitals, one space between words. Never refused: an entry
    point says whether it may be empty."""
    text = _text(value)
    return Verdict(" ".join(text.split()).upper()) if text else OK_EMPTY


def name(value: str | None, *, spelling: bool = True) -> Verdict:
    """NAMA in capitals, one space between words; refused when it cannot be a person's name:

    * empty (NAMA-EMPTY): a KPU list names every voter;
    * a spreadsheet formula (NAMA-FORMULA): it starts with `=`, `+`, `-` or `@`, which a
      spreadsheet opening the cell would run (formula injection) or which an export left behind;
    * only digits (NAMA-DIGITS): a number typed into the name column (a NIK, a row number);
      no letter at all is no name either (NAMA-INVALID);
    * `spelling`: a digit, or a sign that names do not use (NAMA-INVALID). Names on KTP-el and
      KK are written without digits (Permendagri 73/2022 on recording names): `ANDI 2` is a
      marker someone added, not the name. A digit is taken only inside an academic degree
      written after the name (`ABDUL, S1`), as domain/names.py reads degrees.

    Reasons say what is wrong, never the name itself (personal data)."""
    label = LABELS["nama"]
    text = _text(value)
    if text is None:
        return Verdict(None, "NAMA-EMPTY", f"{label} wajib diisi")
    if text.startswith(FORMULA_START):
        return Verdict(text, "NAMA-FORMULA", f"{label} diawali '{text[0]}' sehingga dibaca sebagai rumus "
                       "spreadsheet; tulis nama sebagai teks, tanpa rumus")
    stored = " ".join(text.split()).upper()
    if not any(c.isalpha() for c in stored):
        if any(c.isdigit() for c in stored):
            return Verdict(text, "NAMA-DIGITS", f"{label} hanya berisi angka, bukan nama")
        return Verdict(text, "NAMA-INVALID", f"{label} tidak berisi huruf; {NAME_HINT}")
    if not spelling:
        return Verdict(stored)
    core = re.sub(DEGREE_RE, "", stored)
    if any(c.isdigit() for c in core):
        return Verdict(text, "NAMA-INVALID", f"{label} berisi angka; nama pada KTP-el/KK ditulis tanpa angka")
    odd = sorted({c for c in core if not c.isalpha() and c not in NAME_SIGNS})
    if odd:
        shown = " ".join(f"'{c}'" if c.isprintable() else f"U+{ord(c):04X}" for c in odd)
        return Verdict(text, "NAMA-INVALID", f"{label} berisi tanda yang tidak dipakai dalam nama ({shown}); "
                       f"{NAME_HINT}")
    return Verdict(stored)


def registry_name(value: str | None) -> Verdict:
    """NAMA_LGKP of a registry extract: the registry's spelling is the KTP-el's own, so only
    what cannot be a name at all is refused (empty, a formula, only digits, no letter); its letters and
    signs are Disdukcapil's to decide (a difference with the list is a finding, not an error)."""
    return name(value, spelling=False)


def note(value: str | None) -> Verdict:
    """KETERANGAN: free text, one space between words, case as written."""
    text = _text(value)
    return Verdict(" ".join(text.split())) if text else OK_EMPTY


def region_code(value: str | None, *, label: str = LABELS["kode_desa"]) -> Verdict:
    """`7326012001` or `73.26.01.2001` (spaces inside ignored) -> `73.26.01.2001`.

    Whether the code is in the reference is the reader's question (io/places.py)."""
    text = _text(value)
    if text is None:
        return OK_EMPTY
    code = canonical_code(_SPACES.sub("", text))
    if code is None:
        return Verdict(text, "KODE-DESA-UNKNOWN", f"{label} '{text}' bukan kode wilayah (contoh 73.26.01.2001)")
    return Verdict(code)


def birth_date(value: str | None, *, today: date | None = None) -> Verdict:
    return dates.birth_date(value, today=today)


def identifier(value: str | None, *, label: str = "NIK", numeric: bool = False, region_exists=None) -> Verdict:
    """A NIK or NKK on its own: its shape, its kecamatan prefix and, for a NIK, its encoded date.

    Its agreement with the person's sex and birth date is a finding about the record, not a
    reason to refuse the number (the registry decides): nik_problems with the person's data
    says that. `numeric`: the cell was a number (Excel may have lost the 16th digit)."""
    text = nik_rules.clean_id(value)
    exists = region_exists if region_exists is not None else district_prefixes().__contains__
    problems = nik_rules.nik_problems(text, exists, label=label, numeric=numeric)
    if problems:
        return Verdict(text, problems[0].code, problems[0].reason)
    return Verdict(text)


def nik(value: str | None, *, numeric: bool = False) -> Verdict:
    return identifier(value, label="NIK", numeric=numeric)


def nkk(value: str | None, *, numeric: bool = False) -> Verdict:
    return identifier(value, label="NKK", numeric=numeric)


# Field -> judge, for a KPU list's columns (the registry differs in marital status only).
JUDGES = {
    "kode_desa": region_code, "tps": tps, "nkk": nkk, "nik": nik, "nama": name,
    "tempat_lahir": upper_text, "tanggal_lahir": birth_date, "status_kawin": marital_status,
    "jenis_kelamin": sex, "alamat": upper_text, "rt": rt, "rw": rw, "disabilitas": disability,
    "ktp_el": ktp_el, "keterangan": note,
}
ID_FIELDS = ("nik", "nkk")


def judge(field: str, value: str | None, *, numeric: bool = False) -> Verdict:
    """The judge of `field` applied to value; a field without a judge keeps its trimmed text."""
    if field in ID_FIELDS:
        return JUDGES[field](value, numeric=numeric)
    found = JUDGES.get(field)
    if found is None:
        return Verdict(_text(value))
    return found(value)
