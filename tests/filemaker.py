"""Small hand-made KPU lists and registry extracts for the reader and check tests.

Every value here is written by hand or built with pemilih.domain.nik.make_nik from a
known birth date and sex, so a test's expected result never comes from the reader itself.
Workbooks are written with xlsxwriter: strings as string cells, floats as number cells,
dates as real date cells, like Excel would store them.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from pemilih.domain.nik import make_nik

KPU_HEADER = ["KECAMATAN", "KELURAHAN/DESA", "KODE DESA", "TPS", "NO", "NKK", "NIK", "NAMA",
              "TEMPAT LAHIR", "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT",
              "RT", "RW", "DISABILITAS", "KTP-EL", "KETERANGAN"]
REGISTRY_HEADER = ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "STAT_KWN",
                   "ALAMAT", "NO_RT", "NO_RW", "KODE_WILAYAH", "JENIS_PKRJN", "STATUS", "TGL_MATI",
                   "TGL_PINDAH", "KODE_WILAYAH_TUJUAN", "TGL_DATANG"]
# The form-style header (rows 8-9 of a generated workbook): TEMPAT/TANGGAL LAHIR spans 2 columns.
FORM_HEADER = ["NO", "NKK", "NIK", "NAMA", "TEMPAT/TANGGAL LAHIR", None, "STATUS PERKAWINAN",
               "JENIS KELAMIN", "ALAMAT", "RT", "RW", "DISABILITAS", "KTP-EL", "KETERANGAN"]

# Real Toraja Utara villages (reference data): code, kecamatan, desa.
PANTANAKAN = ("73.26.15.1004", "KESU", "PANTANAKAN LOLO")
LAANG_TANDUK = ("73.26.01.1001", "RANTEPAO", "LAANG TANDUK")
SADAN_MALIMBONG = ("73.26.06.1002", "SA'DAN", "SA'DAN MALIMBONG")


def spelled(no: int) -> str:
    """A number as letters (1 A, 26 Z, 27 AA): names are written without digits."""
    out = ""
    while no > 0:
        no, rest = divmod(no - 1, 26)
        out = chr(ord("A") + rest) + out
    return out or "NOL"


def voter(no: int = 1, born: date = date(1980, 5, 12), sex: str = "L", village=PANTANAKAN,
          tps: str = "001", serial: int | None = None, **overrides) -> dict:
    """One valid KPU row (keys = KPU_HEADER); NIK made from the birth date and sex."""
    code, kec, desa = village
    nik = make_nik(code.replace(".", "")[:6], born, sex, serial if serial is not None else no)
    row = {"KECAMATAN": kec, "KELURAHAN/DESA": desa, "KODE DESA": code, "TPS": tps, "NO": str(no),
           "NKK": code.replace(".", "")[:6] + f"{no:010d}", "NIK": nik, "NAMA": f"PEMILIH {spelled(no)}",
           "TEMPAT LAHIR": "RANTEPAO", "TANGGAL LAHIR": born.strftime("%d-%m-%Y"),
           "STATUS PERKAWINAN": "S", "JENIS KELAMIN": sex, "ALAMAT": "DUSUN 1", "RT": "001",
           "RW": "002", "DISABILITAS": "", "KTP-EL": "S", "KETERANGAN": ""}
    row.update(overrides)
    return row


def resident(no: int = 1, born: date = date(1980, 5, 12), sex: str = "L", village=PANTANAKAN,
             **overrides) -> dict:
    """One valid registry row (keys = REGISTRY_HEADER)."""
    code = village[0]
    row = {"NIK": make_nik(code.replace(".", "")[:6], born, sex, no),
           "NO_KK": code.replace(".", "")[:6] + f"{no:010d}", "NAMA_LGKP": f"PENDUDUK {no}",
           "TMPT_LHR": "RANTEPAO", "TGL_LHR": born.strftime("%d-%m-%Y"),
           "JENIS_KLMIN": "LAKI-LAKI" if sex == "L" else "PEREMPUAN", "STAT_KWN": "KAWIN",
           "ALAMAT": "DUSUN 1", "NO_RT": "001", "NO_RW": "002", "KODE_WILAYAH": code,
           "JENIS_PKRJN": "PETANI/PEKEBUN", "STATUS": "HIDUP", "TGL_MATI": "", "TGL_PINDAH": "",
           "KODE_WILAYAH_TUJUAN": "", "TGL_DATANG": ""}
    row.update(overrides)
    return row


def write_csv(path: Path, header: list[str], rows: list, *, sep: str = ",", encoding: str = "utf-8",
              bom: bool = False, before: list[list[str]] = (), line_end: str = "\n") -> Path:
    """rows: dicts keyed by header, or lists. `before`: lines above the header (title block)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator=line_end)
    for line in before:
        w.writerow(line)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def _put(ws, r: int, c: int, value, date_format) -> None:
    if value is None or value == "":
        return
    if isinstance(value, (datetime, date)):
        when = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        ws.write_datetime(r, c, when, date_format)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value)
    else:
        ws.write_string(r, c, str(value))


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple]] | None = None) -> Path:
    """sheets: name -> grid of rows (cells: str, number, date, None). merges: name -> ranges
    (first_row, first_col, last_row, last_col), 0-based, whose first cell already holds the text."""
    wb = xlsxwriter.Workbook(str(path))
    date_format = wb.add_format({"num_format": "dd-mm-yyyy"})
    for name, grid in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                _put(ws, r, c, value, date_format)
        for fr, fc, lr, lc in (merges or {}).get(name, []):
            ws.merge_range(fr, fc, lr, lc, grid[fr][fc] or "")
    wb.close()
    return path


