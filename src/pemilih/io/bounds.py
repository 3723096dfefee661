"""Every file bounded before a reader unfolds it: `refusal(path)` gives the reason (Bahasa
Indonesia) a file is not read at all, or None.

A spreadsheet reader builds each sheet as a full rectangle from A1 to its farthest cell, and
unpacks every part of the zip an xlsx is; a file of one kilobyte can ask for hundreds of
gigabytes that way. So the zip is looked at first, with zipfile and without extracting
anything to disk: its directory (parts, unfolded sizes, packing ratio, encryption), each XML
part's prolog (a DOCTYPE, which is where entity expansion hides, is refused) and each worksheet
streamed once for the farthest cell it names. The limits are domain/limits.py's. What is not
caught here (an odd encoding of a cell reference, an old .xls or .ods spread thin) is still held
by the memory and time limits of the child process that reads (io/isolated.py).
"""
from __future__ import annotations

import re
import zipfile

from pemilih.domain import limits

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb")
_CHUNK = 1 << 20
# What the one pass over a worksheet looks at: a reference with two or more column letters
# (beyond Z) or a row of six digits or more (a cell's or a row's). Every other cell lies within
# column Z and above row 100,000, and costs nothing to bound: one pattern, no alternation at
# each cell, is what keeps the pass a fraction of the parse.
_FAR = re.compile(rb'r="((?:[A-Z]{2}|[A-Z]?\d{6})[A-Z]*\d*)"')
_REF = re.compile(rb"([A-Z]*)(\d*)")
_ROW = b'<row r="'
_DIGITS = re.compile(rb"\d+")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")
# Names of what a file is, when it is not what its name says (the first bytes tell).
_SIGNATURES = ((b"%PDF", "dokumen PDF"), (b"\x89PNG", "gambar PNG"), (b"\xff\xd8\xff", "gambar JPEG"),
               (b"GIF8", "gambar GIF"), (b"Rar!", "arsip RAR"), (b"7z\xbc\xaf", "arsip 7-Zip"),
               (b"\x1f\x8b", "arsip gzip"), (b"{\\rtf", "dokumen RTF"))
_RESAVE = "buka di Excel/LibreOffice lalu simpan ulang sebagai .xlsx"


def _mb(n: int) -> str:
    return f"{n / limits.MB:,.0f} MB".replace(",", ".")


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def what_it_is(head: bytes) -> str | None:
    """What the first bytes of a file say it is (for a file whose name says otherwise)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return 'teks Unicode (UTF-16, "Teks Unicode" dari Excel); beri nama .txt atau .csv'
    for magic, label in _SIGNATURES:
        if head.startswith(magic):
            return label
    text = head[:512].lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return "halaman HTML/XML"
    return None


def refusal(path: str, name: str | None = None) -> str | None:
    """Why this file is not read at all, or None when it is within every bound."""
    name = (name or str(path)).lower()
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            fh.seek(0, 2)
            size = fh.tell()
    except IsADirectoryError:
        return "ini sebuah folder, bukan berkas"
    except OSError:
        return "berkas tidak ditemukan atau tidak dapat dibuka"
    if size > limits.FILE_BYTES:
        return f"berkas terlalu besar ({_mb(size)}; batas {_mb(limits.FILE_BYTES)})"
    if head.startswith(OLE_MAGIC):
        return _ole_refusal(path, name)
    if head.startswith(ZIP_MAGIC):
        return zip_refusal(path)
    if name.endswith(WORKBOOK_SUFFIXES):
        if not size:
            return "berkas kosong"
        return _mislabelled(path, name)
    return None


def _mislabelled(path: str, name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    suffix = name.rsplit(".", 1)[-1]
    seen = what_it_is(head)
    if seen is None and head and b"\x00" not in head[:4096]:
        seen = "berkas teks (CSV?)"
    if seen:
        return (f"berkas bernama .{suffix} tetapi isinya {seen}; simpan ulang sebagai .xlsx, "
                "atau beri nama .csv bila memang CSV")
    return f"berkas rusak atau bukan spreadsheet .{suffix} yang dapat dibaca; {_RESAVE}"


def _ole_refusal(path: str, name: str) -> str | None:
    """An OLE compound file: a password-protected xlsx (its parts sealed inside), or an old
    .xls that the reader opens within the child process's limits."""
    with open(path, "rb") as fh:
        data = fh.read()
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        return "berkas dilindungi kata sandi (terenkripsi); buka kuncinya di Excel lalu simpan ulang tanpa kata sandi"
    if "Workbook".encode("utf-16-le") not in data and "Book".encode("utf-16-le") not in data:
        return f"berkas Office lama yang bukan lembar kerja Excel; {_RESAVE}"
    return None


