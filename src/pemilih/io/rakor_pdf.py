"""The report for the coordination meeting (Rakor): the recap of a period as a PDF.

Landscape A4: a title block (title, period, printing date), a line of regency totals, the
table per kecamatan (or per village of one kecamatan) with voters at start, new (B), TMS per
code, corrected (U), sex corrected to L and to P (the voter moves from one sex's count to the
other's: formats.md section 9) and voters at the end (L, P, total), a total row, the meaning of
the codes; then a bar chart of the voters at the end, male and female stacked, drawn with
reportlab's own rectangles. `Halaman i dari n` on every page: the rows per page are fixed,
so the page count is known before drawing.

Aggregates only: no identifier is printed (labels pass through domain/masking's
mask_digits_in_text, imported as scrub, anyway).
"""
from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from pemilih.contract import recap_tms_column
from pemilih.domain.codes import label as code_label
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.pdf_common import (
    BOLD,
    FONT,
    LANDSCAPE,
    MARGIN,
    Column,
    Table,
    draw,
    page_footer,
    pdf_file,
    thousands,
    title_block,
    wrap,
)

PAGE_W, PAGE_H = LANDSCAPE
ROW_H = 13.0
BOTTOM = MARGIN * 1.4  # above the footer
FIRST_TOP = PAGE_H - MARGIN - 78  # below the title block and the totals line
OTHER_TOP = PAGE_H - MARGIN - 10
CHART_ROW = 20.0
MALE, FEMALE = (0.54, 0.11, 0.11), (0.82, 0.54, 0.54)


