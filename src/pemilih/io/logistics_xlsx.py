"""The logistics workbook: what every TPS, village and kecamatan needs, ready to print.

Four sheets: "Per TPS", "Per Desa", "Per Kecamatan" and "Parameter" (the figures the counts
were computed with, so a printed copy says how it was reached). Each table sheet has a title
block, bold headers in Bahasa Indonesia, one row per unit, and a TOTAL row whose cells are
SUM formulas carrying their computed value (a reader without a formula engine still sees the
number). Counts are numeric cells; the TPS number is the label "001", as KPU prints it;
codes stay text. Header row frozen and repeated on every printed page; A4 landscape, one
page wide.
"""
from __future__ import annotations

import os

from pemilih.contract import (
    LOGISTICS_AMOUNT_HEADERS,
    LOGISTICS_PARAMETER_HEADERS,
    LOGISTICS_PLACE_HEADERS,
    LOGISTICS_SHEETS,
)
from pemilih.contract import LOGISTICS_AMOUNTS as AMOUNTS
from pemilih.domain.logistics import PRESET_LABELS, LogisticsParams
from pemilih.io.xlsx_text import text_workbook

AMOUNT_HEADERS = list(LOGISTICS_AMOUNT_HEADERS.values())
# sheet -> (logistics attribute, [(column, header, width, kind)]); kind: text, tps, int
_BY_TPS, _BY_VILLAGE, _BY_KECAMATAN, _PARAMETERS = LOGISTICS_SHEETS
_PLACE = {c: (c, LOGISTICS_PLACE_HEADERS[c], width, kind) for c, width, kind in (
    ("kecamatan", 22, "text"), ("desa", 24, "text"), ("kode_desa", 15, "text"), ("tps", 7, "tps"),
    ("jumlah_desa", 11, "int"), ("jumlah_tps", 10, "int"))}
SHEETS = {
    _BY_TPS: ("per_tps", [_PLACE[c] for c in ("kecamatan", "desa", "kode_desa", "tps")]),
    _BY_VILLAGE: ("per_village", [_PLACE[c] for c in ("kecamatan", "desa", "kode_desa", "jumlah_tps")]),
    _BY_KECAMATAN: ("per_kecamatan", [_PLACE[c] for c in ("kecamatan", "jumlah_desa", "jumlah_tps")]),
}
SUBTITLES = {_BY_TPS: "Rincian per TPS", _BY_VILLAGE: "Rekap per desa/lembang",
             _BY_KECAMATAN: "Rekap per kecamatan"}
HEADER_ROW = 4  # rows 0-2: title block, row 3 empty


def _percent_text(params: LogisticsParams) -> str:
    return format(params.reserve_percent.normalize(), "f").replace(".", ",")


def reserve_note(params: LogisticsParams) -> str:
    election = PRESET_LABELS.get(params.preset or "", "Pemilihan")
    return (f"{election}: cadangan surat suara {_percent_text(params)}% dari jumlah pemilih setiap TPS, "
            f"dibulatkan ke atas per TPS")


def write_logistics_xlsx(logistics, path, *, title: str, params: LogisticsParams) -> None:
    """Write the four sheets to `path` (replaced if it exists); `logistics` is what
    engine.logistics.logistics() returns (per_tps, per_village, per_kecamatan, total)."""
    book = text_workbook(os.fspath(path))
    try:
        fmt = _formats(book)
        for name, (attr, lead) in SHEETS.items():
            _table_sheet(book, fmt, name, getattr(logistics, attr), lead, title, params)
        _parameter_sheet(book, fmt, title, params)
    finally:
        book.close()


def _formats(book) -> dict:
    border = {"border": 1}
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "note": book.add_format({"italic": True}),
        "header": book.add_format({"bold": True, "bg_color": "#D9D9D9", "text_wrap": True, "valign": "vcenter",
                                   "align": "center", **border}),
        "text": book.add_format(border),
        "tps": book.add_format({"align": "center", **border}),
        "int": book.add_format({"num_format": "#,##0", **border}),
        "total_text": book.add_format({"bold": True, "top": 2, **border}),
        "total_int": book.add_format({"bold": True, "num_format": "#,##0", "top": 2, **border}),
        "pct": book.add_format({"num_format": "0.0##", "align": "left", **border}),
    }


def _title_block(sheet, fmt: dict, title: str, subtitle: str, params: LogisticsParams) -> None:
    sheet.write_string(0, 0, title, fmt["title"])
    sheet.write_string(1, 0, reserve_note(params), fmt["note"])
    sheet.write_string(2, 0, subtitle)


