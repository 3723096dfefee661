"""The copy of the DPT for the polling officers (salinan DPT untuk KPPS) of one TPS: the
voters in list order with the columns officers check a voter against (number, NIK masked,
name, sex, age on the voting day, address, RT/RW) and two to fill in on the day: attendance
(`Hadir`) and the voter's signature (`Tanda tangan`). The header row is repeated on each
page; after the last voter the totals L/P, the attendance to be counted, and the signature
blocks of the KPPS chairman and of the committee that hands the copy over.

Landscape A4, laid out by io/document_flow (letterhead, title and number, page numbers); the
rows are drawn by pdf_common.Table a page at a time (a TPS holds up to 500 voters).
"""
from __future__ import annotations

from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.document_flow import LEADING, Flow, heading, letterhead, signatures, write_document
from pemilih.io.pdf_common import BOLD, LANDSCAPE, Column, Table
from pemilih.io.polling_day import Heading, TpsPlace, TpsVoters
from pemilih.io.words_id import day_and_date, long_date

ROW = 20.0  # room for a signature
HEADER = 16.0
SIZE = 8.0
TITLE = "Salinan Daftar Pemilih Tetap untuk KPPS"
BLANK_NAME, BLANK_NIP = "." * 36, "." * 24


def columns(width: float) -> list[Column]:
    fixed = [Column("No", 28, "right"), Column("NIK", 70), Column("Nama", 170), Column("L/P", 26, "centre"),
             Column("Umur", 30, "right"), Column("Alamat", 150), Column("RT", 26, "centre"),
             Column("RW", 26, "centre"), Column("Hadir", 44, "centre")]
    return [*fixed, Column("Tanda tangan", width - sum(c.width for c in fixed))]


def write_kpps_copy(path, tps: TpsVoters, place: TpsPlace, head: Heading) -> Path:
    """Write the TPS's copy to path; returns the path."""
    note = f"Nomor {head.number} - TPS {tps.tps} {tps.village}"
    return write_document(path, f"{TITLE} TPS {tps.tps} {tps.village}", lambda flow: _lay_out(flow, tps, place, head),
                          pagesize=LANDSCAPE, note=note)


def _lay_out(flow: Flow, tps: TpsVoters, place: TpsPlace, head: Heading) -> None:
    letterhead(flow, head.agency, (f"{tps.village}, Kecamatan {tps.kecamatan.title()}", head.regency))
    heading(flow, TITLE, head.number, (f"Daftar hadir pemilih TPS {tps.tps} {tps.village}", head.election))
    where = place.place and f"{place.place}, {place.address}" or "(tempat TPS belum dicatat)"
    flow.field("Tempat TPS", scrub(where + (f" (koordinat {place.coordinates})" if place.coordinates else "")))
    flow.field("Hari/tanggal", f"{day_and_date(head.voting_day)}, pukul {head.hours}")
    flow.gap()
    table = Table(columns(flow.width), flow.left, size=SIZE, row_height=ROW)
    rows = [(*r, "", "") for r in tps.rows]
    start = 0
    while True:  # a page at a time, the header row on each
        room = int((flow.y - HEADER - flow.bottom) // ROW)
        if room < 3:
            flow.new_page()
            continue
        flow.y = table.header(flow.canvas, flow.y, height=HEADER)
        flow.y = table.rows(flow.canvas, rows[start:start + room], flow.y)
        start += room
        if start >= len(rows):
            break
        flow.new_page()
    flow.gap(4)
    flow.line(f"JUMLAH PEMILIH DALAM DPT: L = {tps.men}, P = {tps.women}, JUMLAH = {len(tps.rows)}", font=BOLD)
    flow.line("Pemilih yang hadir (diisi KPPS): L = ............, P = ............, JUMLAH = ............")
    flow.line("Catatan: NIK disamarkan; tanggal lahir dan keterangan disabilitas tidak dicantumkan. "
              "Pemilih menandatangani kolom Tanda tangan saat hadir.", size=8)
    flow.need(LEADING * 11)
    flow.line(f"{tps.village}, {long_date(head.signed_on)}", align="right")
    signatures(flow, [{"position": f"Ketua KPPS TPS {tps.tps}", "agency": tps.village, "name": BLANK_NAME,
                       "nip": BLANK_NIP},
                      {**head.signer, "agency": head.agency}], named_as_parties=False)