def zip_refusal(path: str) -> str | None:
    """Why this zip (xlsx, ods) is not read, or None."""
    try:
        with zipfile.ZipFile(path) as z:
            return _zip_checks(z)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        return f"berkas rusak atau terpotong (arsip xlsx tidak utuh); {_RESAVE} atau kirim ulang"
    except NotImplementedError:
        return f"berkas dikemas dengan cara yang tidak dikenal; {_RESAVE}"
    except OSError:
        return "berkas tidak dapat dibuka"


def _zip_checks(z: zipfile.ZipFile) -> str | None:
    infos = z.infolist()
    if len(infos) > limits.ZIP_ENTRIES:
        return (f"berkas berisi terlalu banyak bagian ({_count(len(infos))}; batas {_count(limits.ZIP_ENTRIES)}); "
                "bukan lembar kerja yang wajar")
    total = sum(i.file_size for i in infos)
    if total > limits.ZIP_TOTAL_BYTES:
        return f"isi berkas bila dibuka terlalu besar ({_mb(total)}; batas {_mb(limits.ZIP_TOTAL_BYTES)})"
    for info in infos:
        if info.flag_bits & 0x1:
            return "bagian berkas terenkripsi; simpan ulang tanpa kata sandi"
        if info.file_size > limits.ZIP_ENTRY_BYTES:
            return f"satu bagian berkas bila dibuka terlalu besar ({_mb(info.file_size)})"
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > limits.ZIP_RATIO_FROM and ratio > limits.ZIP_RATIO:
            return f"berkas tampak sebagai bom zip: satu bagian mengembang {ratio} kali (batas {limits.ZIP_RATIO} kali)"
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names and "content.xml" not in names:
        if "word/document.xml" in names:
            return f"berkas ini dokumen Word, bukan lembar kerja; {_RESAVE}"
        return f"berkas zip ini bukan lembar kerja xlsx/ods; {_RESAVE}"
    cells = 0
    for info in infos:
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        sheet = bool(_SHEET_PART.match(info.filename))
        found = _scan_part(z, info, sheet)
        if isinstance(found, str):
            return found
        cells += found
        if cells > limits.BOOK_CELLS:
            return (f"lembar-lembar kerja bersama terlalu luas ({_count(cells)} sel; batas "
                    f"{_count(limits.BOOK_CELLS)})")
    return None


def _scan_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: bool) -> int | str:
    """One XML part streamed: a reason to refuse, else the cells of the rectangle it spans (0
    for a part that is not a worksheet, whose prolog alone is looked at)."""
    far_col, far_row, last_row = 0, 0, 0
    with z.open(info) as part:
        chunk = part.read(_CHUNK)
        problem = _prolog_refusal(chunk, info.filename)
        if problem or not sheet:
            return problem or 0
        carry = b""
        while chunk:
            data = carry + chunk
            for ref in _FAR.findall(data):
                letters, digits = _REF.match(ref).groups()
                far_col = max(far_col, column_number(letters))
                far_row = max(far_row, int(digits or 0))
            last = data.rfind(_ROW)  # rows come in order: the last one says how far the sheet goes
            if last >= 0:
                number = _DIGITS.match(data, last + len(_ROW))
                last_row = max(last_row, int(number.group()) if number else 0)
            carry = data[-24:]
            chunk = part.read(_CHUNK)
    # The rectangle: to the farthest column named (Z when none beyond), down to the farthest row
    # named by a far cell or the last row of each stretch read (a row out of order below row
    # 100,000 is held by the child process's memory limit, not here).
    columns = far_col or 26
    rows = max(far_row, last_row)
    where = info.filename.rsplit("/", 1)[-1]
    if far_col > limits.SHEET_COLUMNS:
        return (f"lembar kerja ({where}) menjangkau kolom ke-{_count(far_col)} (batas {_count(limits.SHEET_COLUMNS)}); "
                "hapus isian di kolom yang jauh lalu simpan ulang")
    if far_row > limits.SHEET_ROWS:
        return f"lembar kerja ({where}) menjangkau baris ke-{_count(far_row)} (batas {_count(limits.SHEET_ROWS)})"
    if columns * rows > limits.SHEET_CELLS:
        return (f"lembar kerja ({where}) menjangkau {_count(columns * rows)} sel sampai sel terjauhnya "
                f"(batas {_count(limits.SHEET_CELLS)}); hapus isian di baris/kolom yang jauh lalu simpan ulang")
    return columns * rows


def _prolog_refusal(head: bytes, part: str) -> str | None:
    """An XML part's prolog: UTF-8 only (as every spreadsheet program writes), no DOCTYPE (the
    only place entities can be declared, so entity expansion is refused before any parser)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return f"bagian XML berkas ({part}) tidak berkodekan UTF-8; {_RESAVE}"
    root = _ROOT.search(head)
    prolog = head[:root.start()] if root else head
    if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
        return (f"bagian XML berkas ({part}) memuat deklarasi DOCTYPE/ENTITY (dapat dipakai untuk "
                "ledakan entitas); berkas ditolak")
    if root is None and len(head) >= _CHUNK:
        return f"bagian XML berkas ({part}) tidak wajar; {_RESAVE}"
    return None
