"""Hostile and unusual files, written here byte by byte (zipfile and raw bytes): nothing big is
committed, and every file is a few kilobytes however much it would unfold to.

Each writer takes the path to write and returns it. `corpus(folder)` writes one of each family
and returns {family: path}; the tests run every one through `pemilih check` and the uploads.
"""
from __future__ import annotations

import codecs
import struct
import zipfile
from pathlib import Path

from filemaker import KPU_HEADER, voter, write_xlsx

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '{doctype}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '{dimension}<sheetData>')
_SHEET_TAIL = '</sheetData></worksheet>'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def raw_xlsx(path: Path, sheet_data: str, *, dimension: str = "", doctype: str = "", name: str = "Sheet1",
             extra: dict[str, bytes] | None = None, compression=zipfile.ZIP_DEFLATED) -> Path:
    """A minimal xlsx of one sheet whose <sheetData> is given as XML text."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = _SHEET_HEAD.format(doctype=doctype, dimension=dim) + sheet_data + _SHEET_TAIL
    with zipfile.ZipFile(path, "w", compression) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name=name))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        for entry, data in (extra or {}).items():
            z.writestr(entry, data)
    return path


def sparse_sheet(path: Path, far: str = "XFD1048576", dimension: str = "") -> Path:
    """Two cells, A1 and `far`: a dense reader would make a grid of every cell between them."""
    return raw_xlsx(path, f'<row r="1">{_cell("A1", "NIK")}</row>'
                          f'<row r="{far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}">{_cell(far, "x")}</row>',
                    dimension=dimension)


def sparse_hidden(path: Path) -> Path:
    """The far cell sits in row 1's element (only its own reference says where it goes), and the
    sheet declares a small dimension: neither the rows nor <dimension> give it away."""
    return raw_xlsx(path, f'<row r="1">{_cell("A1", "NIK")}{_cell("XFD1048576", "x")}</row>',
                    dimension="A1:B2")


def billion_laughs(path: Path) -> Path:
    """Entity expansion in the sheet's XML (ten levels of ten: 10^10 copies of "lol")."""
    lines = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE worksheet [" + "".join(lines) + "]>"
    return raw_xlsx(path, f'<row r="1">{_cell("A1", "&lol9;")}</row>', doctype=doctype)


def zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A sheet whose XML unfolds from a few hundred kilobytes to `megabytes` of blank padding."""
    head = _SHEET_HEAD.format(doctype="", dimension="") + f'<row r="1">{_cell("A1", "NIK")}</row>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK.format(name="Sheet1"))
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(head.encode())
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                out.write(block)
            out.write(_SHEET_TAIL.encode())
    return path


def many_entries(path: Path, count: int = 20000) -> Path:
    """A valid workbook with thousands of tiny extra parts."""
    return raw_xlsx(path, f'<row r="1">{_cell("A1", "NIK")}</row>',
                    extra={f"xl/media/x{i}.bin": b"" for i in range(count)}, compression=zipfile.ZIP_STORED)


def truncated(path: Path, source: Path) -> Path:
    """The first half of a real workbook (an upload cut off)."""
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _ole(streams: list[str]) -> bytes:
    """An OLE compound file (CFB, 512-byte sectors) whose directory names `streams`, all empty:
    what Excel writes for a password-protected xlsx (EncryptionInfo, EncryptedPackage) or an
    old .xls (Workbook). Enough for any reader to recognise the container; no content."""
    entries = [("Root Entry", 5)] + [(s, 2) for s in streams]
    directory = b""
    for i, (name, kind) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        child = 1 if (i == 0 and len(entries) > 1) else 0xFFFFFFFF
        right = i + 1 if (0 < i < len(entries) - 1) else 0xFFFFFFFF
        directory += (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                      + struct.pack("<III", 0xFFFFFFFF, right, child) + b"\x00" * 16 + b"\x00" * 4
                      + b"\x00" * 16 + struct.pack("<IQ", 0xFFFFFFFE if kind == 5 else 0, 0))
    directory = directory.ljust(512 * ((len(directory) + 511) // 512), b"\x00")
    dir_sectors = len(directory) // 512
    fat = [0xFFFFFFFD] + [i + 2 if i + 1 < dir_sectors else 0xFFFFFFFE for i in range(1, dir_sectors + 1)]
    fat_sector = b"".join(struct.pack("<I", v) for v in fat).ljust(512, b"\xff")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIII", 0, 1, 1, 0, 0x1000, 0xFFFFFFFE, 0, 0xFFFFFFFE)
              + struct.pack("<I", 0) + struct.pack("<I", 0) + struct.pack("<I", 0) + struct.pack("<I", 0))
    header = header[:0x4C]
    difat = struct.pack("<I", 0) + b"\xff" * (436 - 4)
    header = (header + difat).ljust(512, b"\x00")
    return header + fat_sector + directory


def encrypted(path: Path) -> Path:
    path.write_bytes(_ole(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]))
    return path


def old_xls(path: Path) -> Path:
    path.write_bytes(_ole(["Workbook", "\x05SummaryInformation"]))
    return path


def mislabelled(path: Path, content: str) -> Path:
    """A file whose name says xlsx but whose bytes are something else (csv, html, pdf)."""
    data = {"csv": ",".join(KPU_HEADER).encode() + b"\r\n",
            "html": b"<html><body><table><tr><td>NIK</td><td>NAMA</td></tr></table></body></html>",
            "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"}[content]
    path.write_bytes(data)
    return path


def binary_csv(path: Path) -> Path:
    """A .csv whose bytes are a PNG picture."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    return path


