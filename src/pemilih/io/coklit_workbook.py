"""Field-validation (coklit) workbooks: written for a village committee, read back when returned.

One workbook per village. Sheets, in order:

* PETUNJUK: instructions in Bahasa Indonesia, the status codes of the regime with their labels;
* one sheet per TPS (`TPS 001`): title rows, the header on row 4, one voter per row from row 5.
  Columns A-N (grey, locked) hold the voter key (KUNCI), NO and the data as shared; O-Z are
  for the committee: STATUS (a TMS code or U; blank = data correct), `<FIELD> BARU`
  corrections, KETERANGAN (evidence);
* PEMILIH BARU: voters the committee finds, one per row from row 5, every column text;
* VERSI_DASAR (very hidden): the base version the workbook was cut from (the cut id that
  names its LIST_SHARED event, village, regime, base event, agreement, date).

What a committee may not change is checked without keeping a copy: each TPS row has a digest
(`row_digest`) of its locked cells, recorded in the LIST_SHARED event; collect recomputes it.
The digest is 8 hex digits of a strong hash over the row plus one hex digit per locked cell,
so an edit is caught (1 in 4 billion misses) and the edited cell can be named.

Written with xlsxwriter in constant_memory mode, data rows as pre-rendered XML through the
generator's FormSheet (generate/xlsx_stream.py). Locked cells carry a grey locked style;
editable columns are empty cells that take their column's unlocked text style. Reading uses
python-calamine. No Django here: both directions run in worker processes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

import xlsxwriter

from pemilih.domain import codes as code_tables
from pemilih.domain.nik import nik_problems
from pemilih.generate.xlsx_stream import FormSheet
from pemilih.io.xlsx_text import column_letter, inline_string

FORMAT = "pemilih-coklit/1"
GUIDE, NEW_SHEET, BASE_SHEET = "PETUNJUK", "PEMILIH BARU", "VERSI_DASAR"
HEADER_ROW, FIRST_ROW = 3, 4  # 0-based: header on spreadsheet row 4, data from row 5
NEW_ROWS = 1000  # rows of PEMILIH BARU prepared with drop-downs and text format

# Locked columns after KUNCI (A): NO and the data as shared, B-N.
LOCKED = ["no", "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
          "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el"]
CORRECTABLE = ["nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin", "alamat",
               "rt", "rw", "disabilitas", "ktp_el"]
NEW_COLUMNS = ["nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
               "status_kawin", "alamat", "rt", "rw", "disabilitas", "ktp_el", "tps", "keterangan"]
HEADER = {"key": "KUNCI", "no": "NO", "nkk": "NKK", "nik": "NIK", "nama": "NAMA",
          "tempat_lahir": "TEMPAT LAHIR", "tanggal_lahir": "TANGGAL LAHIR",
          "jenis_kelamin": "JENIS KELAMIN", "status_kawin": "STATUS KAWIN", "alamat": "ALAMAT",
          "rt": "RT", "rw": "RW", "disabilitas": "DISABILITAS", "ktp_el": "KTP-EL", "tps": "TPS",
          "keterangan": "KETERANGAN", "status": "STATUS"}
TPS_HEADERS = ([HEADER["key"]] + [HEADER[c] for c in LOCKED] + ["STATUS"]
               + [HEADER[c] + " BARU" for c in CORRECTABLE] + ["KETERANGAN"])
NEW_HEADERS = [HEADER[c] for c in NEW_COLUMNS]
STATUS_COL = 1 + len(LOCKED)  # O
NOTE_COL = STATUS_COL + 1 + len(CORRECTABLE)  # Z
CHOICES = {"jenis_kelamin": ["L", "P"], "status_kawin": ["B", "S", "P"], "ktp_el": ["S", "B"]}
WIDTHS = {"key": 18, "no": 5, "nkk": 19, "nik": 19, "nama": 28, "tempat_lahir": 16,
          "tanggal_lahir": 13, "alamat": 24, "keterangan": 30, "status": 9}
_GREY, _EDIT = "#D9D9D9", "#FFF2CC"
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TPS_SHEET = re.compile(r"TPS \S.*")
_HEX = "0123456789abcdef"
_FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def cell_name(row: int, col: int) -> str:
    """`F12` for 0-based (row, col)."""
    return f"{column_letter(col)}{row + 1}"


# --- values as cells --------------------------------------------------------------------------

def shown(column: str, value) -> str:
    """The text a locked cell shows for a list value: dates DD-MM-YYYY, nothing as ''.

    A value the importer could not normalise is shown as it was written."""
    if value is None:
        return ""
    text = str(value)
    if column == "tanggal_lahir" and (m := _ISO.fullmatch(text)):
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    return text


def cell_text(value) -> str:
    """A cell read back, as text: the same text for a text cell, whole numbers without `.0`.
    A date cell in a locked column reads as its ISO date, so it never equals the shown text."""
    if value is None or value == "":
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def strong_digest(key: str, joined: str) -> str:
    """8 hex digits over the key and the locked cells joined by \\x1f."""
    return hashlib.blake2b(f"{key}\x1f{joined}".encode("utf-8"), digest_size=4).hexdigest()


def row_digest(key: str, cells: list[str], joined: str | None = None) -> str:
    """strong_digest, then one hex digit per cell (names an edited cell)."""
    joined = "\x1f".join(cells) if joined is None else joined
    parts = joined.encode("utf-8").split(b"\x1f")  # one encode per row, not per cell
    if len(parts) != len(cells):  # a cell holding the separator itself
        parts = [c.encode("utf-8") for c in cells]
    return strong_digest(key, joined) + "".join([_HEX[zlib.crc32(b) & 15] for b in parts])


def edited_cells(key: str, joined: str, expected: str) -> list[int]:
    """Indexes (into LOCKED) of the locked cells of a row that differ from the digest shared;
    all of them when only the strong part says so (a 1-in-16 chance per edited cell)."""
    digest = row_digest(key, joined.split("\x1f"))
    if digest == expected:
        return []
    cells = [i for i, (a, b) in enumerate(zip(digest[8:], expected[8:])) if a != b]
    return cells or list(range(len(LOCKED)))


# --- what a workbook holds --------------------------------------------------------------------

@dataclass
class BaseVersion:
    """The hidden VERSI_DASAR sheet: what the workbook was cut from."""

    cut: str  # random id, also in the LIST_SHARED event's payload (the event comes later)
    kode_desa: str
    desa: str
    kecamatan: str
    regime: str
    base_seq: int  # the latest event when the list was cut
    agreement: str
    shared_on: str  # DD-MM-YYYY
    file: str
    format: str = FORMAT

    LABELS = {"format": "FORMAT", "cut": "POTONGAN", "kode_desa": "KODE DESA", "desa": "DESA",
              "kecamatan": "KECAMATAN", "regime": "REZIM", "base_seq": "PERISTIWA DASAR",
              "agreement": "PERJANJIAN", "shared_on": "TANGGAL", "file": "BERKAS"}

    def items(self) -> list[tuple[str, str]]:
        return [(label, str(getattr(self, name))) for name, label in self.LABELS.items()]


@dataclass
class TpsSheet:
    name: str  # "TPS 001"
    # (key, locked cell texts B-N, committee cells O-Z or None[, anything]); texts as shown.
    rows: list[tuple[str, list[str], list[str] | None]]


@dataclass
class WorkbookJob:
    path: str
    base: BaseVersion
    sheets: list[TpsSheet]
    new_voters: list[list[str]] = field(default_factory=list)  # NEW_COLUMNS texts (fill_workbook)


def sheet_name(tps: str | None) -> str:
    """`TPS 001` for TPS 1; a value that is no TPS number stays as written (max 31 chars)."""
    text = (tps or "").strip()
    if text.isdigit():
        return f"TPS {int(text):03d}"
    text = re.sub(r"[\[\]:*?/\\']", "", text)[:27]
    return f"TPS {text or 'TANPA NOMOR'}"


def status_codes(regime: str) -> list[tuple[str, str]]:
    """(code, label) a TPS row's STATUS may hold: the regime's TMS codes and U."""
    table = code_tables.code_table(regime)
    return [(c.code, c.label) for c in table.values() if c.kind in ("tms", "ubah")]


# --- writing ----------------------------------------------------------------------------------

def write_workbook(job: WorkbookJob, fast: bool | None = None) -> tuple[str, dict[str, list[str]]]:
    """Write the workbook; returns (sha256 of the file, digests per TPS sheet in row order)."""
    fast = FormSheet.supported() if fast is None else fast
    options = {"constant_memory": True}
    if _FAST_TMP:
        options["tmpdir"] = _FAST_TMP
    wb = xlsxwriter.Workbook(job.path, options)
    wb.set_properties({"title": f"Lembar kerja coklit {job.base.desa}", "author": "pemilih"})
    styles = _styles(wb)
    codes = status_codes(job.base.regime)
    _guide(wb, job, codes, styles)
    digests = {}
    for sheet in job.sheets:
        digests[sheet.name] = _tps_sheet(wb, job, sheet, codes, styles, fast)
    _new_sheet(wb, job, styles)
    _base_sheet(wb, job.base, styles)
    wb.close()
    return hashlib.sha256(Path(job.path).read_bytes()).hexdigest(), digests


def _styles(wb) -> dict:
    border = {"border": 1, "border_color": "#A6A6A6"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "head": wb.add_format({"bold": True, "bg_color": _GREY, "text_wrap": True, "valign": "vcenter",
                               "align": "center", **border}),
        "head_edit": wb.add_format({"bold": True, "bg_color": _EDIT, "text_wrap": True,
                                    "valign": "vcenter", "align": "center", **border}),
        "locked": wb.add_format({"bg_color": _GREY, "num_format": "@", **border}),
        "edit": wb.add_format({"locked": False, "num_format": "@", **border}),
    }


def _protect(ws) -> None:
    # No password: protection guards against slips, collect checks every locked cell anyway.
    ws.protect("", {"format_columns": True, "format_rows": True})


def _tps_sheet(wb, job: WorkbookJob, sheet: TpsSheet, codes, styles, fast: bool) -> list[str]:
    ws = wb.add_worksheet(sheet.name, worksheet_class=FormSheet if fast else None)
    names = ["key", *LOCKED, "status", *CORRECTABLE, "keterangan"]
    for col, name in enumerate(names):
        style = styles["locked"] if col < STATUS_COL else styles["edit"]
        ws.set_column(col, col, WIDTHS.get(name, 10 if col < STATUS_COL else 12), style)
    base = job.base
    ws.write_string(0, 0, f"LEMBAR KERJA COKLIT {sheet.name} - DESA/KELURAHAN {base.desa} "
                          f"({base.kode_desa}), KECAMATAN {base.kecamatan}", styles["title"])
    ws.write_string(1, 0, "Kolom abu-abu terkunci, jangan diubah. Isi kolom kuning: STATUS, kolom BARU, "
                          "KETERANGAN. Baca lembar PETUNJUK.")
    for col, text in enumerate(TPS_HEADERS):
        ws.write_string(HEADER_ROW, col, text, styles["head"] if col < STATUS_COL else styles["head_edit"])
    ws.set_row(HEADER_ROW, 30)
    joined = ["\x1f".join(row[1]) for row in sheet.rows]
    digests = [row_digest(row[0], row[1], j) for row, j in zip(sheet.rows, joined)]
    if fast:
        locked, edit = styles["locked"]._get_xf_index(), styles["edit"]._get_xf_index()
        ws.stream_rows(FIRST_ROW, [_row_xml(FIRST_ROW + i, r, j, locked, edit)
                                   for i, (r, j) in enumerate(zip(sheet.rows, joined))], NOTE_COL)
    else:
        _rows_plain(ws, sheet.rows, styles)
    last = FIRST_ROW + max(len(sheet.rows), 1) - 1
    _validations(ws, last, codes)
    ws.freeze_panes(FIRST_ROW, 2)
    _protect(ws)
    return digests


_LETTERS = [column_letter(c) for c in range(NOTE_COL + 1)]
_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_|^\s|\s$")
# The same over a row's cells joined by \x1f: one search per row instead of one per cell.
_ROW_CARE = re.compile(r"[&<>\x00-\x08\x0b-\x1e]|_x[0-9A-Fa-f]{4}_|(?:^|\x1f)[^\S\x1c-\x1f]"
                       r"|[^\S\x1c-\x1f](?:\x1f|$)")
_END = "</c>"


def _t(text: str) -> str:
    """<is> of an inline string; the generator's inline_string handles the careful case."""
    if _CARE.search(text) is None:
        return f"<is><t>{text}</t></is>"
    cell = inline_string("A1", text)
    return cell[cell.index("<is>"):-len(_END)]


