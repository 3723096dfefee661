"""The problems `pemilih check` must report on the generated list, row by row.

NIK and village problems are computed from the final row values with the domain rules
(pemilih.domain.nik, regions), so they include consequences of planted data errors (a wrong
birth date also shows as NIK-DOB-MISMATCH). Name problems follow from what was planted (the
generator's own names are letters and the signs names use, so only planted ones are bad).
Village names only exist in the CSV (the workbooks take the village from their title block),
so DESA-UNKNOWN and DESA-MISMATCH have no workbook reference.
"""
from __future__ import annotations

from datetime import date

from pemilih.domain.nik import nik_problems
from pemilih.domain.regions import load_regions

from .listing import ListRow, fmt_date

CHECK_COLUMNS = ["csv_ref", "xlsx_ref", "column", "code"]
# Planted kind -> the problem on NAMA (in the CSV and in the workbook).
NAME_PROBLEMS = {"NAME-EMPTY": "NAMA-EMPTY", "NAME-FORMULA": "NAMA-FORMULA", "NAME-DIGITS": "NAMA-DIGITS",
                 "NAME-NUMBERED": "NAMA-INVALID"}


def parse_date(text: str) -> date | None:
    try:
        day, month, year = (int(x) for x in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _as_registered(row: ListRow) -> bool:
    """NIK, birth date and sex exactly as the registry issued them (made by make_nik from a real
    kecamatan code), family card from the allocator, village code present: nothing to check."""
    p = row.person
    return (p.pid >= 0 and row.nik == p.nik and row.jk == p.sex and row.tgl_cell == p.dob
            and row.kode_csv and row.tgl == fmt_date(p.dob))


def row_problems(row: ListRow, regions, villages: dict) -> list[tuple[str, str, bool]]:
    """[(column, code, also in the workbook)] for one row, without NIK-DUPLICATE.
    `villages` caches name resolutions: the same spellings recur on many rows."""
    out = [("NAMA", NAME_PROBLEMS[k], True) for k in row.kinds if k in NAME_PROBLEMS]
    if "DESA-MISMATCH" in row.kinds:
        out.append(("KELURAHAN/DESA", "DESA-MISMATCH", False))
    if _as_registered(row):
        return out
    dob = parse_date(row.tgl)
    if dob is None:
        out.append(("TANGGAL LAHIR", "DATE-INVALID", True))
    for p in nik_problems(row.nik, regions.district_exists, dob, row.jk):
        out.append(("NIK", p.code, True))
    for p in nik_problems(row.nkk, regions.district_exists, label="NKK"):
        out.append(("NKK", p.code, True))
    if not row.kode_csv:
        key = (row.desa_csv, row.village.district_code)
        if key not in villages:
            found = regions.find_village(row.desa_csv, row.village.code[:5], row.village.district_name)
            villages[key] = found[0]
        match = villages[key]
        if match is None:
            out.append(("KELURAHAN/DESA", "DESA-UNKNOWN", False))
        elif match.code != row.village.code:
            raise AssertionError(f"variant resolves to another village: {row.desa_csv}")
    return out


def check_defects(rows: list[ListRow]) -> list[dict]:
    """All expected problems, in list order; NIK-DUPLICATE on second and later occurrences of a
    16-digit NIK (CSV order equals workbook order: villages by code, TPS, row)."""
    regions = load_regions()
    seen: set[str] = set()
    villages: dict = {}
    out = []
    for row in rows:
        for column, code, in_xlsx in row_problems(row, regions, villages):
            out.append({"csv_ref": row.csv_ref, "xlsx_ref": row.xlsx_ref if in_xlsx else "",
                        "column": column, "code": code})
        if len(row.nik) == 16 and row.nik.isdigit():
            if row.nik in seen:
                out.append({"csv_ref": row.csv_ref, "xlsx_ref": row.xlsx_ref, "column": "NIK",
                            "code": "NIK-DUPLICATE"})
            seen.add(row.nik)
    return out
