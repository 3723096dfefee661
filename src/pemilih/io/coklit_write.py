"""Writing a village's coklit workbook (the layout: io/coklit_layout.py).

Written with xlsxwriter in constant_memory mode, data rows as pre-rendered XML through the
FormSheet (io/xlsx_stream.py, which the demo generator uses too). Locked cells carry a grey locked style;
the cells a committee fills in are written, empty, in a light yellow unlocked style on every data
row (so "isi sel kuning" says where), and their columns keep an unlocked text style without fill
below the data (no yellow where no row may be added).

Printed as the committee uses it on paper: A4 landscape, one page wide, the header row repeated
on every page, the sheet's name and the page number in the footer.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from pemilih.domain import codes as code_tables
from pemilih.io.coklit_layout import (
    BASE_SHEET,
    CHECKED,
    CHOICES,
    CURRENT,
    FIRST_EDIT,
    FIRST_ROW,
    FORMAT,
    GUIDE,
    HEADER,
    HEADER_ROW,
    LAST_COL,
    LOCKED,
    MOVE,
    NEW_COLUMNS,
    NEW_HEADERS,
    NEW_ROWS,
    NEW_SHEET,
    TPS_HEADERS,
    WIDTHS,
    BaseVersion,
    TpsSheet,
    WorkbookJob,
    row_digest,
    status_codes,
)
from pemilih.io.xlsx_stream import FormSheet
from pemilih.io.xlsx_text import column_letter, inline_string, text_workbook

_GREY, _EDIT = "#D9D9D9", "#FFF2CC"
_FAST_TMP = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def write_workbook(job: WorkbookJob, fast: bool | None = None) -> tuple[str, dict[str, list[str]]]:
    """Write the workbook; returns (sha256 of the file, digests per TPS sheet in row order).
    Only the current format is written (an older one is only read back)."""
    if job.base.format != FORMAT:
        raise ValueError(f"lembar kerja format {job.base.format} tidak ditulis lagi; dipotong ulang sebagai {FORMAT}")
    fast = FormSheet.supported() if fast is None else fast
    options = {"constant_memory": True}
    if _FAST_TMP:
        options["tmpdir"] = _FAST_TMP
    wb = text_workbook(job.path, options)
    wb.set_properties({"title": f"Lembar kerja coklit {job.base.desa}", "author": "pemilih"})
    styles = _styles(wb)
    codes = status_codes(job.base.regime)
    _guide(wb, job, codes, styles)
    digests = {}
    for sheet in job.sheets:
        digests[sheet.name] = _tps_sheet(wb, job, sheet, codes, styles, fast)
    _new_sheet(wb, job, styles, fast)
    _base_sheet(wb, job.base, styles)
    wb.close()
    return hashlib.sha256(Path(job.path).read_bytes()).hexdigest(), digests


def _styles(wb) -> dict:
    border = {"border": 1, "border_color": "#A6A6A6"}
    return {
        "plain": wb.add_format({}),
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "head": wb.add_format({"bold": True, "bg_color": _GREY, "text_wrap": True, "valign": "vcenter",
                               "align": "center", **border}),
        "head_edit": wb.add_format({"bold": True, "bg_color": _EDIT, "text_wrap": True,
                                    "valign": "vcenter", "align": "center", **border}),
        "locked": wb.add_format({"bg_color": _GREY, "num_format": "@", **border}),
        "edit": wb.add_format({"locked": False, "num_format": "@", **border}),
        "fill": wb.add_format({"locked": False, "num_format": "@", "bg_color": _EDIT, **border}),
    }


def _print_setup(ws, last_row: int, last_col: int) -> None:
    """A4 landscape, one page wide (as many tall as it takes), the header row on every page."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.6)
    ws.set_footer("&L&A&RHalaman &P dari &N")


def _protect(ws) -> None:
    # No password: protection guards against slips, collect checks every locked cell anyway.
    ws.protect("", {"format_columns": True, "format_rows": True})


