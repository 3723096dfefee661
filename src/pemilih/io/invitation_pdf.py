"""Invitations to vote (surat undangan memberikan suara) of one TPS: one per voter, six to an
A4 page (two across, three down) with dashed cut lines between them, in list order.

Each names the voter (name, address, number on the DPT of the TPS), the TPS with its place
and address from the register, the voting day and hours, and is signed by the committee's
chairman. No NIK, no birth date: an invitation travels through many hands before it reaches
its voter (free text passes through domain/masking too).

A page is one text literal (pdf_common.draw_many): a regency's invitations are a few tens of
thousands of pages.
"""
from __future__ import annotations

from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.pdf_common import (
    BOLD,
    FONT,
    MARGIN,
    PORTRAIT,
    dashed_lines,
    draw_many,
    page_footer,
    pdf_file,
    wrap,
)
from pemilih.io.polling_day import Heading, TpsPlace, TpsVoters
from pemilih.io.words_id import day_and_date, long_date

ACROSS, DOWN = 2, 3
PER_PAGE = ACROSS * DOWN
PAD, LEAD, LABEL = 10.0, 10.0, 66.0
TITLE = "SURAT UNDANGAN MEMBERIKAN SUARA"


def write_invitations(path, tps: TpsVoters, place: TpsPlace, head: Heading) -> Path:
    """Write the TPS's invitations to path; returns the path."""
    width, height = PORTRAIT
    cell_w, cell_h = (width - 2 * MARGIN) / ACROSS, (height - 2 * MARGIN) / DOWN
    text_w = cell_w - 2 * PAD
    common = _common_lines(tps, place, head, text_w)
    pages = max(1, -(-len(tps.rows) // PER_PAGE))
    note = scrub(f"Undangan TPS {tps.tps} {tps.village} - Nomor {head.number} - gunting pada garis putus-putus")
    with pdf_file(path, PORTRAIT, title=f"Undangan TPS {tps.tps} {tps.village}") as canvas:
        for page in range(pages):
            if page:
                canvas.showPage()
            chunk = tps.rows[page * PER_PAGE:(page + 1) * PER_PAGE]
            items = []
            for i, row in enumerate(chunk):
                left = MARGIN + (i % ACROSS) * cell_w + PAD
                top = height - MARGIN - (i // ACROSS) * cell_h - PAD
                items += _card(left, top, text_w, row, tps, common)
            draw_many(canvas, items)
            dashed_lines(canvas, _cuts(width, height, cell_w, cell_h))
            page_footer(canvas, PORTRAIT, page + 1, pages, note=note)
    return Path(path)


def _cuts(width: float, height: float, cell_w: float, cell_h: float) -> list[tuple]:
    """The grid's inner lines across the page and the outer frame's, all dashed."""
    bottom, top = MARGIN, height - MARGIN
    lines = [(MARGIN + i * cell_w, bottom, MARGIN + i * cell_w, top) for i in range(ACROSS + 1)]
    lines += [(MARGIN, bottom + j * cell_h, width - MARGIN, bottom + j * cell_h) for j in range(DOWN + 1)]
    return lines


def _common_lines(tps: TpsVoters, place: TpsPlace, head: Heading, width: float) -> dict:
    """What every invitation of the TPS prints the same, wrapped once."""
    where = f"TPS {tps.tps}" + (f", {place.place}" if place.place else " (tempat diumumkan panitia)")
    return {
        "agency": wrap(scrub(head.agency).upper(), width, BOLD, 7.5)[:2],
        "village": scrub(f"{tps.village}, Kecamatan {tps.kecamatan.title()}"),
        "number": scrub(f"Nomor: {head.number}"),
        "invite": wrap(scrub(f"Dengan hormat, Saudara/i diundang memberikan suara dalam {head.election} pada:"),
                       width, FONT, 8)[:2],
        "when": [("Hari/tanggal", day_and_date(head.voting_day)), ("Pukul", f"{head.hours} waktu setempat")],
        "where": _field_lines("Tempat", scrub(where), width) + _field_lines("Alamat TPS", scrub(place.address), width)
        + (_field_lines("Koordinat", place.coordinates, width) if place.coordinates else []),
        "signed": scrub(f"{tps.village}, {long_date(head.signed_on)}"),
        "signer": [scrub(head.signer.get("position", "")), f"( {scrub(head.signer.get('name', ''))} )",
                   f"NIP. {scrub(head.signer.get('nip', ''))}"],
    }


def _field_lines(label: str, value: str, width: float) -> list[tuple[str, str]]:
    lines = wrap(value, width - LABEL, FONT, 8)[:2] or [""]
    return [(label if n == 0 else "", line) for n, line in enumerate(lines)]


def _card(left: float, top: float, width: float, row: tuple, tps: TpsVoters, common: dict) -> list[tuple]:
    """The lines of one invitation, as draw_many takes them, from its top left corner down."""
    number, _nik, name, _sex, _age, address, rt, rw = row
    out = []
    y = top

    def line(text, *, font=FONT, size=8.0, centre=None, step=LEAD, room=width):
        nonlocal y
        y -= step
        if centre is None:
            out.append((left, y, text, font, size, "left", room))
        else:
            out.append((centre, y, text, font, size, "centre", room))

    def field(label, value, *, font=FONT):
        line(label)
        out.append((left + LABEL, y, f": {value}" if label else f"  {value}", font, 8.0, "left", width - LABEL))

    middle = left + width / 2
    for text in common["agency"]:
        line(text, font=BOLD, size=7.5, centre=middle, step=9)
    line(common["village"], size=7, centre=middle, step=9)
    line(TITLE, font=BOLD, size=9.5, centre=middle, step=14)
    line(common["number"], size=7.5, centre=middle)
    y -= 4
    line("Kepada Yth. Saudara/i:")
    field("Nama", scrub(name), font=BOLD)
    field("Alamat", scrub(" ".join(p for p in (address, f"RT {rt}/RW {rw}" if rt or rw else "") if p)))
    field("Nomor urut", f"{number} dalam DPT TPS {tps.tps}", font=BOLD)
    y -= 4
    for text in common["invite"]:
        line(text)
    for label, value in common["when"]:
        field(label, value)
    for label, value in common["where"]:
        field(label, value)
    line("Bawalah undangan ini beserta KTP-el atau Kartu Keluarga.", size=7.5)
    signer_at, room = left + width * 0.66, width * 0.66
    line(common["signed"], size=7.5, centre=signer_at, room=room)
    line(common["signer"][0], size=7.5, centre=signer_at, room=room)
    y -= LEAD * 2
    line(common["signer"][1], font=BOLD, size=7.5, centre=signer_at, room=room)
    line(common["signer"][2], size=7.5, centre=signer_at, room=room)
    return out