def _row_xml(r: int, row, joined: str, locked: int, edit: int) -> str:
    """One TPS row as worksheet XML: locked cells in the grey locked style, NO as a number,
    identifiers and everything else as inline text (never numbers). The hot path of share:
    a row whose text needs no escaping (nearly all) is one f-string per cell."""
    key, cells, edits = row[0], row[1], row[2]  # share may add more behind: not written
    n = r + 1
    lock = f'" s="{locked}" t="inlineStr">'
    no = cells[0]
    plain = _ROW_CARE.search(f"{key}\x1f{joined}") is None and joined.count("\x1f") == len(cells) - 1
    if plain:
        head = f'<c r="A{n}{lock}<is><t>{key}</t></is>{_END}'
        body = "".join([f'<c r="{letter}{n}{lock}<is><t>{text}</t></is>{_END}'
                        for letter, text in zip(_LETTERS[2:STATUS_COL], cells[1:]) if text])
    else:
        head = f'<c r="A{n}{lock}{_t(key)}{_END}'
        body = "".join([f'<c r="{letter}{n}{lock}{_t(text)}{_END}'
                        for letter, text in zip(_LETTERS[2:STATUS_COL], cells[1:]) if text])
    if no.isdigit():
        head += f'<c r="B{n}" s="{locked}"><v>{no}</v></c>'
    elif no:
        head += f'<c r="B{n}{lock}{_t(no)}{_END}'
    if not edits:
        return head + body
    free = f'" s="{edit}" t="inlineStr">'
    return head + body + "".join([f'<c r="{letter}{n}{free}{_t(text)}{_END}'
                                  for letter, text in zip(_LETTERS[STATUS_COL:], edits) if text])


