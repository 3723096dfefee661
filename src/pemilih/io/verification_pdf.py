"""Disdukcapil's verification minutes (berita acara verifikasi data pemilih), A4 portrait.

Laid out by io/document_flow: Disdukcapil's letterhead, the title and number, the opening
with the day and date in words, the parties (Disdukcapil, who verified; the receiver, DPML or
the committee), the list and the extract verified (files, dates, rows), the findings per code
with its meaning, L and P, what each code does to the list, notes, and the signature blocks
with NIP. Counts only: no finding's NIK is printed (free text passes through domain/masking
in document_flow anyway).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from pemilih.io.document_flow import Flow, counts_table, heading, letterhead, opening, party, signatures, write_document
from pemilih.io.pdf_common import BOLD

TITLE = "Berita Acara Verifikasi Data Pemilih"


def write_verification_minutes(path, *, number: str, place: str, day: date, parties: list[dict],
                               subtitle: str, inputs: list[str], counts: list[tuple], total: str, meanings: list[str],
                               notes: list[str], letterhead_of: tuple[str, ...]) -> Path:
    """Write the minutes to path; returns the path. `parties`: dicts with name, nip, position,
    agency (the first is Disdukcapil); `inputs`: one line per list or extract verified;
    `counts`: (label, L, P, total) rows, the label the code and its meaning; `total`: the line
    under them; `meanings`: one
    line per code saying what it means and does; `letterhead_of`: the issuing agency's full
    name and the lines under it."""
    content = dict(number=number, place=place, day=day, parties=parties, subtitle=subtitle, inputs=inputs,
                   counts=counts, total=total, meanings=meanings, notes=notes, letterhead_of=letterhead_of)
    return write_document(path, TITLE, lambda flow: _lay_out(flow, **content),
                          note=f"Nomor {number}" if number else "")


def _lay_out(flow: Flow, *, number, place, day, parties, subtitle, inputs, counts, total, meanings, notes,
             letterhead_of) -> None:
    letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    heading(flow, TITLE, number or "." * 30, (subtitle,) if subtitle else ())
    flow.paragraph(opening(day, place))
    for i, who in enumerate(parties):
        party(flow, i, who)
    flow.gap()
    flow.paragraph("PIHAK PERTAMA telah memverifikasi daftar pemilih terhadap data kependudukan dan menyerahkan "
                   "hasilnya kepada PIHAK KEDUA. Data yang diverifikasi:")
    for line in inputs:
        flow.bullet(line)
    flow.gap()
    flow.paragraph("Hasil verifikasi, jumlah temuan menurut kode (L: laki-laki, P: perempuan):")
    counts_table(flow, counts, label="Kode dan arti temuan")
    flow.gap(4)
    flow.line(total, font=BOLD)
    flow.gap()
    flow.line("Arti kode:", font=BOLD)
    for line in meanings:
        flow.bullet(line)
    if notes:
        flow.gap()
        flow.line("Catatan:", font=BOLD)
        for note in notes:
            flow.bullet(note)
    flow.gap()
    flow.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan sebagaimana mestinya.")
    signatures(flow, parties)
