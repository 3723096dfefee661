"""Receipts of the polling-day equipment (tanda terima logistik): one page per TPS, the TPS of
one village in one file.

Each page: the committee's letterhead, title and number, who hands over to whom, the items
with their unit and the quantity the logistics calculation gave the TPS (engine/logistics.py,
printed as given: nothing is added up here), empty columns for the quantity received and its
condition, and the giver's and the receiver's signatures with NIP lines. Counts only: no
personal data of voters.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import Flow, heading, letterhead, signatures, write_document
from pemilih.io.pdf_common import FONT, Column, Table, thousands, wrap

TITLE = "Tanda Terima Logistik Pemungutan Suara"
ROW = 20.0  # room to write a figure by hand


@dataclass(frozen=True)
class Item:
    name: str
    unit: str
    sent: int
    received: int | None = None  # known when the KPPS recorded it (the ballots), else written by hand


@dataclass(frozen=True)
class ReceiptPage:
    number: str
    tps_label: str  # `TPS 001 Lembang Buntu (73.26.01.2001)`
    place: str
    day: date
    items: list[Item]
    giver: dict  # name, position, agency, nip (as document_flow.signatures takes them)
    taker: dict


def write_receipts(path, pages: list[ReceiptPage], *, election_name: str, letterhead_of: tuple[str, ...],
                   note: str = "") -> Path:
    """Write one page per TPS to path (A4 portrait); returns the path."""
    def lay_out(flow: Flow) -> None:
        for i, page in enumerate(pages):
            if i:
                flow.new_page()
            _page(flow, page, election_name, letterhead_of)
    return write_document(path, TITLE, lay_out, note=note)


def _page(flow: Flow, page: ReceiptPage, election_name: str, letterhead_of: tuple[str, ...]) -> None:
    letterhead(flow, letterhead_of[0], tuple(letterhead_of[1:]))
    heading(flow, TITLE, page.number, (election_name, page.tps_label))
    giver = f"{page.giver.get('position', '')} {page.giver.get('agency', '')}"
    flow.paragraph(scrub(f"Pada tanggal {page.day:%d-%m-%Y}, bertempat di {page.place}, {giver} menyerahkan kepada "
                         f"{page.taker.get('position', '')} perlengkapan pemungutan suara berikut, menurut "
                         "perhitungan kebutuhan logistik per TPS:"))
    flow.gap()
    _items(flow, page.items)
    flow.gap()
    flow.paragraph("Jumlah diterima dan kondisi (baik/rusak) diisi penerima saat barang diterima; kekurangan atau "
                   "kerusakan dicatat dan dilaporkan kepada panitia.")
    flow.gap()
    flow.line(scrub(f"{page.place}, {page.day:%d-%m-%Y}"))
    signatures(flow, [page.giver, page.taker], named_as_parties=False)


def _items(flow: Flow, items: list[Item]) -> None:
    rest = 24 + 45 + 50 + 55 + 80
    columns = [Column("No", 24, "right"), Column("Barang", flow.width - rest), Column("Satuan", 45),
               Column("Dikirim", 50, "right"), Column("Diterima", 55, "right"), Column("Kondisi", 80)]
    table = Table(columns, flow.left, size=9, row_height=ROW)
    flow.need(18 + ROW * len(items))
    flow.y = table.header(flow.canvas, flow.y, height=18)
    room = columns[1].width - 2 * table.pad
    rows = [[str(i), (wrap(scrub(item.name), room, FONT, 9) or [""])[0], item.unit, thousands(item.sent),
             thousands(item.received), ""] for i, item in enumerate(items, 1)]
    flow.y = table.rows(flow.canvas, rows, flow.y)