def _rows_plain(ws, rows, styles) -> None:
    """The same cells through xlsxwriter's public API (fallback, and reference in tests)."""
    for i, (key, cells, edits, *_) in enumerate(rows):
        r = FIRST_ROW + i
        ws.write_string(r, 0, key, styles["locked"])
        if cells[0].isdigit():
            ws.write_number(r, 1, int(cells[0]), styles["locked"])
        else:
            ws.write_string(r, 1, cells[0], styles["locked"])
        for col, text in enumerate(cells[1:], start=2):
            if text:
                ws.write_string(r, col, text, styles["locked"])
        for col, text in enumerate(edits or [], start=STATUS_COL):
            if text:
                ws.write_string(r, col, text, styles["edit"])


def _validations(ws, last: int, codes) -> None:
    ws.data_validation(FIRST_ROW, STATUS_COL, last, STATUS_COL, {
        "validate": "list", "source": [c for c, _ in codes],
        "input_title": "STATUS", "input_message": "Kosong = data benar. Kode TMS = tidak memenuhi "
                                                  "syarat, U = ada koreksi di kolom BARU.",
        "error_title": "Kode tidak dikenal", "error_message": "Pilih kode dari daftar (lihat PETUNJUK)."})
    for name, values in CHOICES.items():
        col = STATUS_COL + 1 + CORRECTABLE.index(name)
        _choice(ws, FIRST_ROW, col, last, HEADER[name] + " BARU", values)
    col = STATUS_COL + 1 + CORRECTABLE.index("tanggal_lahir")
    ws.data_validation(FIRST_ROW, col, last, col, {
        "validate": "any", "input_title": "TANGGAL LAHIR BARU", "input_message": "Tulis DD-MM-YYYY, "
                                                                               "misalnya 05-07-1989."})