def _table_sheet(book, fmt: dict, name: str, table, lead: list, title: str, params: LogisticsParams) -> None:
    sheet = book.add_worksheet(name)
    columns = lead + [(c, h, 12, "int") for c, h in zip(AMOUNTS, AMOUNT_HEADERS)]
    _title_block(sheet, fmt, title, SUBTITLES[name], params)
    for j, (_, header, width, _kind) in enumerate(columns):
        sheet.set_column(j, j, width)
        sheet.write_string(HEADER_ROW, j, header, fmt["header"])
    first = HEADER_ROW + 1
    data = table.select([c for c, *_ in columns])
    for i, row in enumerate(data.iter_rows()):
        for j, (value, (_, _, _, kind)) in enumerate(zip(row, columns)):
            _cell(sheet, fmt, first + i, j, value, kind)
    _total_row(sheet, fmt, first, first + data.height, columns, data)
    sheet.freeze_panes(first, 0)
    _print_setup(sheet, first + data.height, len(columns) - 1)


def _cell(sheet, fmt: dict, r: int, c: int, value, kind: str) -> None:
    if value is None:
        sheet.write_blank(r, c, None, fmt["text"])
    elif kind == "tps":
        sheet.write_string(r, c, f"{int(value):03d}", fmt["tps"])
    elif kind == "int":
        sheet.write_number(r, c, int(value), fmt["int"])
    else:
        sheet.write_string(r, c, str(value), fmt["text"])


def _total_row(sheet, fmt: dict, first: int, r: int, columns: list, data) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell
    sheet.write_string(r, 0, "TOTAL", fmt["total_text"])
    for j, (col, _, _, kind) in enumerate(columns[1:], start=1):
        if kind != "int":
            sheet.write_blank(r, j, None, fmt["total_text"])
            continue
        value = int(data[col].sum())
        if data.height == 0:
            sheet.write_number(r, j, 0, fmt["total_int"])
            continue
        span = f"{xl_rowcol_to_cell(first, j)}:{xl_rowcol_to_cell(r - 1, j)}"
        sheet.write_formula(r, j, f"=SUM({span})", fmt["total_int"], value)


def _print_setup(sheet, last_row: int, last_col: int) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    sheet.repeat_rows(HEADER_ROW)
    sheet.print_area(0, 0, last_row, last_col)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&LDicetak &D&RHalaman &P dari &N")


PARAMETER_ROWS = [
    ("Cadangan surat suara (%)", "reserve_percent",
     "dari jumlah pemilih setiap TPS, dibulatkan ke atas; tidak dihitung dari total"),
    ("Kotak suara per TPS", "ballot_boxes", "satu per jenis pemilihan di TPS"),
    ("Bilik suara per TPS", "booths", ""),
    ("Tinta per TPS (botol)", "ink_bottles", ""),
    ("Segel per TPS (set)", "seal_sets", ""),
    ("Formulir per TPS (set)", "form_sets", ""),
]


def _parameter_sheet(book, fmt: dict, title: str, params: LogisticsParams) -> None:
    sheet = book.add_worksheet(_PARAMETERS)
    _title_block(sheet, fmt, title, "Parameter perhitungan", params)
    for j, (header, width) in enumerate(zip(LOGISTICS_PARAMETER_HEADERS, (28, 12, 70))):
        sheet.set_column(j, j, width)
        sheet.write_string(HEADER_ROW, j, header, fmt["header"])
    r = HEADER_ROW + 1
    election = PRESET_LABELS.get(params.preset or "", "lainnya")
    note = "persentase cadangan ditetapkan panitia pemilihan" if params.preset == "pilkalem" else ""
    sheet.write_string(r, 0, "Jenis pemilihan", fmt["text"])
    sheet.write_string(r, 1, election, fmt["text"])
    sheet.write_string(r, 2, note, fmt["text"])
    for i, (label, attr, remark) in enumerate(PARAMETER_ROWS, start=r + 1):
        value = getattr(params, attr)
        sheet.write_string(i, 0, label, fmt["text"])
        if attr == "reserve_percent":
            sheet.write_number(i, 1, float(value), fmt["pct"])
        else:
            sheet.write_number(i, 1, int(value), fmt["int"])
        sheet.write_string(i, 2, remark, fmt["text"])
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    _print_setup(sheet, r + len(PARAMETER_ROWS), 2)