def form_sheet(voters: list[dict], *, kecamatan: str = "KESU", desa: str = "PANTANAKAN LOLO",
               tps: str = "001", date_cells: bool = False, numeric_nik: dict[int, float] | None = None,
               numeric_nkk: dict[int, float] | None = None, signature_col: int = 9) -> tuple[list[list], list[tuple]]:
    """A generated-style form sheet: title rows 1-6, blank row 7, two-row header 8-9, data from
    row 10, a blank row, JUMLAH, a blank row, then the signature block in column J (RT).
    Returns (grid, merges). numeric_nik/nkk: data index -> number written in the NIK/NKK cell."""
    grid: list[list] = [["DAFTAR PEMILIH TETAP (DPT) PEMILIHAN UMUM TAHUN 2024"],
                        ["PROVINSI : SULAWESI SELATAN"], ["KABUPATEN : TORAJA UTARA"],
                        [f"KECAMATAN : {kecamatan}"], [f"DESA/KELURAHAN : {desa}"], [f"TPS : {tps}"], []]
    grid.append([h or "" for h in FORM_HEADER])
    sub = [""] * len(FORM_HEADER)
    sub[4], sub[5] = "TEMPAT LAHIR", "TANGGAL LAHIR"
    grid.append(sub)
    for i, v in enumerate(voters):
        born = v["TANGGAL LAHIR"]
        if date_cells:
            try:
                born = datetime.strptime(born, "%d-%m-%Y")
            except ValueError:
                pass  # an impossible date stays text, as in the generated files
        nik = (numeric_nik or {}).get(i, v["NIK"])
        nkk = (numeric_nkk or {}).get(i, v["NKK"])
        grid.append([float(v["NO"]), nkk, nik, v["NAMA"], v["TEMPAT LAHIR"], born,
                     v["STATUS PERKAWINAN"], v["JENIS KELAMIN"], v["ALAMAT"], v["RT"], v["RW"],
                     v["DISABILITAS"], v["KTP-EL"], v["KETERANGAN"]])
    men = sum(v["JENIS KELAMIN"] == "L" for v in voters)
    grid += [[], [f"JUMLAH : L = {men}, P = {len(voters) - men}, TOTAL = {len(voters)}"], []]
    pad = [""] * signature_col
    grid += [pad + ["Rantepao, 21-06-2023"], pad + ["KETUA PPS"], [], [], pad + ["YOHANES PALIMBONG"]]
    merges = [(7, 4, 7, 5)] + [(7, c, 8, c) for c, h in enumerate(FORM_HEADER) if h and c != 4]
    return grid, merges


