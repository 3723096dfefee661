"""The report for the coordination meeting (Rakor): the recap of a period as a signable PDF.

Landscape A4, laid out by io/document_flow (so every page says `Halaman i dari n`): KPU's
letterhead, the title with the report's number, the period and the printing date, a line of
regency totals, the table per kecamatan (or per village of one kecamatan) in the order of
their Kemendagri codes, as the recap holds them, with the villages and TPS, and every measure
of rekap.xlsx: voters at start, new (B), TMS per code, corrected (U), sex corrected to L and
to P (the voter moves from one sex's count to the other's: formats.md section 9, so the
columns `keluar` of the workbook are these two read the other way), without KTP-el, and
voters at the end (L, P, total); a total row, the meaning of the codes, the retention runs,
and KPU's signature block (name and NIP). Then a bar chart of the voters at the end, male and
female stacked, drawn with reportlab's own rectangles.

Aggregates only: no identifier is printed (labels pass through domain/masking's
mask_digits_in_text, imported as scrub, anyway).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pemilih.contract import RECAP_KECAMATAN_CODE, RECAP_TPS, recap_tms_column
from pemilih.domain.codes import label as code_label
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import Flow, heading, letterhead, signatures, write_document
from pemilih.io.pdf_common import BOLD, FONT, GREY, LANDSCAPE, Column, Table, draw, thousands, wrap
from pemilih.io.words_id import long_date

ROW_H = 13.0
HEAD_LINES, HEAD_LEADING, HEAD_SIZE = 3, 8.5, 6.5  # the header row: up to three lines a column
CHART_ROW = 20.0
MALE, FEMALE = (0.54, 0.11, 0.11), (0.82, 0.54, 0.54)


def write_rakor_pdf(result, path, *, title: str, printed_on: date, kecamatan: str | None = None,
                    number: str = "", issuer: dict | None = None, place: str = "",
                    cooperation: list | None = None) -> Path:
    """Write the report of `result` (store/recap.py's Recap) to path; per kecamatan, or per
    village when `kecamatan` names the one the recap was narrowed to. `number`: the report's
    number (cycle/documents.issue); `issuer`: KPU as it signs (agency: its full name, name,
    position, nip); `place`: where it is signed; `cooperation`: the sections of
    cycle/cooperation.rakor_sections, printed after the tables. Returns the path."""
    issuer = issuer or {}
    note = f"Nomor {number}" if number else ""
    return write_document(path, title, lambda flow: _lay_out(flow, result, title, printed_on, kecamatan, number,
                                                             issuer, place, cooperation or []),
                          pagesize=LANDSCAPE, note=note)


def _lay_out(flow: Flow, result, title, printed_on, kecamatan, number, issuer, place, cooperation) -> None:
    if issuer.get("agency"):
        letterhead(flow, issuer["agency"])
    scope = f"Kecamatan {kecamatan}" if kecamatan else "Rekapitulasi per kecamatan"
    heading(flow, title, number or "." * 30,
            (scope, f"Periode {result.start_day:%d-%m-%Y} s.d. {result.end_day:%d-%m-%Y}"))
    flow.line(f"Dicetak {printed_on:%d-%m-%Y}", size=9)
    flow.paragraph(_totals_line(result))
    flow.gap()
    _table(flow, result, kecamatan)
    flow.gap()
    _code_notes(flow, result)
    _deletions(flow, result)
    _cooperation(flow, cooperation)
    if issuer:
        flow.need(ROW_H * 11)
        flow.gap(ROW_H)
        # `<place>, <date>` over the signature block, which stands alone at the right.
        flow.y -= ROW_H
        draw(flow.canvas, flow.left + flow.width * 0.75, flow.y,
             f"{scrub(place)}, {long_date(printed_on)}" if place else long_date(printed_on), size=10,
             align="centre", width=flow.width / 2 - 10)
        signatures(flow, [{"position": issuer.get("position", ""), "agency": issuer.get("agency", ""),
                           "name": issuer.get("name", ""), "nip": issuer.get("nip", "")}], named_as_parties=False)
    _chart(flow, result, kecamatan)


def _titles(result) -> list[tuple[str, str]]:
    """(measure column, header) in table order: every measure of rekap.xlsx."""
    return [("awal_jml", "Pemilih awal"), ("baru_jml", "Baru (B)"),
            *[(f"{recap_tms_column(c)}_jml", c) for c in result.tms_codes],
            ("tms_jml", "Jumlah TMS"), ("ubah_jml", "Ubah data (U)"), ("jk_masuk_l", "JK jadi L"),
            ("jk_masuk_p", "JK jadi P"), ("tanpa_ktpel_jml", "Belum KTP-el"),
            ("akhir_l", "Akhir L"), ("akhir_p", "Akhir P"), ("akhir_jml", "Pemilih akhir")]


def _columns(flow: Flow, result, kecamatan: str | None) -> list[Column]:
    fixed = ([Column("No", 20, "right"), Column("Desa/Kelurahan", 104), Column("Kode desa", 60, "centre"),
              Column("Jumlah TPS", 30, "right")] if kecamatan else
             [Column("No", 20, "right"), Column("Kecamatan", 104), Column("Kode", 40, "centre"),
              Column("Jumlah desa", 30, "right"), Column("Jumlah TPS", 30, "right")])
    titles = _titles(result)
    width = (flow.width - sum(c.width for c in fixed)) / len(titles)
    return [*fixed, *[Column(head, width, "right") for _, head in titles]]


def _rows(result, kecamatan: str | None) -> list[list[str]]:
    titles = _titles(result)
    if kecamatan:
        named = [(r["desa"], [r["kode_desa"], thousands(int(r[RECAP_TPS]))], r)
                 for r in result.villages.iter_rows(named=True)]
    else:
        named = [(r["kecamatan"], [r[RECAP_KECAMATAN_CODE] or "", thousands(int(r["desa_count"])),
                                   thousands(int(r[RECAP_TPS]))], r)
                 for r in result.kecamatan.iter_rows(named=True)]
    return [[str(i), scrub(name), *(scrub(x) for x in place), *[thousands(int(r[k])) for k, _ in titles]]
            for i, (name, place, r) in enumerate(named, 1)]


def _total_cells(result, kecamatan: str | None) -> list[str]:
    """The total row's cells after its label (which spans No, name and code)."""
    t = result.total
    counts = [] if kecamatan else [thousands(int(result.kecamatan["desa_count"].sum()))]
    return ["JUMLAH", *counts, thousands(int(t.get(RECAP_TPS, 0))),
            *[thousands(int(t.get(k, 0))) for k, _ in _titles(result)]]


def _table(flow: Flow, result, kecamatan: str | None) -> None:
    """The table, its header again on every page it continues on, the total row at the end."""
    table = Table(_columns(flow, result, kecamatan), flow.left, size=7, row_height=ROW_H, pad=2)
    height = HEAD_LINES * HEAD_LEADING + 5
    flow.need(height + 3 * ROW_H)
    flow.y = _header(flow, table, height)
    for row in _rows(result, kecamatan):
        if flow.y - ROW_H < flow.bottom:
            flow.new_page()
            flow.y = _header(flow, table, height)
        flow.y = table.rows(flow.canvas, [row], flow.y)
    if flow.y - ROW_H < flow.bottom:
        flow.new_page()
        flow.y = _header(flow, table, height)
    flow.y = table.rows(flow.canvas, [_total_cells(result, kecamatan)], flow.y, font=BOLD, shade=True, span=3)


def _header(flow: Flow, table: Table, height: float) -> float:
    """A shaded header row whose labels wrap over up to HEAD_LINES lines (the columns of
    counts are narrow); returns the y below it."""
    canvas, top = flow.canvas, flow.y
    canvas.setFillGray(GREY)
    canvas.rect(table.x, top - height, table.width, height, stroke=0, fill=1)
    canvas.setFillGray(0)
    canvas.setLineWidth(0.3)
    canvas.rect(table.x, top - height, table.width, height, stroke=1, fill=0)
    for left, col in zip(table.lefts, table.columns):
        canvas.line(left, top, left, top - height)
        lines = wrap(col.label, col.width - 2, BOLD, HEAD_SIZE)[:HEAD_LINES]
        y = top - (height - len(lines) * HEAD_LEADING) / 2 - HEAD_LEADING + 2
        for line in lines:
            draw(canvas, left + col.width / 2, y, line, font=BOLD, size=HEAD_SIZE, align="centre",
                 width=col.width - 2)
            y -= HEAD_LEADING
    return top - height


def _totals_line(result) -> str:
    t = result.total
    return (f"Pemilih awal {thousands(t['awal_jml'])} · baru {thousands(t['baru_jml'])} · "
            f"TMS {thousands(t['tms_jml'])} · perbaikan data {thousands(t['ubah_jml'])} "
            f"(JK jadi L {thousands(t['jk_masuk_l'])}, jadi P {thousands(t['jk_masuk_p'])}) · "
            f"belum KTP-el {thousands(t.get('tanpa_ktpel_jml', 0))} · "
            f"pemilih akhir {thousands(t['akhir_jml'])} (L {thousands(t['akhir_l'])}, P {thousands(t['akhir_p'])}) "
            f"di {thousands(t.get(RECAP_TPS, 0))} TPS")


def _code_notes(flow: Flow, result) -> None:
    text = "Keterangan: " + "; ".join(f"{c} {code_label(c, result.regime)}" for c in result.tms_codes)
    text += ("; B pemilih baru; U perbaikan data; JK jadi L / JK jadi P: pemilih yang jenis kelaminnya "
             "dikoreksi menjadi L / P (pindah dari hitungan P ke L atau sebaliknya; jumlah pemilih tetap); "
             "belum KTP-el: pemilih akhir yang belum memiliki KTP elektronik; jumlah TPS: TPS tempat pemilih "
             "akhir terdaftar. Kecamatan dan desa diurutkan menurut kode wilayah Kemendagri.")
    for line in wrap(text, flow.width, FONT, 8):
        flow.line(line, size=8)


def _deletions(flow: Flow, result) -> None:
    """The retention runs of the period: personal data deleted (counts only)."""
    deleted = getattr(result, "deletions", None) or []
    if not deleted:
        return
    flow.gap()
    flow.line("Penghapusan data pribadi karena masa retensi perjanjian berakhir:", font=BOLD, size=8)
    for entry in deleted:
        for line in wrap(scrub(entry), flow.width, FONT, 8):
            flow.line(line, size=8)


def _cooperation(flow: Flow, sections: list) -> None:
    """The cooperation after the hand-back: each section's lines, `label: value`."""
    if not sections:
        return
    flow.gap()
    flow.line("Kerja sama KPU dan Pemerintah Daerah setelah serah kembali daftar:", font=BOLD, size=9)
    for title, lines in sections:
        flow.need(ROW_H * (len(lines) + 2))
        flow.line(scrub(title), font=BOLD, size=8)
        for label, value in lines:
            for line in wrap(f"{scrub(label)}: {scrub(value)}", flow.width, FONT, 8):
                flow.line(line, size=8)


def _chart(flow: Flow, result, kecamatan: str | None) -> None:
    if kecamatan:
        bars = [(r["desa"], int(r["akhir_l"]), int(r["akhir_p"])) for r in result.villages.iter_rows(named=True)]
    else:
        bars = [(r["kecamatan"], int(r["akhir_l"]), int(r["akhir_p"])) for r in result.kecamatan.iter_rows(named=True)]
    label_w, value_w = 170.0, 150.0  # room for the names, and for the counts after a bar
    left = flow.left + label_w
    scale = (flow.width - label_w - value_w) / max([men + women for _, men, women in bars] + [1])
    for n, (name, male, female) in enumerate(bars):
        if n == 0 or flow.y - CHART_ROW < flow.bottom:
            _chart_heading(flow, kecamatan)
        y = flow.y - CHART_ROW + 6
        draw(flow.canvas, left - 6, y + 4, scrub(name), size=8, align="right", width=label_w - 10)
        for x, width, colour in ((left, male * scale, MALE), (left + male * scale, female * scale, FEMALE)):
            flow.canvas.setFillColorRGB(*colour)
            flow.canvas.rect(x, y, width, CHART_ROW - 6, stroke=0, fill=1)
        flow.canvas.setFillGray(0)
        draw(flow.canvas, left + (male + female) * scale + 4, y + 4,
             f"{thousands(male + female)} (L {thousands(male)}, P {thousands(female)})", size=7.5)
        flow.y -= CHART_ROW


def _chart_heading(flow: Flow, kecamatan: str | None) -> None:
    flow.new_page()
    flow.line("Pemilih akhir periode per " + ("desa" if kecamatan else "kecamatan") + " (laki-laki dan perempuan)",
              font=BOLD, size=12, align="centre")
    flow.gap(LEGEND_GAP)
    x = flow.left
    for colour, text in ((MALE, "Laki-laki (L)"), (FEMALE, "Perempuan (P)")):
        flow.canvas.setFillColorRGB(*colour)
        flow.canvas.rect(x, flow.y - 9, 10, 10, stroke=0, fill=1)
        flow.canvas.setFillGray(0)
        draw(flow.canvas, x + 14, flow.y - 8, text, size=9)
        x += 110
    flow.gap(24)


LEGEND_GAP = 8.0
