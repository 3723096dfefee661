"""rekap.xlsx: the recap per village and per kecamatan, L and P apart, totals computed.

Layout: a title block, a two-row header (measure over L / P / JML) and one row per village with
its TPS count, kecamatan subtotal rows and a regency total; the same per kecamatan (its code,
villages and TPS) on a "Per Kecamatan" sheet. Villages and kecamatan in the order of their
Kemendagri codes (as the recap holds them), never by name. The header
names the end-of-period column "PEMILIH AKHIR" (tools look for AKHIR). Every row balances for
L, P and JML: AWAL + BARU + PERBAIKAN JENIS KELAMIN: MASUK - JUMLAH TMS - ...: KELUAR = AKHIR
(formats.md section 9), so a voter whose sex was corrected moves from one column to the other.
"""
from __future__ import annotations

from pemilih.contract import (
    RECAP_KECAMATAN_CODE,
    RECAP_KECAMATAN_LABELS,
    RECAP_MEASURES_AFTER_TMS,
    RECAP_MEASURES_BEFORE_TMS,
    RECAP_SEXES,
    RECAP_SHEETS,
    RECAP_TPS,
    RECAP_VILLAGE_LABELS,
    recap_tms_column,
)
from pemilih.domain.codes import label
from pemilih.io.xlsx_text import text_workbook

SEXES = list(RECAP_SEXES.items())


def measure_titles(tms_codes: list[str], regime: str) -> list[tuple[str, str]]:
    titles = list(RECAP_MEASURES_BEFORE_TMS.items())
    titles += [(recap_tms_column(c), f"{c} {label(c, regime).upper()}") for c in tms_codes]
    titles += list(RECAP_MEASURES_AFTER_TMS.items())
    return titles


def write_recap(recap, path: str, *, title: str) -> None:
    book = text_workbook(path)
    try:
        fmt = _formats(book)
        titles = measure_titles(recap.tms_codes, recap.regime)
        period = f"Periode {recap.start_day:%d-%m-%Y} s.d. {recap.end_day:%d-%m-%Y}"
        by_village, by_kecamatan = RECAP_SHEETS
        _sheet(book, fmt, by_village, [title, period], RECAP_VILLAGE_LABELS,
               _village_rows(recap), titles, recap.total)
        _sheet(book, fmt, by_kecamatan, [title, period], RECAP_KECAMATAN_LABELS,
               [([r["kecamatan"], r[RECAP_KECAMATAN_CODE] or "", int(r["desa_count"]), int(r[RECAP_TPS])], r)
                for r in recap.kecamatan.iter_rows(named=True)],
               titles, recap.total)
    finally:
        book.close()


def _formats(book) -> dict:
    return {"title": book.add_format({"bold": True, "font_size": 12}),
            "head": book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                     "text_wrap": True, "bg_color": "#D9E1F2"}),
            "text": book.add_format({"border": 1}), "num": book.add_format({"border": 1, "num_format": "#,##0"}),
            "sub": book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2"}),
            "subnum": book.add_format({"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0"})}


def _village_rows(recap) -> list:
    """Village rows (in code order, as the recap holds them) with a subtotal row after each
    kecamatan."""
    out = []
    kec = {r["kecamatan"]: r for r in recap.kecamatan.iter_rows(named=True)}
    for (name,), group in recap.villages.group_by("kecamatan", maintain_order=True):
        for r in group.iter_rows(named=True):
            out.append(([r["kecamatan"], r["desa"], r["kode_desa"], int(r[RECAP_TPS])], r))
        out.append(([f"JUMLAH KEC. {name}", "", "", int(kec[name][RECAP_TPS])], kec[name], "sub"))
    return out


def _sheet(book, fmt, name, title, labels, rows, titles, total) -> None:
    sheet = book.add_worksheet(name)
    for i, line in enumerate(title):
        sheet.write_string(i, 0, line, fmt["title"])
    top = len(title) + 1
    for j, text in enumerate(labels):
        sheet.merge_range(top, j, top + 1, j, text, fmt["head"])
    col = len(labels)
    for _key, text in titles:
        sheet.merge_range(top, col, top, col + 2, text, fmt["head"])
        for k, (_s, head) in enumerate(SEXES):
            sheet.write_string(top + 1, col + k, head, fmt["head"])
        col += 3
    r = top + 2
    for item in rows:
        labels_of, values, style = (*item, None) if len(item) == 2 else item
        _row(sheet, fmt, r, labels_of, values, titles, style)
        r += 1
    # The regency's TPS under the last label (JUMLAH TPS), its other labels blank.
    _row(sheet, fmt, r, ["JUMLAH KABUPATEN"] + [""] * (len(labels) - 2) + [int(total.get(RECAP_TPS, 0))],
         total, titles, "sub")
    sheet.set_column(0, len(labels) - 1, 22)
    sheet.set_column(len(labels), col - 1, 7)
    sheet.set_row(top, 45)
    sheet.freeze_panes(top + 2, len(labels))
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(top, top + 1)


def _row(sheet, fmt, r, labels, values, titles, style) -> None:
    text, num = (fmt["sub"], fmt["subnum"]) if style else (fmt["text"], fmt["num"])
    for j, value in enumerate(labels):
        if isinstance(value, int):  # a count among the labels (villages, TPS)
            sheet.write_number(r, j, value, num)
        else:
            sheet.write_string(r, j, str(value), text)
    col = len(labels)
    for key, _t in titles:
        for k, (sex, _h) in enumerate(SEXES):
            sheet.write_number(r, col + k, int(values.get(f"{key}_{sex}", 0)), num)
        col += 3
