"""The documents of an equipment loan (pinjam pakai) between KPU and the regency: the loan
agreement (perjanjian pinjam pakai), the hand-over minutes (berita acara serah terima) and a
village's return minutes (berita acara pengembalian).

Each: KPU's letterhead, title and number, the opening with the day in words, the two parties
(KPU lends: PIHAK PERTAMA; DPML borrows: PIHAK KEDUA; on a return the borrower hands back
first), the items in a table (printed as given: the step adds up, not this module), the terms
or the condition of the items, and both signatures with NIP. Counts and officials only: no
personal data of voters; free text is scrubbed of long digit runs (document_flow).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import (
    Flow,
    heading,
    letterhead,
    opening,
    party,
    signatures,
    wrapped_table,
    write_document,
)
from pemilih.io.pdf_common import BOLD, Column, Table, thousands

AGREEMENT_TITLE = "Perjanjian Pinjam Pakai Perlengkapan Pemilihan"
HANDOVER_TITLE = "Berita Acara Serah Terima Barang Pinjam Pakai"
RETURN_TITLE = "Berita Acara Pengembalian Barang Pinjam Pakai"
RETURN_COLUMNS = ("A", "B", "C", "D", "E", "F", "G")  # explained above the table


@dataclass(frozen=True)
class Line:
    """One village's quantity of one item (agreement, hand-over)."""

    village: str  # `Lembang Limbong (73.26.01.2010)`
    item: str
    unit: str
    quantity: int
    condition: str = ""


@dataclass(frozen=True)
class Back:
    """One item of a village's return: lent, what came back how, and what is still out after it."""

    item: str
    unit: str
    lent: int
    earlier: int  # given back (in any condition, or lost) on earlier returns
    good: int
    light: int
    heavy: int
    lost: int
    outstanding: int


def _lines_table(flow: Flow, lines: list[Line], with_condition: bool) -> None:
    rest = 24 + 150 + 45 + 55 + (70 if with_condition else 0)
    columns = [Column("No", 24, "right"), Column("Desa/Lembang", flow.width - rest), Column("Barang", 150),
               Column("Satuan", 45), Column("Jumlah", 55, "right")]
    if with_condition:
        columns.append(Column("Kondisi", 70))
    rows = [[str(i), x.village, x.item, x.unit, thousands(x.quantity), *([x.condition] if with_condition else [])]
            for i, x in enumerate(lines, 1)]
    totals: dict[tuple[str, str], int] = {}
    for x in lines:
        totals[(x.item, x.unit)] = totals.get((x.item, x.unit), 0) + x.quantity
    flow.gap(4)
    wrapped_table(flow, Table(columns, flow.left, size=9, row_height=15), rows)
    flow.gap()
    flow.paragraph("Jumlah seluruhnya: " + "; ".join(f"{item} {thousands(q)} {u}" for (item, u), q in totals.items())
                   + ".", font=BOLD)


def _closing(flow: Flow, parties: list[dict]) -> None:
    flow.gap()
    flow.paragraph("Demikian dokumen ini dibuat dalam rangkap dua, masing-masing mempunyai kekuatan hukum yang "
                   "sama, dan ditandatangani oleh kedua belah pihak.")
    signatures(flow, parties)