def _tps_sheet(wb, job: WorkbookJob, sheet: TpsSheet, codes, styles, fast: bool) -> list[str]:
    ws = wb.add_worksheet(sheet.name, worksheet_class=FormSheet if fast else None)
    names = ["key", *LOCKED, *CURRENT.edits]
    for col, name in enumerate(names):
        style = styles["locked"] if col < FIRST_EDIT else styles["edit"]
        ws.set_column(col, col, WIDTHS.get(name, 10 if col < FIRST_EDIT else 12), style)
    base = job.base
    ws.write_string(0, 0, f"LEMBAR KERJA COKLIT {sheet.name} - DESA/KELURAHAN {base.desa} "
                          f"({base.kode_desa}), KECAMATAN {base.kecamatan}", styles["title"])
    ws.write_string(1, 0, "Sel abu-abu terkunci, jangan diubah. Isi sel kuning (SESUAI sampai PETUGAS) untuk setiap "
                          "pemilih yang dicocokkan: SESUAI (V) bila benar, atau STATUS dan kolom BARU; lalu TANGGAL "
                          "KUNJUNGAN dan PETUGAS. Baca lembar PETUNJUK.")
    for col, text in enumerate(TPS_HEADERS):
        ws.write_string(HEADER_ROW, col, text, styles["head"] if col < FIRST_EDIT else styles["head_edit"])
    ws.set_row(HEADER_ROW, 30)
    joined = ["\x1f".join(row[1]) for row in sheet.rows]
    digests = [row_digest(row[0], row[1], j) for row, j in zip(sheet.rows, joined)]
    if fast:
        locked, fill = styles["locked"]._get_xf_index(), styles["fill"]._get_xf_index()
        blanks = "".join(f'<c r="{letter}\x00" s="{fill}"/>' for letter in _LETTERS[FIRST_EDIT:])
        ws.stream_rows(FIRST_ROW, [_row_xml(FIRST_ROW + i, r, j, locked, fill, blanks)
                                   for i, (r, j) in enumerate(zip(sheet.rows, joined))], LAST_COL)
    else:
        _rows_plain(ws, sheet.rows, styles)
    last = FIRST_ROW + max(len(sheet.rows), 1) - 1
    _print_setup(ws, last, LAST_COL)
    _validations(ws, last, codes, job.base.regime)
    ws.freeze_panes(FIRST_ROW, 2)
    _protect(ws)
    return digests


_LETTERS = [column_letter(c) for c in range(LAST_COL + 1)]
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


def _row_xml(r: int, row, joined: str, locked: int, edit: int, blanks: str) -> str:
    """One TPS row as worksheet XML: locked cells in the grey locked style, NO as a number,
    identifiers and everything else as inline text (never numbers); the committee's cells in
    the yellow `edit` style, empty ones from `blanks` (their row written in for \x00). The hot
    path of share: a row whose text needs no escaping (nearly all) is one f-string per cell."""
    key, cells, edits = row[0], row[1], row[2]  # share may add more behind: not written
    n = r + 1
    lock = f'" s="{locked}" t="inlineStr">'
    no = cells[0]
    plain = _ROW_CARE.search(f"{key}\x1f{joined}") is None and joined.count("\x1f") == len(cells) - 1
    if plain:
        head = f'<c r="A{n}{lock}<is><t>{key}</t></is>{_END}'
        body = "".join([f'<c r="{letter}{n}{lock}<is><t>{text}</t></is>{_END}'
                        for letter, text in zip(_LETTERS[2:FIRST_EDIT], cells[1:]) if text])
    else:
        head = f'<c r="A{n}{lock}{_t(key)}{_END}'
        body = "".join([f'<c r="{letter}{n}{lock}{_t(text)}{_END}'
                        for letter, text in zip(_LETTERS[2:FIRST_EDIT], cells[1:]) if text])
    if no.isdigit():
        head += f'<c r="B{n}" s="{locked}"><v>{no}</v></c>'
    elif no:
        head += f'<c r="B{n}{lock}{_t(no)}{_END}'
    if not edits:
        return head + body + blanks.replace("\x00", str(n))
    free, blank = f'" s="{edit}" t="inlineStr">', f'" s="{edit}"/>'
    return head + body + "".join([f'<c r="{letter}{n}{free}{_t(text)}{_END}' if text else f'<c r="{letter}{n}{blank}'
                                  for letter, text in zip(_LETTERS[FIRST_EDIT:], _padded(edits))])


def _padded(edits) -> list[str]:
    """A row's committee cells, one per column O-AD ('' for the missing)."""
    width = LAST_COL + 1 - FIRST_EDIT
    return list(edits[:width]) + [""] * (width - len(edits))


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
        for col, text in enumerate(_padded(edits or []), start=FIRST_EDIT):
            if text:
                ws.write_string(r, col, text, styles["fill"])
            else:
                ws.write_blank(r, col, None, styles["fill"])


