"""The report of voter-education activities (laporan kegiatan pendidikan pemilih), of one
village or of the regency: KPU's letterhead, title and number, the activities per village and
per kind, the participants by sex and segment (L, P, total), for a village the list of its
activities, and the signatures with NIP (KPU; for a village also its committee, as knowing
it). Counts only: no participant is named; free text is scrubbed by the document blocks.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pemilih.domain.voter_education import Tally
from pemilih.io.document_flow import Flow, counts_table, heading, letterhead, signatures, wrapped_table, write_document
from pemilih.io.pdf_common import Column, Table, thousands
from pemilih.io.words_id import date_in_words


def write_education_report(path, *, number: str, day: date, place: str, title: str, scope: str,
                           letterhead_of: tuple[str, ...], parties: list[dict], villages: list[tuple[str, Tally]],
                           kinds: list[tuple[str, Tally]], segments: list[tuple[str, int, int, int]], total: Tally,
                           activities: list[dict]) -> Path:
    """Write the report to path (A4 portrait); returns the path. `villages` and `kinds`:
    (name, tally); `segments`: (name, L, P, total) rows ending with the total; `activities`:
    the rows of a village's report (empty for the regency's); `parties`: name, position,
    agency, nip of each signatory."""
    content = dict(number=number, day=day, place=place, title=title, scope=scope, letterhead_of=letterhead_of,
                   parties=parties, villages=villages, kinds=kinds, segments=segments, total=total,
                   activities=activities)
    return write_document(path, title, lambda flow: _lay_out(flow, **content), note=f"Nomor {number}")


def _tally_table(flow: Flow, label: str, rows: list[tuple[str, Tally]], total: Tally) -> None:
    table = Table([Column("No", 26, "right"), Column(label, flow.width - 26 - 4 * 62),
                   Column("Kegiatan", 62, "right"), Column("L", 62, "right"), Column("P", 62, "right"),
                   Column("Jumlah", 62, "right")], flow.left, size=9, row_height=15)
    cells = [[str(i), name, thousands(t.activities), thousands(t.men), thousands(t.women), thousands(t.total)]
             for i, (name, t) in enumerate(rows, 1)]
    cells.append(["", "Jumlah", thousands(total.activities), thousands(total.men), thousands(total.women),
                  thousands(total.total)])
    wrapped_table(flow, table, cells, shade_last=True)


def _lay_out(flow: Flow, *, number, day, place, title, scope, letterhead_of, parties, villages, kinds, segments,
             total, activities) -> None:
    letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    heading(flow, title, number, (scope,))
    flow.paragraph(f"Pada hari ini, {date_in_words(day)}, disampaikan laporan kegiatan pendidikan pemilih yang "
                   f"telah dilaksanakan sampai dengan tanggal {day:%d-%m-%Y}: {thousands(total.activities)} kegiatan "
                   f"dengan {thousands(total.total)} peserta (laki-laki {thousands(total.men)}, perempuan "
                   f"{thousands(total.women)}). Setiap peserta dihitung sekali, pada satu segmen.")
    flow.gap()
    flow.paragraph("A. Kegiatan dan peserta per desa/lembang")
    _tally_table(flow, "Desa/lembang", villages, total)
    flow.gap()
    flow.paragraph("B. Kegiatan dan peserta per jenis kegiatan")
    _tally_table(flow, "Jenis kegiatan", kinds, total)
    flow.gap()
    flow.paragraph("C. Peserta menurut segmen pemilih")
    counts_table(flow, segments, label="Segmen")
    if activities:
        flow.gap()
        flow.paragraph("D. Daftar kegiatan")
        table = Table([Column("No", 26, "right"), Column("Tanggal", 62), Column("Jenis", 100),
                       Column("Tema", flow.width - 26 - 62 - 100 - 3 * 40), Column("L", 40, "right"),
                       Column("P", 40, "right"), Column("Jml", 40, "right")], flow.left, size=9, row_height=15)
        wrapped_table(flow, table, [[str(a["nomor"]), f"{a['tanggal']:%d-%m-%Y}", a["jenis"], a["tema"],
                                     thousands(a["attendance"].men), thousands(a["attendance"].women),
                                     thousands(a["attendance"].total)] for a in activities])
    flow.gap()
    flow.paragraph(f"Demikian laporan ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya. "
                   f"{place}, {day:%d-%m-%Y}.")
    signatures(flow, parties, named_as_parties=False)