def _choice(ws, first: int, col: int, last: int, title: str, values: list[str]) -> None:
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": values, "input_title": title,
        "input_message": "Pilih: " + "/".join(values), "error_title": "Nilai tidak dikenal",
        "error_message": "Pilih salah satu: " + "/".join(values)})


def _new_sheet(wb, job: WorkbookJob, styles) -> None:
    ws = wb.add_worksheet(NEW_SHEET)
    for col, name in enumerate(NEW_COLUMNS):
        ws.set_column(col, col, WIDTHS.get(name, 12), styles["edit"])
    ws.write_string(0, 0, f"PEMILIH BARU - DESA/KELURAHAN {job.base.desa} ({job.base.kode_desa})",
                    styles["title"])
    ws.write_string(1, 0, "Satu pemilih per baris mulai baris 5. NIK dan NKK 16 digit (kolom berformat teks); "
                          "tanggal DD-MM-YYYY. Kosongkan JENIS KELAMIN untuk mengikuti NIK.")
    for col, text in enumerate(NEW_HEADERS):
        ws.write_string(HEADER_ROW, col, text, styles["head_edit"])
    for i, values in enumerate(job.new_voters):
        for col, text in enumerate(values):
            if text:
                ws.write_string(FIRST_ROW + i, col, text, styles["edit"])
    last = FIRST_ROW + NEW_ROWS - 1
    for name, values in CHOICES.items():
        _choice(ws, FIRST_ROW, NEW_COLUMNS.index(name), last, HEADER[name], values)
    ws.freeze_panes(FIRST_ROW, 0)
    _protect(ws)