def form_workbook(path: Path, by_tps: dict[str, list[dict]], **kw) -> Path:
    """One workbook, one form sheet per TPS (`TPS 001`)."""
    sheets, merges = {}, {}
    for tps, voters in by_tps.items():
        grid, ranges = form_sheet(voters, tps=tps, **kw)
        sheets[f"TPS {tps}"], merges[f"TPS {tps}"] = grid, ranges
    return write_xlsx(path, sheets, merges)


def responses_workbook(path, rows: list[dict], header: list[str]):
    """A public-responses sheet (`Tanggapan`) with these columns, one row per dict (missing
    columns left empty), every value a string cell."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Tanggapan")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [row.get(h, "") for h in header])
    book.close()
    return path


def build_handback(ws, out_dir, *, period: str, agreement: str, on, actor: str, reason: str,
                   agency: str = "DPML", eligible_on=None):
    """The hand-back step (cycle/handback.py) with the arguments the tests name."""
    from pemilih.cycle import handback
    from pemilih.cycle.common import Who
    return handback.run(ws, handback.HandbackRequest(str(out_dir), period, agreement, Who(actor, agency, reason),
                                                     on=on, eligible_on=eligible_on))


def apply_package(ws, path, *, actor: str, reason: str, agency: str = "KPU", register: bool = True):
    """The apply step (cycle/apply.py) with the arguments the tests name; `register`: first
    register the package's signing key for DPML, as KPU does once when it receives it."""
    from pemilih.cycle import apply
    from pemilih.cycle.common import Who
    if register:
        register_signer(ws, path)
    return apply.run(ws, apply.ApplyRequest(str(path), Who(actor, agency, reason)))


def register_signer(ws, path, agency: str = "DPML"):
    """Register the key a package names as its signer (the tests' stand-in for KPU receiving
    DPML's public key by hand)."""
    import json
    import zipfile

    from pemilih.cycle import keys
    from pemilih.cycle.common import Who
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    return keys.register(ws, keys.RegisterRequest(agency, manifest["signer"]["public_key"], Who(
        "uji: operator KPU", "KPU", "Kunci publik DPML diterima")))


def share_list(ws, out_dir, *, agreement: str, on, actor: str, reason: str, agency: str = "DPML",
               regime: str | None = None, villages=None, processes: int = 2, election: str | None = None):
    """The share step (cycle/share.py) with the arguments the tests name."""
    from pemilih.cycle import share
    from pemilih.cycle.common import Who
    return share.run(ws, share.ShareRequest(str(out_dir), agreement, Who(actor, agency, reason), on=on,
                                            regime=regime, villages=tuple(villages or ()), processes=processes,
                                            **({"election": election} if election else {})))


def collect_books(ws, paths, *, actor: str, reason: str, agency: str = "PANITIA", village: str | None = None,
                  processes: int = 2):
    """The collect step (cycle/collect.py) with the arguments the tests name."""
    from pemilih.cycle import collect
    from pemilih.cycle.common import Who
    return collect.run(ws, collect.CollectRequest(tuple(str(p) for p in paths), Who(actor, agency, reason),
                                                  village, processes))


def set_election_list(ws, e, stage: str, *, actor: str, reason: str, agency: str = "PANITIA",
                      schedule_reason: str | None = None):
    """The election step's list setting (cycle/election.py), nothing printed; `schedule_reason`
    for a list set outside its scheduled period (a test that runs the stages in one day)."""
    from pemilih.cycle import election
    from pemilih.cycle.common import Who
    extra = {"schedule_reason": schedule_reason} if schedule_reason else {}
    return election.set_list(ws, election.SetListRequest(e.code, stage, None, Who(actor, agency, reason), **extra))


def open_signed(path):
    """(manifest, every file's bytes) of a package, all checks of io/package.open_package done
    with the key the package names trusted (the tests' stand-in for a registered key)."""
    import json
    import zipfile

    from pemilih.contract import PACKAGE_DATA_FILES, PACKAGE_MINUTES
    from pemilih.io import package, signing
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    public = signing.public_key_from(manifest["signer"]["public_key"])
    opened = package.open_package(path, {signing.fingerprint(public): public},
                                  keep=(*PACKAGE_DATA_FILES, PACKAGE_MINUTES))
    return opened.manifest, opened.files
