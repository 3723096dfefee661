"""What a hand-back package must hold for KPU to import it (formats.md section 5, issue 12),
checked from the files alone, the way KPU's operator or ../shared/tools/check_package.py would.

The references are read here from the data files themselves (the regions table, the code
tables), not through pemilih's functions: a test must not take its expected values from the
code it checks.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from functools import cache
from pathlib import Path

from python_calamine import CalamineWorkbook

DATA = Path(__file__).resolve().parents[1] / "src" / "pemilih" / "domain" / "data"
DDMMYYYY = re.compile(r"^\d{2}-\d{2}-\d{4}$")
LIST_SHEETS = {"daftar.xlsx": ["DPT"], "perubahan.xlsx": ["B Pemilih Baru", "TMS", "Informasi"]}


@cache
def village_names() -> dict[str, tuple[str, str]]:
    """Village code -> (KECAMATAN, KELURAHAN/DESA) as the regions table names them, upper case."""
    with open(DATA / "regions" / "districts.csv", encoding="utf-8") as fh:
        districts = {r["code"]: r["name"] for r in csv.DictReader(fh)}
    with open(DATA / "regions" / "villages.csv", encoding="utf-8") as fh:
        return {r["code"]: (districts[r["parent_code"]].upper(), r["name"].upper()) for r in csv.DictReader(fh)}


@cache
def village_only_codes() -> frozenset[str]:
    """The codes of every code table that are a rule of the village election alone."""
    found = set()
    for path in (DATA / "codes").glob("*.csv"):
        with open(path, encoding="utf-8") as fh:
            found |= {r["code"] for r in csv.DictReader(fh) if r.get("scope") == "village"}
    return frozenset(found)


def sheets(package: Path, name: str) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(zipfile.ZipFile(package).read(name)))
    return {s: book.get_sheet_by_name(s).to_python() for s in book.sheet_names}


def rows(grid: list[list]) -> list[dict]:
    return [dict(zip(grid[0], (str(v) for v in r))) for r in grid[1:]] if grid else []


def problems(package: Path) -> list[str]:
    """Everything wrong with the package (empty: KPU can import it)."""
    found: list[str] = []
    names = village_names()
    for file, wanted in LIST_SHEETS.items():
        book = sheets(package, file)
        for sheet in wanted:
            for i, r in enumerate(rows(book[sheet]), start=2):
                where = f"{file}/{sheet} baris {i}"
                code = r.get("KODE DESA", "")
                if names.get(code) != (r.get("KECAMATAN"), r.get("KELURAHAN/DESA")):
                    found.append(f"{where}: desa {code!r} bernama {r.get('KELURAHAN/DESA')!r}, "
                                 f"tabel wilayah {names.get(code)!r}")
                if not DDMMYYYY.match(r.get("TANGGAL LAHIR", "")):
                    found.append(f"{where}: TANGGAL LAHIR bukan DD-MM-YYYY")
    for r in rows(sheets(package, "perubahan.xlsx")["U Ubah Data"]):
        if not r["KODE DESA"]:
            found.append(f"U {r['KUNCI']}: tanpa KODE DESA")
        if r["KOLOM"] == "TANGGAL LAHIR" and not all(DDMMYYYY.match(v) for v in (r["NILAI LAMA"], r["NILAI BARU"]) if v):
            found.append(f"U {r['KUNCI']}: TANGGAL LAHIR bukan DD-MM-YYYY")
    found += _numbering(rows(sheets(package, "daftar.xlsx")["DPT"]))
    found += _village_only(package)
    found += recap_problems(sheets(package, "rekap.xlsx"))
    return found


def _numbering(listed: list[dict]) -> list[str]:
    numbers: dict[tuple, list[int]] = {}
    for r in listed:
        numbers.setdefault((r["KODE DESA"], r["TPS"]), []).append(int(r["NO"]))
    return [f"daftar.xlsx: NO di {place} bukan 1..{len(n)} tanpa celah" for place, n in numbers.items()
            if sorted(n) != list(range(1, len(n) + 1))]


def _village_only(package: Path) -> list[str]:
    codes = village_only_codes()
    found = []
    for file in ("perubahan.xlsx", "daftar.xlsx", "rekap.xlsx"):
        for sheet, grid in sheets(package, file).items():
            cells = {str(v) for r in grid for v in r}
            found += [f"{file}/{sheet}: kode khusus desa {c}" for c in codes if any(c in cell for cell in cells)]
    return found


def _groups(grid: list[list], top_i: int) -> dict[str, dict[str, int]]:
    """Each column group of a recap sheet's two header rows -> its L, P and JML columns."""
    groups, current = {}, None
    for j, (top, sub) in enumerate(zip(grid[top_i], grid[top_i + 1])):
        current = str(top).strip().upper() or current
        if str(sub).upper() in ("L", "P", "JML"):
            groups.setdefault(current, {})[str(sub).upper()] = j
    return groups