def _validations(ws, last: int, codes, regime: str) -> None:
    col = CURRENT.col("sesuai")
    ws.data_validation(FIRST_ROW, col, last, col, {
        "validate": "list", "source": [CHECKED], "input_title": "SESUAI",
        "input_message": f"{CHECKED} = pemilih ditemui/dicocokkan dan datanya benar. Kosongkan bila ada "
                         "STATUS atau koreksi.",
        "error_title": "Isian tidak dikenal", "error_message": f"Isi {CHECKED} atau kosongkan."})
    col = CURRENT.col("status")
    ws.data_validation(FIRST_ROW, col, last, col, {
        "validate": "list", "source": [c for c, _ in codes],
        "input_title": "STATUS", "input_message": "Kode TMS = tidak memenuhi syarat, U = ada koreksi di kolom "
                                                  "BARU" + _move_hint(regime) + ".",
        "error_title": "Kode tidak dikenal", "error_message": "Pilih kode dari daftar (lihat PETUNJUK)."})
    moves = code_tables.codes_with(code_tables.MOVE, regime)
    if moves:
        col = CURRENT.col(MOVE)
        ws.data_validation(FIRST_ROW, col, last, col, {
            "validate": "any", "input_title": "TPS BARU",
            "input_message": f"Hanya untuk STATUS {'/'.join(moves)}: nomor TPS tujuan di desa yang sama."})
    for name, values in CHOICES.items():
        col = CURRENT.col(name)
        _choice(ws, FIRST_ROW, col, last, HEADER[name] + " BARU", values)
    col = CURRENT.col("tanggal_lahir")
    ws.data_validation(FIRST_ROW, col, last, col, {
        "validate": "any", "input_title": "TANGGAL LAHIR BARU", "input_message": "Tulis DD-MM-YYYY, "
                                                                               "misalnya 05-07-1989."})
    _visit_hints(ws, FIRST_ROW, CURRENT.col("tanggal_kunjungan"), last)


def _move_hint(regime: str) -> str:
    moves = code_tables.codes_with(code_tables.MOVE, regime)
    return f", {'/'.join(moves)} = pindah TPS dalam desa (isi TPS BARU)" if moves else ""


def _visit_hints(ws, first: int, col: int, last: int) -> None:
    ws.data_validation(first, col, last, col, {
        "validate": "any", "input_title": "TANGGAL KUNJUNGAN",
        "input_message": "Hari pemilih ditemui, DD-MM-YYYY; tidak sebelum lembar kerja dibagikan."})


def _choice(ws, first: int, col: int, last: int, title: str, values: list[str]) -> None:
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": values, "input_title": title,
        "input_message": "Pilih: " + "/".join(values), "error_title": "Nilai tidak dikenal",
        "error_message": "Pilih salah satu: " + "/".join(values)})


def _new_sheet(wb, job: WorkbookJob, styles, fast: bool = False) -> None:
    ws = wb.add_worksheet(NEW_SHEET, worksheet_class=FormSheet if fast else None)
    for col, name in enumerate(NEW_COLUMNS):
        ws.set_column(col, col, WIDTHS.get(name, 12), styles["edit"])
    ws.write_string(0, 0, f"PEMILIH BARU - DESA/KELURAHAN {job.base.desa} ({job.base.kode_desa})",
                    styles["title"])
    ws.write_string(1, 0, "Satu pemilih per baris di sel kuning mulai baris 5. NIK dan NKK 16 digit (kolom berformat "
                          "teks); tanggal DD-MM-YYYY. Kosongkan JENIS KELAMIN untuk mengikuti NIK. Tulis juga TANGGAL "
                          "KUNJUNGAN dan PETUGAS.")
    for col, text in enumerate(NEW_HEADERS):
        ws.write_string(HEADER_ROW, col, text, styles["head_edit"])
    # The rows prepared for new voters, in yellow like a TPS sheet's cells to fill in: those
    # typed already (fill_workbook) through the API, the empty ones streamed when `fast`.
    width = len(NEW_COLUMNS)
    for i, values in enumerate(job.new_voters):
        for col in range(width):
            text = values[col] if col < len(values) else ""
            if text:
                ws.write_string(FIRST_ROW + i, col, text, styles["fill"])
            else:
                ws.write_blank(FIRST_ROW + i, col, None, styles["fill"])
    rows = max(NEW_ROWS, len(job.new_voters))
    empty = range(FIRST_ROW + len(job.new_voters), FIRST_ROW + rows)
    if fast and len(empty):
        fill = styles["fill"]._get_xf_index()
        blanks = "".join(f'<c r="{letter}\x00" s="{fill}"/>' for letter in _LETTERS[:width])
        ws.stream_rows(empty.start, [blanks.replace("\x00", str(r + 1)) for r in empty], width - 1)
    else:
        for r in empty:
            for col in range(width):
                ws.write_blank(r, col, None, styles["fill"])
    last = FIRST_ROW + rows - 1
    _print_setup(ws, FIRST_ROW + max(len(job.new_voters), 20) - 1, len(NEW_COLUMNS) - 1)
    for name, values in CHOICES.items():
        _choice(ws, FIRST_ROW, NEW_COLUMNS.index(name), last, HEADER[name], values)
    _visit_hints(ws, FIRST_ROW, NEW_COLUMNS.index("tanggal_kunjungan"), last)
    ws.freeze_panes(FIRST_ROW, 0)
    _protect(ws)