def _base_sheet(wb, base: BaseVersion, styles) -> None:
    ws = wb.add_worksheet(BASE_SHEET)
    for r, (label, value) in enumerate(base.items()):
        ws.write_string(r, 0, label)
        ws.write_string(r, 1, value)
    ws.very_hidden()
    _protect(ws)


def _guide(wb, job: WorkbookJob, codes, styles) -> None:
    ws = wb.add_worksheet(GUIDE)
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 90, styles["wrap"])
    b = job.base
    lines = [
        (f"PETUNJUK LEMBAR KERJA COKLIT - DESA/KELURAHAN {b.desa}", None),
        (f"Kode desa {b.kode_desa}, Kecamatan {b.kecamatan}. Dibagikan {b.shared_on} berdasarkan "
         f"perjanjian berbagi data nomor {b.agreement}. Data pribadi: simpan dan gunakan hanya untuk "
         "pencocokan dan penelitian (coklit); jangan disebarkan.", None),
        ("", None),
        ("CARA MENGISI", "title"),
        ("1. Lembar TPS", "Satu lembar per TPS, satu baris per pemilih. Kolom abu-abu (KUNCI sampai KTP-EL) "
                          "adalah data saat dibagikan: terkunci, jangan diubah, jangan menambah atau "
                          "menghapus baris. Lembar terkunci tanpa kata sandi; jangan membuka kuncinya."),
        ("2. STATUS", "Kosongkan bila data pemilih benar. Pilih kode TMS bila pemilih tidak memenuhi "
                      "syarat (lihat daftar kode di bawah) dan tulis buktinya di KETERANGAN. Pilih U bila "
                      "ada data yang harus dikoreksi."),
        ("3. Kolom BARU", "Untuk STATUS U: tulis nilai yang benar hanya di kolom yang berubah (NAMA BARU, "
                          "TEMPAT LAHIR BARU, TANGGAL LAHIR BARU, dst.). Kolom yang tidak berubah dibiarkan "
                          "kosong. Pemilih dengan kode TMS tidak diberi koreksi."),
        ("4. KETERANGAN", "Bukti atau catatan: dokumen yang dilihat (KTP-el, KK, akta kematian, surat "
                          "keterangan desa), tanggal kunjungan."),
        ("5. PEMILIH BARU", "Penduduk yang memenuhi syarat tetapi belum terdaftar: satu baris per orang di "
                            "lembar PEMILIH BARU. NIK, NAMA dan TANGGAL LAHIR wajib. Jangan menulis pemilih "
                            "baru di lembar TPS."),
        ("6. Mengembalikan", "Simpan sebagai .xlsx (jangan mengganti nama lembar) dan kirim kembali kepada "
                             "DPML. Berkas diperiksa utuh: bila ada sel terkunci yang berubah atau isian yang "
                             "salah, seluruh berkas ditolak dengan daftar sel yang harus diperbaiki."),
        ("", None),
        ("ISI KOLOM", "title"),
        ("TANGGAL LAHIR (BARU)", "DD-MM-YYYY, misalnya 05-07-1989."),
        ("JENIS KELAMIN (BARU)", "L = laki-laki, P = perempuan."),
        ("STATUS KAWIN (BARU)", "B = belum kawin, S = sudah kawin, P = pernah kawin."),
        ("RT / RW (BARU)", "Angka, misalnya 3 atau 003."),
        ("DISABILITAS (BARU)", "0 = tidak ada, 1 fisik, 2 intelektual, 3 mental, 4 sensorik wicara, "
                               "5 sensorik rungu, 6 sensorik netra; beberapa dipisah koma (1,6)."),
        ("KTP-EL (BARU)", "S = sudah memiliki KTP-el, B = belum."),
        ("NIK / NKK", "16 digit, diketik sebagai teks (kolom sudah berformat teks). Jangan ditempel "
                      "sebagai angka: Excel menghilangkan digit terakhir."),
        ("", None),
        (f"KODE STATUS ({b.regime})", "title"),
        *[(code, label) for code, label in codes],
        ("", None),
        ("Kode lembar kerja", b.cut),
    ]
    for r, (first, second) in enumerate(lines):
        if second == "title" or (second is None and r == 0):
            ws.write_string(r, 0, first, styles["title"])
        elif second is None:
            ws.write_string(r, 0, first)
        else:
            ws.write_string(r, 0, first, styles["bold"])
            ws.write_string(r, 1, second, styles["wrap"])
    _protect(ws)


# --- reading ----------------------------------------------------------------------------------