def _group(groups: dict, word: str) -> str | None:
    return next((g for g in groups if word in g), None)


def _value(row: list, groups: dict, group: str | None, sex: str) -> float | None:
    """A cell of the row as a number; 0 for a group the sheet does not have."""
    if group is None:
        return 0.0
    try:
        return float(row[groups[group][sex]])
    except (TypeError, ValueError, IndexError, KeyError):
        return None


def recap_problems(book: dict[str, list[list]]) -> list[str]:
    """Every data row of every recap sheet: for L, P and JML apart, start + new + sex corrected in
    - TMS - sex corrected out = end; L + P = JML in every group; JUMLAH TMS the sum of the TMS
    columns."""
    found, checked = [], 0
    for sheet, grid in book.items():
        # the header: the row above the first row of L / P / JML (a title may say "pemutakhiran")
        top_i = next((i - 1 for i, r in enumerate(grid[:15]) if i and {"L", "P", "JML"} <= {str(c) for c in r}), None)
        if top_i is None:
            continue
        groups = _groups(grid, top_i)
        measures = [_group(groups, w) for w in ("AWAL", "BARU", "KELAMIN: MASUK", "JUMLAH TMS", "KELAMIN: KELUAR",
                                                "AKHIR")]
        parts = [g for g in groups if g.startswith("TMS-")]
        if None in (measures[0], measures[1], measures[3], measures[5]):
            found.append(f"{sheet}: kolom awal/baru/TMS/akhir tidak lengkap")
            continue
        checked += 1
        for i, r in enumerate(grid[top_i + 2:], start=top_i + 3):
            if _value(r, groups, measures[0], "JML") is None:
                continue
            for s in ("L", "P", "JML"):
                start, new, sex_in, tms, sex_out, end = (_value(r, groups, g, s) for g in measures)
                if None in (start, new, sex_in, tms, sex_out, end) or start + new + sex_in - tms - sex_out != end:
                    found.append(f"{sheet} baris {i} {s}: awal+baru+masuk-TMS-keluar tidak sama dengan akhir")
                if sum(_value(r, groups, g, s) or 0 for g in parts) != tms:
                    found.append(f"{sheet} baris {i} {s}: jumlah kolom TMS tidak sama dengan JUMLAH TMS")
            for g in groups:
                lp = [_value(r, groups, g, s) for s in ("L", "P", "JML")]
                if None not in lp and lp[0] + lp[1] != lp[2]:
                    found.append(f"{sheet} baris {i} {g}: L+P tidak sama dengan JML")
    return found if checked else [*found, "rekap: tidak ada lembar dengan kolom L/P/JML"]


def accounted(package: Path, kpu_rows: list[dict]) -> list[str]:
    """Each row of KPU's list (source_ref, nik) is in exactly one of: daftar.xlsx, the TMS sheet,
    the Belum Punya Desa sheet. daftar.xlsx has no key column: its rows are matched by NIK (a
    corrected NIK as the U sheet gives it, duplicates counted as many times as they occur)."""
    changes = sheets(package, "perubahan.xlsx")
    struck = {r["KUNCI"] for r in rows(changes["TMS"])}
    waiting = {r["KUNCI"] for r in rows(changes["Belum Punya Desa"])}
    new_nik = {r["KUNCI"]: r["NILAI BARU"] for r in rows(changes["U Ubah Data"]) if r["KOLOM"] == "NIK"}
    keys = {r["source_ref"] for r in kpu_rows}
    found = [f"{k}: di TMS dan di Belum Punya Desa" for k in struck & waiting]
    found += [f"{k}: di TMS tetapi bukan baris daftar KPU" for k in struck - keys]
    expected = Counter(new_nik.get(r["source_ref"], r["nik"]) for r in kpu_rows
                       if r["source_ref"] not in struck and r["source_ref"] not in waiting)
    listed = Counter(r["NIK"] for r in rows(sheets(package, "daftar.xlsx")["DPT"]))
    listed -= Counter(r["NIK"] for r in rows(changes["B Pemilih Baru"]))
    if listed != expected:
        found.append(f"daftar.xlsx: {sum((expected - listed).values())} baris daftar KPU tidak ada, "
                     f"{sum((listed - expected).values())} berlebih")
    return found