def write_rakor_pdf(result, path, *, title: str, printed_on: date, kecamatan: str | None = None) -> Path:
    """Write the report of `result` (store/recap.py's Recap) to path; per kecamatan, or per
    village when `kecamatan` names the one the recap was narrowed to. Returns the path."""
    rows = _rows(result, kecamatan)
    table = _table(result, kecamatan)
    notes = 60 + 24 * len(getattr(result, "deletions", None) or [])  # room for the notes under the table
    first = int((FIRST_TOP - BOTTOM - 2 * ROW_H - notes) // ROW_H)  # room for header, total, notes
    other = int((OTHER_TOP - BOTTOM - 2 * ROW_H - notes) // ROW_H)
    table_pages = 1 + max(0, math.ceil((len(rows) - first) / other))
    per_chart = int((PAGE_H - 2 * MARGIN - 90) // CHART_ROW)
    chart_pages = max(1, math.ceil(len(rows) / per_chart))
    total_pages = table_pages + chart_pages
    heading = [(title, BOLD, 14),
               (f"Kecamatan {kecamatan}" if kecamatan else "Rekapitulasi per kecamatan", BOLD, 11),
               (f"Periode {result.start_day:%d-%m-%Y} s.d. {result.end_day:%d-%m-%Y}", FONT, 10),
               (f"Dicetak {printed_on:%d-%m-%Y}", FONT, 9)]
    note = f"Rakor · periode {result.start_day:%d-%m-%Y} s.d. {result.end_day:%d-%m-%Y}"
    with pdf_file(path, LANDSCAPE, title=title) as canvas:
        page, start = 1, 0
        while True:
            top = title_block(canvas, LANDSCAPE, heading) - 4 if page == 1 else OTHER_TOP
            if page == 1:
                draw(canvas, MARGIN, top, _totals_line(result), size=9)
                top = FIRST_TOP
            room = first if page == 1 else other
            chunk = rows[start:start + room]
            y = table.rows(canvas, chunk, table.header(canvas, top)) if chunk else table.header(canvas, top)
            start += room
            if start >= len(rows):
                y = table.rows(canvas, [_total_cells(result)], y, font=BOLD, shade=True, span=2)
                y = _code_notes(canvas, result, y - 14)
                _deletions(canvas, result, y - 6)
                page_footer(canvas, LANDSCAPE, page, total_pages, note)
                break
            page_footer(canvas, LANDSCAPE, page, total_pages, note)
            canvas.showPage()
            page += 1
        for i in range(chart_pages):
            canvas.showPage()
            page += 1
            _chart_page(canvas, result, kecamatan, i * per_chart, per_chart)
            page_footer(canvas, LANDSCAPE, page, total_pages, note)
    return Path(path)


def _titles(result) -> list[tuple[str, str]]:
    """(measure column, header) in table order."""
    return [("awal_jml", "Awal"), ("baru_jml", "Baru (B)"),
            *[(f"{recap_tms_column(c)}_jml", c) for c in result.tms_codes],
            ("tms_jml", "Jml TMS"), ("ubah_jml", "Ubah (U)"), ("jk_masuk_l", "JK L"), ("jk_masuk_p", "JK P"),
            ("akhir_l", "Akhir L"), ("akhir_p", "Akhir P"), ("akhir_jml", "Akhir")]


def _table(result, kecamatan: str | None) -> Table:
    titles = _titles(result)
    fixed = [Column("No", 22, "right"), Column("Desa/Kelurahan" if kecamatan else "Kecamatan", 150),
             Column("Kode desa" if kecamatan else "Desa", 66 if kecamatan else 32, "centre")]
    room = PAGE_W - 2 * MARGIN - sum(c.width for c in fixed)
    width = min(52.0, room / len(titles))
    return Table([*fixed, *[Column(head, width, "right") for _, head in titles]], MARGIN, size=7.5,
                 row_height=ROW_H)


def _rows(result, kecamatan: str | None) -> list[list[str]]:
    titles = _titles(result)
    if kecamatan:
        frame = result.villages.sort("kode_desa")
        named = [(r["desa"], r["kode_desa"], r) for r in frame.iter_rows(named=True)]
    else:
        named = [(r["kecamatan"], str(r["desa_count"]), r) for r in result.kecamatan.iter_rows(named=True)]
    return [[str(i), scrub(name), scrub(second), *[thousands(int(r[k])) for k, _ in titles]]
            for i, (name, second, r) in enumerate(named, 1)]


def _total_cells(result) -> list[str]:
    return ["JUMLAH", "", *[thousands(int(result.total.get(k, 0))) for k, _ in _titles(result)]]


def _totals_line(result) -> str:
    t = result.total
    return (f"Pemilih awal {thousands(t['awal_jml'])} · baru {thousands(t['baru_jml'])} · "
            f"TMS {thousands(t['tms_jml'])} · perbaikan data {thousands(t['ubah_jml'])} "
            f"(JK jadi L {thousands(t['jk_masuk_l'])}, jadi P {thousands(t['jk_masuk_p'])}) · "
            f"pemilih akhir {thousands(t['akhir_jml'])} (L {thousands(t['akhir_l'])}, P {thousands(t['akhir_p'])})")


def _code_notes(canvas, result, y: float) -> float:
    text = "Keterangan: " + "; ".join(f"{c} {code_label(c, result.regime)}" for c in result.tms_codes)
    text += ("; B pemilih baru; U perbaikan data; JK L / JK P: pemilih yang jenis kelaminnya dikoreksi "
             "menjadi L / P (pindah dari hitungan P ke L atau sebaliknya; jumlah pemilih tetap).")
    for line in wrap(text, PAGE_W - 2 * MARGIN, FONT, 8):
        draw(canvas, MARGIN, y, line, size=8)
        y -= 11
    return y


def _deletions(canvas, result, y: float) -> None:
    """The retention runs of the period: personal data deleted (counts only)."""
    deleted = getattr(result, "deletions", None) or []
    if not deleted:
        return
    draw(canvas, MARGIN, y, "Penghapusan data pribadi karena masa retensi perjanjian berakhir:", font=BOLD, size=8)
    y -= 11
    for entry in deleted:
        for line in wrap(scrub(entry), PAGE_W - 2 * MARGIN, FONT, 8):
            draw(canvas, MARGIN, y, line, size=8)
            y -= 11


def _chart_page(canvas, result, kecamatan: str | None, start: int, count: int) -> None:
    if kecamatan:
        frame = result.villages.sort("kode_desa")
        bars = [(r["desa"], int(r["akhir_l"]), int(r["akhir_p"])) for r in frame.iter_rows(named=True)]
    else:
        bars = [(r["kecamatan"], int(r["akhir_l"]), int(r["akhir_p"])) for r in result.kecamatan.iter_rows(named=True)]
    top = title_block(canvas, LANDSCAPE, [("Pemilih akhir periode per " + ("desa" if kecamatan else "kecamatan")
                                           + " (laki-laki dan perempuan)", BOLD, 12)])
    _legend(canvas, top - 4)
    label_w, value_w = 170.0, 150.0  # room for the names, and for the counts after a bar
    left = MARGIN + label_w
    scale = (PAGE_W - 2 * MARGIN - label_w - value_w) / max([men + women for _, men, women in bars] + [1])
    y = top - 30
    for name, male, female in bars[start:start + count]:
        draw(canvas, left - 6, y + 4, scrub(name), size=8, align="right", width=label_w - 10)
        for x, width, colour in ((left, male * scale, MALE), (left + male * scale, female * scale, FEMALE)):
            canvas.setFillColorRGB(*colour)
            canvas.rect(x, y, width, CHART_ROW - 6, stroke=0, fill=1)
        canvas.setFillGray(0)
        draw(canvas, left + (male + female) * scale + 4, y + 4,
             f"{thousands(male + female)} (L {thousands(male)}, P {thousands(female)})", size=7.5)
        y -= CHART_ROW


def _legend(canvas, y: float) -> None:
    x = MARGIN
    for colour, text in ((MALE, "Laki-laki (L)"), (FEMALE, "Perempuan (P)")):
        canvas.setFillColorRGB(*colour)
        canvas.rect(x, y - 9, 10, 10, stroke=0, fill=1)
        canvas.setFillGray(0)
        draw(canvas, x + 14, y - 8, text, size=9)
        x += 110