@dataclass
class Problem:
    """A cell that makes the workbook unacceptable: sheet, cell (`F12`), column, reason."""

    sheet: str
    cell: str
    column: str
    reason: str


@dataclass
class RowRead:
    """A TPS row the committee filled in (STATUS, a correction or KETERANGAN)."""

    row: int  # spreadsheet row number
    key: str
    status: str | None = None  # normalised code, None = data correct
    corrections: dict[str, str | None] = field(default_factory=dict)  # column -> value as stored
    note: str = ""
    cells: list[str] = field(default_factory=list)  # locked texts as they stand (the cut's values)


@dataclass
class SheetRead:
    """A TPS sheet's rows as parallel lists (cheap to send from a worker process)."""

    rows: list[int] = field(default_factory=list)  # spreadsheet row numbers
    keys: list[str] = field(default_factory=list)
    strong: list[str] = field(default_factory=list)  # strong_digest of each row
    locked: list[str] = field(default_factory=list)  # locked texts joined by \x1f
    edits: list[RowRead] = field(default_factory=list)


@dataclass
class NewVoter:
    row: int
    values: dict[str, str | None]  # NEW_COLUMNS as stored (ISO date, 3-digit RT/RW/TPS)
    note: str = ""


@dataclass
class BookRead:
    """Everything collect needs from one returned workbook, checked for values but not yet
    against the cut (that needs the workspace)."""

    name: str
    path: str
    sha256: str = ""
    unreadable: str | None = None
    base: BaseVersion | None = None
    sheets: dict[str, SheetRead] = field(default_factory=dict)
    headers_ok: dict[str, bool] = field(default_factory=dict)
    new_voters: list[NewVoter] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    extra_sheets: list[str] = field(default_factory=list)  # unknown sheets with content


def read_workbook(path: str) -> BookRead:
    """Read a returned workbook (in a worker process: no Django, no Polars use)."""
    from python_calamine import CalamineWorkbook

    book = BookRead(os.path.basename(path), str(path))
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        book.unreadable = f"berkas tidak dapat dibuka: {exc.strerror}"
        return book
    book.sha256 = hashlib.sha256(content).hexdigest()
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
        grids = {m.name: wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
                 for m in wb.sheets_metadata if "WorkSheet" in str(m.typ)}
    except Exception:  # calamine raises several types for broken zips and XML
        book.unreadable = "berkas rusak atau bukan lembar kerja xlsx yang dapat dibaca"
        return book
    book.base = _read_base(grids.get(BASE_SHEET))
    if book.base is None:
        return book
    for name, grid in grids.items():
        if name in (GUIDE, BASE_SHEET):
            continue
        if name == NEW_SHEET:
            _read_new(book, grid)
        elif _TPS_SHEET.fullmatch(name):
            _read_tps(book, name, grid)
        elif any(cell_text(v).strip() for row in grid for v in row):
            book.extra_sheets.append(name)
    return book


def _read_base(grid) -> BaseVersion | None:
    if not grid:
        return None
    values = {cell_text(r[0]).strip(): cell_text(r[1]).strip() for r in grid if len(r) >= 2}
    fields = {name: values.get(label) for name, label in BaseVersion.LABELS.items()}
    if fields["format"] != FORMAT or not fields["cut"] or not (fields["base_seq"] or "").isdigit():
        return None
    fields["base_seq"] = int(fields["base_seq"])
    return BaseVersion(**{k: v or "" for k, v in fields.items()})


def _padded(row: list, width: int) -> list[str]:
    cells = [cell_text(v) for v in row[:width]]
    return cells + [""] * (width - len(cells))


def _read_tps(book: BookRead, sheet: str, grid: list[list]) -> None:
    width = len(TPS_HEADERS)
    header = _padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[sheet] = [h.strip() for h in header] == TPS_HEADERS
    if not book.headers_ok[sheet]:
        return
    out = SheetRead()
    blank_edits = [""] * (width - STATUS_COL)
    for r in range(FIRST_ROW, len(grid)):
        raw = grid[r]
        if raw.count("") == len(raw):
            continue
        # The hot loop (190,000 rows a regency): NO is the one number cell; a join of the rest
        # succeeds when every cell is text (nearly always), else each cell is converted.
        cells = raw[:STATUS_COL]
        if len(cells) < STATUS_COL:
            cells += [""] * (STATUS_COL - len(cells))
        if cells[1].__class__ is float and cells[1].is_integer():
            cells[1] = str(int(cells[1]))
        try:
            joined = "\x1f".join(cells[1:])
            if cells[0].__class__ is not str:
                raise TypeError
        except TypeError:
            cells = [cell_text(v) for v in cells]
            joined = "\x1f".join(cells[1:])
        out.rows.append(r + 1)
        out.keys.append(cells[0])
        out.strong.append(strong_digest(cells[0], joined))
        out.locked.append(joined)
        edits = raw[STATUS_COL:width]
        if edits != blank_edits[:len(edits)]:
            item = RowRead(r + 1, cells[0], cells=cells[1:])
            _read_edits(book, sheet, r, item, _padded(edits, len(blank_edits)), raw)
            out.edits.append(item)
        if len(raw) > width and _beyond(raw, width):
            book.problems.append(Problem(sheet, cell_name(r, width), "-", "isian di luar kolom lembar kerja; "
                                         "hapus atau pindahkan ke KETERANGAN"))
    book.sheets[sheet] = out