def write_agreement(path, *, number: str, day: date, due: date, place: str, election_name: str,
                    letterhead_of: tuple[str, ...], parties: list[dict], lines: list[Line]) -> Path:
    """The loan agreement; `parties`: KPU then DPML (dicts of name, position, agency, nip)."""
    def lay_out(flow: Flow) -> None:
        letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
        heading(flow, AGREEMENT_TITLE, number, (election_name,))
        flow.paragraph(opening(day, place))
        for i, who in enumerate(parties):
            party(flow, i, who)
        flow.gap()
        flow.paragraph("Kedua belah pihak sepakat mengadakan perjanjian pinjam pakai barang milik negara berupa "
                       f"perlengkapan pemungutan suara untuk {scrub(election_name)}, dengan ketentuan sebagai berikut:")
        terms = [
            ("Pasal 1 Objek", "PIHAK PERTAMA meminjamkan kepada PIHAK KEDUA perlengkapan pemungutan suara dalam "
                              "kondisi baik, untuk tempat pemungutan suara di desa/lembang berikut:"),
        ]
        for title, text in terms:
            flow.paragraph(title, font=BOLD)
            flow.paragraph(text)
        _lines_table(flow, lines, with_condition=False)
        for title, text in (
            ("Pasal 2 Jangka Waktu", f"Barang dipinjam sejak diserahkan dan dikembalikan selambat-lambatnya tanggal "
                                     f"{due:%d-%m-%Y}."),
            ("Pasal 3 Kewajiban PIHAK KEDUA", "PIHAK KEDUA menggunakan barang hanya untuk pemilihan tersebut, "
                                              "memeliharanya, dan mengembalikannya dalam kondisi semula. Barang yang "
                                              "rusak atau hilang dicatat dalam berita acara pengembalian dan menjadi "
                                              "tanggung jawab PIHAK KEDUA."),
            ("Pasal 4 Serah Terima dan Pengembalian", "Penyerahan dan pengembalian barang dituangkan dalam berita "
                                                      "acara yang ditandatangani kedua belah pihak; status "
                                                      "kepemilikan barang tetap pada PIHAK PERTAMA."),
        ):
            flow.paragraph(title, font=BOLD)
            flow.paragraph(text)
        _closing(flow, parties)
    return write_document(path, AGREEMENT_TITLE, lay_out, note=f"Nomor {number}")


def write_handover(path, *, number: str, day: date, place: str, election_name: str, agreement: str,
                   letterhead_of: tuple[str, ...], parties: list[dict], lines: list[Line]) -> Path:
    """The hand-over minutes; `parties`: KPU (hands over) then DPML (receives)."""
    def lay_out(flow: Flow) -> None:
        letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
        heading(flow, HANDOVER_TITLE, number, (election_name,))
        flow.paragraph(opening(day, place))
        for i, who in enumerate(parties):
            party(flow, i, who)
        flow.gap()
        flow.paragraph(f"Berdasarkan Perjanjian Pinjam Pakai Nomor {scrub(agreement)}, PIHAK PERTAMA menyerahkan "
                       "kepada PIHAK KEDUA, dan PIHAK KEDUA menerima, barang berikut:")
        _lines_table(flow, lines, with_condition=True)
        flow.paragraph("Barang diterima dalam jumlah dan kondisi sebagaimana tersebut di atas.")
        _closing(flow, parties)
    return write_document(path, HANDOVER_TITLE, lay_out, note=f"Nomor {number}")


def write_return(path, *, number: str, day: date, place: str, election_name: str, village: str, agreement: str,
                 letterhead_of: tuple[str, ...], parties: list[dict], backs: list[Back]) -> Path:
    """A village's return minutes; `parties`: DPML (gives back) then KPU (receives). Per item:
    lent, back in good condition, lightly and heavily damaged, lost, and still out after it."""
    def lay_out(flow: Flow) -> None:
        letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
        heading(flow, RETURN_TITLE, number, (election_name, village))
        flow.paragraph(opening(day, place))
        for i, who in enumerate(parties):
            party(flow, i, who)
        flow.gap()
        flow.paragraph(f"Berdasarkan Perjanjian Pinjam Pakai Nomor {scrub(agreement)}, PIHAK PERTAMA mengembalikan "
                       f"kepada PIHAK KEDUA barang yang dipinjam untuk {scrub(village)}, sebagai berikut:")
        flow.paragraph("A dipinjam; B dikembalikan sebelumnya (baik, rusak, atau hilang); dikembalikan dengan berita "
                       "acara ini: C baik, D rusak ringan, E rusak berat, F hilang; G belum kembali sesudahnya. "
                       "A = B + C + D + E + F + G.")
        w = 46
        columns = [Column("No", 24, "right"), Column("Barang", flow.width - 24 - 45 - len(RETURN_COLUMNS) * w),
                   Column("Satuan", 45), *(Column(label, w, "right") for label in RETURN_COLUMNS)]
        rows = [[str(i), b.item, b.unit, *(thousands(v) for v in (b.lent, b.earlier, b.good, b.light, b.heavy,
                                                                  b.lost, b.outstanding))]
                for i, b in enumerate(backs, 1)]
        flow.gap(4)
        wrapped_table(flow, Table(columns, flow.left, size=9, row_height=15), rows)
        flow.gap()
        flow.paragraph("Barang rusak dan hilang menjadi tanggung jawab peminjam sesuai perjanjian.")
        _closing(flow, parties)
    return write_document(path, RETURN_TITLE, lay_out, note=f"Nomor {number}")