def utf16_text(path: Path, rows: list[dict]) -> Path:
    """A list saved from Excel as "Unicode text": UTF-16 LE with BOM, tab separated."""
    lines = ["\t".join(KPU_HEADER)] + ["\t".join(r[h] for h in KPU_HEADER) for r in rows]
    path.write_bytes(codecs.BOM_UTF16_LE + ("\r\n".join(lines) + "\r\n").encode("utf-16-le"))
    return path


def bad_rows(path: Path) -> Path:
    """A list whose rows carry formulas, empty and non-name values, broken NIK/NKK structure and a
    village name that another code owns; each row's problem is named by the check."""
    rows = [
        voter(1),
        voter(2, NAMA='=HYPERLINK("http://x.example/","klik")'),
        voter(3, ALAMAT="@SUM(1)"),
        voter(4, **{"TEMPAT LAHIR": "+RANTEPAO"}),
        voter(5, NAMA=""),
        voter(6, NAMA="12345"),
        voter(7, NIK="9999" + voter(7)["NIK"][4:]),           # a region that does not exist
        voter(8, NIK=voter(8)["NIK"][:6] + "450280" + voter(8)["NIK"][12:]),  # day 45-40 = 5, month 02: fine;
        voter(9, NIK=voter(9)["NIK"][:6] + "321380" + voter(9)["NIK"][12:]),  # day 32: no such date
        voter(10, NIK=voter(10)["NIK"][:12] + "0000"),        # serial 0000
        voter(11, NKK="7326"),                                 # NKK too short
        voter(12, **{"KELURAHAN/DESA": "LAANG TANDUK"}),      # PANTANAKAN LOLO's code, another name
    ]
    return write_xlsx(path, {"DPT": [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in rows]})


def good_list(path: Path) -> Path:
    rows = [voter(i) for i in range(1, 4)]
    return write_xlsx(path, {"DPT": [KPU_HEADER] + [[r[h] for h in KPU_HEADER] for r in rows]})


def corpus(folder: Path) -> dict[str, Path]:
    """One file of every hostile or unusual family: {family: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    good = good_list(folder / "baik.xlsx")
    return {
        "sparse": sparse_sheet(folder / "jarang.xlsx"),
        "sparse-hidden": sparse_hidden(folder / "jarang-tersembunyi.xlsx"),
        "entities": billion_laughs(folder / "entitas.xlsx"),
        "zip-bomb": zip_bomb(folder / "bom-zip.xlsx"),
        "many-entries": many_entries(folder / "banyak-bagian.xlsx"),
        "truncated": truncated(folder / "terpotong.xlsx", good),
        "encrypted": encrypted(folder / "bersandi.xlsx"),
        "old-xls": old_xls(folder / "lama.xls"),
        "csv-as-xlsx": mislabelled(folder / "csv-bernama-xlsx.xlsx", "csv"),
        "html-as-xlsx": mislabelled(folder / "html-bernama-xlsx.xlsx", "html"),
        "pdf-as-xlsx": mislabelled(folder / "pdf-bernama-xlsx.xlsx", "pdf"),
        "binary-csv": binary_csv(folder / "gambar.csv"),
        "utf16-as-xlsx": utf16_text(folder / "unicode-bernama-xlsx.xlsx", [voter(1)]),
        "empty": _empty(folder / "kosong.xlsx"),
    }


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def crash_on(item: str) -> str:
    """A stand-in reader for the child-process tests: dies, spins or eats memory on demand."""
    import os
    import signal
    if item == "abort":
        os.abort()
    if item == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    if item == "spin":
        while True:
            pass
    if item == "hog":
        hoard = []
        while True:
            hoard.append(bytearray(50 * 1024 * 1024))
    return "ok"


def sparse_ods(path: Path) -> Path:
    """An OpenDocument sheet whose one cell is repeated to the last column of a million rows:
    a few hundred bytes that the bounds do not unfold (repeats are not cell references), held
    by the reader's memory limit instead."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="DPT">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>NIK</text:p></table:table-cell>'
        '</table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575">'
        '<table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        '</table:table-cell></table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>')
    return path


def stuck_on(item: str) -> str:
    """A stand-in reader that blocks without using CPU (as a parser that ran out of memory
    halfway may), or reads at once."""
    import time
    if item == "stuck":
        time.sleep(3600)
    return "ok"