def _beyond(row: list, width: int) -> bool:
    return any(cell_text(v).strip() for v in row[width:])


def _read_edits(book: BookRead, sheet: str, r: int, item: RowRead, edits: list[str], raw: list) -> None:
    status = _status(edits[0])
    item.note = edits[-1].strip()
    problem = _problems_of(book, sheet, r)
    if status is not None:
        allowed = {c for c, _ in status_codes(book.base.regime)}
        if status == "B":
            problem(STATUS_COL, "STATUS", "B (pemilih baru) tidak dipakai di lembar TPS; tulis pemilih baru "
                                          "di lembar PEMILIH BARU")
        elif status not in allowed:
            problem(STATUS_COL, "STATUS", f"kode '{edits[0].strip()}' tidak dikenal untuk rezim {book.base.regime}; "
                                          "pilih: " + ", ".join(sorted(allowed)))
    for i, column in enumerate(CORRECTABLE):
        col = STATUS_COL + 1 + i
        raw_value = raw[col] if col < len(raw) else None
        if not edits[1 + i].strip() and not isinstance(raw_value, (date, datetime)):
            continue
        value, reason = judge(column, raw_value)
        if reason:
            problem(col, HEADER[column] + " BARU", reason)
        else:
            item.corrections[column] = value
    if status and status.startswith("TMS") and item.corrections:
        problem(STATUS_COL, "STATUS", f"status {status} (tidak memenuhi syarat) tidak boleh disertai koreksi "
                                      "di kolom BARU; pilih U untuk koreksi, atau kosongkan kolom BARU")
    elif status == "U" and not item.corrections and not any(e.strip() for e in edits[1:-1]):
        problem(STATUS_COL, "STATUS", "status U tanpa koreksi: isi kolom BARU yang berubah")
    elif status is None and item.corrections:
        status = "U"  # corrections say it: the STATUS left blank is taken as U
    item.status = status


def _problems_of(book: BookRead, sheet: str, r: int):
    def add(col: int, column: str, reason: str) -> None:
        book.problems.append(Problem(sheet, cell_name(r, col), column, reason))
    return add


def _status(text: str) -> str | None:
    value = re.sub(r"\s+", " ", text.strip().upper())
    if not value:
        return None
    return re.sub(r"^TMS\s*[-_ ]?\s*", "TMS-", value)


# --- judging values the committee typed --------------------------------------------------------

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


def _read_new(book: BookRead, grid: list[list]) -> None:
    width = len(NEW_HEADERS)
    header = _padded(grid[HEADER_ROW], width) if len(grid) > HEADER_ROW else []
    book.headers_ok[NEW_SHEET] = [h.strip() for h in header] == NEW_HEADERS
    if not book.headers_ok[NEW_SHEET]:
        return
    seen: dict[str, str] = {}
    for r in range(FIRST_ROW, len(grid)):
        raw = list(grid[r][:width]) + [""] * (width - len(grid[r][:width]))
        if not any(cell_text(v).strip() for v in raw):
            continue
        problem = _problems_of(book, NEW_SHEET, r)
        values: dict[str, str | None] = {}
        for col, column in enumerate(NEW_COLUMNS):
            value, reason = _new_value(column, raw[col])
            if reason:
                problem(col, HEADER[column], reason)
            values[column] = value
        nik = values.get("nik")
        if nik and nik in seen:
            problem(NEW_COLUMNS.index("nik"), "NIK", f"NIK yang sama sudah ditulis di sel {seen[nik]}")
        elif nik:
            seen[nik] = cell_name(r, NEW_COLUMNS.index("nik"))
        if nik and not values.get("jenis_kelamin"):
            values["jenis_kelamin"] = "P" if int(nik[6:8]) > 40 else "L"  # as the NIK says
        if _beyond(grid[r], width):
            problem(width, "-", "isian di luar kolom lembar kerja")
        note = values.pop("keterangan") or ""
        book.new_voters.append(NewVoter(r + 1, values, note))