def _base_sheet(wb, base: BaseVersion, styles) -> None:
    ws = wb.add_worksheet(BASE_SHEET)
    for r, (label, value) in enumerate(base.items()):
        ws.write_string(r, 0, label)
        ws.write_string(r, 1, value)
    ws.very_hidden()
    _protect(ws)


def _move_guide(regime: str) -> str:
    moves = code_tables.codes_with(code_tables.MOVE, regime)
    if not moves:
        return ""
    return (f" Pilih {'/'.join(moves)} bila pemilih terdaftar di TPS yang tidak sesuai alamatnya di desa yang "
            "sama: pemilih tidak dicoret, tetapi dipindah ke TPS yang ditulis di TPS BARU (wajib diisi).")


def _move_cell(regime: str) -> list[tuple[str, str]]:
    moves = code_tables.codes_with(code_tables.MOVE, regime)
    if not moves:
        return []
    return [("TPS BARU", f"Nomor TPS tujuan, misalnya 2 atau 002; hanya untuk STATUS {'/'.join(moves)}.")]


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
        ("1. Lembar TPS", "Satu lembar per TPS, satu baris per pemilih. Sel abu-abu (KUNCI sampai KTP-EL) "
                          "adalah data saat dibagikan: terkunci, jangan diubah, jangan menambah atau "
                          "menghapus baris. Sel kuning (SESUAI sampai PETUGAS) diisi panitia. Lembar terkunci "
                          "tanpa kata sandi; jangan membuka kuncinya. Dicetak mendatar (A4), selebar satu halaman, "
                          "judul kolom diulang di setiap halaman."),
        ("2. SESUAI", f"Pilih {CHECKED} bila pemilih sudah dicocokkan dan datanya benar. Baris tanpa {CHECKED}, "
                      "tanpa STATUS dan tanpa tanggal kunjungan dihitung belum dikunjungi. Jangan memberi "
                      f"{CHECKED} pada baris yang diberi STATUS atau koreksi."),
        ("3. STATUS", "Pilih kode TMS bila pemilih tidak memenuhi syarat (lihat daftar kode di bawah) dan tulis "
                      "buktinya di KETERANGAN. Pilih U bila ada data yang harus dikoreksi." + _move_guide(b.regime)),
        ("4. Kolom BARU", "Untuk STATUS U: tulis nilai yang benar hanya di kolom yang berubah (NAMA BARU, "
                          "TEMPAT LAHIR BARU, TANGGAL LAHIR BARU, dst.). Kolom yang tidak berubah dibiarkan "
                          "kosong. Pemilih yang dicoret (TMS) tidak diberi koreksi."),
        ("5. KETERANGAN", "Bukti atau catatan: dokumen yang dilihat (KTP-el, KK, akta kematian, surat "
                          "keterangan desa)."),
        ("6. Kunjungan", "TANGGAL KUNJUNGAN (DD-MM-YYYY, tidak sebelum lembar kerja dibagikan dan tidak di masa "
                         "depan) dan nama PETUGAS yang mencocokkan, untuk setiap pemilih yang ditemui."),
        ("7. PEMILIH BARU", "Penduduk yang memenuhi syarat tetapi belum terdaftar: satu baris per orang di "
                            "lembar PEMILIH BARU. NIK, NAMA dan TANGGAL LAHIR wajib. Jangan menulis pemilih "
                            "baru di lembar TPS."),
        ("8. Mengembalikan", "Simpan sebagai .xlsx (jangan mengganti nama lembar) dan kirim kembali kepada "
                             "DPML, juga sebagian bila coklit belum selesai. Berkas diperiksa utuh: bila ada sel "
                             "terkunci yang berubah atau isian yang salah, berkas ditolak dengan daftar sel, nomor "
                             "dan nama pemilih yang harus diperbaiki. Bila kesalahannya hanya di beberapa baris, "
                             "baris yang benar dapat diambil lebih dulu; baris yang salah tetap seperti semula "
                             "di daftar dan dikirim lagi setelah diperbaiki."),
        ("", None),
        ("ISI KOLOM", "title"),
        ("SESUAI", f"{CHECKED} atau kosong."),
        *_move_cell(b.regime),
        ("TANGGAL KUNJUNGAN", "DD-MM-YYYY, misalnya 14-01-2027."),
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
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    _protect(ws)