REQUIRED_NEW = ("nik", "nama", "tanggal_lahir")


def _new_value(column: str, raw) -> tuple[str | None, str | None]:
    empty = not cell_text(raw).strip() and not isinstance(raw, (date, datetime))
    if empty:
        return None, (f"{HEADER[column]} wajib diisi" if column in REQUIRED_NEW else None)
    return judge(column, raw)


# --- reading many, in worker processes ---------------------------------------------------------

def read_many(paths, processes: int = 2):
    """read_workbook over paths, in order, read ahead by `processes` forked workers."""
    import multiprocessing as mp

    paths = [str(p) for p in paths]
    if processes <= 1 or len(paths) < 2 or "fork" not in mp.get_all_start_methods():
        yield from map(read_workbook, paths)
        return
    with mp.get_context("fork").Pool(min(processes, len(paths))) as pool:
        yield from pool.imap(read_workbook, paths)


# --- playing the committee (tests, demo) --------------------------------------------------------

def fill_workbook(path, out_path, *, statuses: dict | None = None, corrections: dict | None = None,
                  new_voters: list[dict] | None = None, notes: dict | None = None) -> str:
    """Write `out_path`: the workbook at `path` with a committee's entries added.

    statuses {key: code}, corrections {key: {column: value}} (column as `nama` or `NAMA`),
    notes {key: text}, new_voters [{column: value}] for PEMILIH BARU. Values go in as typed
    text, unchecked (so tests can type wrong ones). Locked cells and the base version are
    written back as read. Returns the new file's sha256."""
    job = _job_from(Path(path))
    job.path = str(out_path)
    keys = {key for sheet in job.sheets for key, _, _ in sheet.rows}
    unknown = (set(statuses or {}) | set(corrections or {}) | set(notes or {})) - keys
    if unknown:
        raise KeyError("kunci tidak ada di lembar kerja: " + ", ".join(sorted(unknown)))
    for sheet in job.sheets:
        sheet.rows = [_filled(row, statuses or {}, corrections or {}, notes or {}) for row in sheet.rows]
    for voter in new_voters or []:
        given = {_column_of(k): "" if v is None else str(v) for k, v in voter.items()}
        job.new_voters.append([given.get(c, "") for c in NEW_COLUMNS])
    sha, _ = write_workbook(job)
    return sha


def _column_of(name: str) -> str:
    text = name.strip()
    if text in NEW_COLUMNS or text in CORRECTABLE:
        return text
    by_header = {h: c for c, h in HEADER.items()}
    found = by_header.get(text.upper().removesuffix(" BARU").strip())
    if found is None:
        raise KeyError(f"kolom tidak dikenal: {name}")
    return found


def _filled(row, statuses: dict, corrections: dict, notes: dict):
    key, cells, edits = row
    edits = list(edits or [""] * (NOTE_COL - STATUS_COL + 1))
    if key in statuses:
        edits[0] = statuses[key] or ""
    for column, value in corrections.get(key, {}).items():
        edits[1 + CORRECTABLE.index(_column_of(column))] = "" if value is None else str(value)
    if key in notes:
        edits[-1] = notes[key] or ""
    return key, cells, edits if any(edits) else None


def _job_from(path: Path) -> WorkbookJob:
    """A workbook read back into the job that writes it (locked texts as they stand)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    grids = {m.name: wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
             for m in wb.sheets_metadata if "WorkSheet" in str(m.typ)}
    base = _read_base(grids.get(BASE_SHEET))
    if base is None:
        raise ValueError(f"{path.name} bukan lembar kerja coklit dari pemilih")
    sheets, new = [], []
    width = len(TPS_HEADERS)
    for name, grid in grids.items():
        if _TPS_SHEET.fullmatch(name):
            rows = []
            for raw in grid[FIRST_ROW:]:
                cells = _padded(raw, width)
                if any(cells):
                    edits = cells[STATUS_COL:]
                    rows.append((cells[0], cells[1:STATUS_COL], edits if any(edits) else None))
            sheets.append(TpsSheet(name, rows))
        elif name == NEW_SHEET:
            new = [cells for raw in grid[FIRST_ROW:] if any(cells := _padded(raw, len(NEW_HEADERS)))]
    return WorkbookJob(str(path), base, sheets, new)
