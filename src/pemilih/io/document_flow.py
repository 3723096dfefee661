"""The flowing layout of a signable document (minutes, decisions, reports, receipts):
a cursor down the A4 page that starts a new page when a block does not fit, laid out twice so
every page can say `Halaman i dari n`; and the blocks such documents share: the agency's
letterhead, title and number, the numbered parties, a table of counts (with L and P), notes,
and signature blocks with name and NIP.

Free text passes through domain/masking's mask_digits_in_text (imported as scrub), so nothing
printed by these blocks can show a NIK.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.pdf_common import (
    BOLD,
    FONT,
    MARGIN,
    PORTRAIT,
    Column,
    Table,
    draw,
    open_canvas,
    page_footer,
    pdf_file,
    thousands,
    wrap,
)
from pemilih.io.words_id import date_in_words

SIZE, LEADING = 10.0, 14.0
INDENT = 18.0  # of the lines under a numbered party
ORDINALS = ("PERTAMA", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
            "KESEMBILAN", "KESEPULUH")
ROW = 15.0


def write_document(path, title: str, lay_out: Callable[[Flow], None], *, pagesize=PORTRAIT,
                   note: str = "") -> Path:
    """Lay the document out with `lay_out(flow)` (called twice: once to count the pages, once
    to draw with `Halaman i dari n`) and write it to path; returns the path. `note`: printed at
    the bottom left of every page (e.g. the document's number)."""
    counter = Flow(open_canvas(io.BytesIO(), pagesize), total=None, pagesize=pagesize, note=note)
    lay_out(counter)
    counter.finish()
    with pdf_file(path, pagesize, title=title) as canvas:
        flow = Flow(canvas, total=counter.page, pagesize=pagesize, note=note)
        lay_out(flow)
        flow.finish()
    return Path(path)


def party_name(i: int) -> str:
    """`PIHAK PERTAMA`, `PIHAK KEDUA`, ... (numbers past the tenth)."""
    return f"PIHAK {ORDINALS[i]}" if i < len(ORDINALS) else f"PIHAK KE-{i + 1}"


def opening(day: date, place: str) -> str:
    return (f"Pada hari ini, {date_in_words(day)} ({day:%d-%m-%Y}), bertempat di {scrub(place)}, "
            "kami yang bertanda tangan di bawah ini:")


class Flow:
    """A cursor down the page that starts a new page when a block does not fit."""

    def __init__(self, canvas, total: int | None, *, pagesize=PORTRAIT, note: str = ""):
        self.canvas, self.total, self.page, self.pagesize, self.note = canvas, total, 1, pagesize, note
        self.left = self.bottom = MARGIN * 2  # margins of 2 cm
        self.width = pagesize[0] - 2 * self.left
        self.y = pagesize[1] - MARGIN * 2

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = self.pagesize[1] - MARGIN * 2

    def finish(self) -> None:
        self._footer()

    def _footer(self) -> None:
        page_footer(self.canvas, self.pagesize, self.page, self.total, scrub(self.note))

    def line(self, text: str, *, font: str = FONT, size: float = SIZE, align: str = "left",
             indent: float = 0) -> None:
        self.need(LEADING)
        self.y -= LEADING
        x = {"left": self.left + indent, "centre": self.pagesize[0] / 2, "right": self.left + self.width}[align]
        draw(self.canvas, x, self.y, text, font=font, size=size, align=align, width=self.width - indent)

    def field(self, label: str, value: str, colon: bool = True) -> None:
        """`label : value` with the colons of consecutive fields under each other."""
        self.line(label, indent=INDENT)
        text = f": {value}" if colon else f"  {value}"
        draw(self.canvas, self.left + INDENT + 62, self.y, text, size=SIZE, width=self.width - INDENT - 62)

    def paragraph(self, text: str, *, indent: float = 0, font: str = FONT) -> None:
        for line in wrap(text, self.width - indent, font, SIZE):
            self.line(line, indent=indent, font=font)

    def gap(self, height: float = LEADING / 2) -> None:
        self.y -= height

    def bullet(self, text: str) -> None:
        for n, line in enumerate(wrap(scrub(text), self.width - 18, FONT, SIZE)):
            self.line(("- " if n == 0 else "") + line, indent=6 if n == 0 else 14)


def letterhead(flow: Flow, agency_name: str, lines: tuple[str, ...] = ()) -> None:
    """The heading of an agency's letter (kop): its full name in capitals, further lines (the
    regency, an address) and a double rule across the page."""
    for line in wrap(scrub(agency_name).upper(), flow.width, BOLD, 12):
        flow.line(line, font=BOLD, size=12, align="centre")
    for text in lines:
        flow.line(scrub(text), size=9, align="centre")
    flow.gap(5)
    flow.canvas.setLineWidth(1.2)
    flow.canvas.line(flow.left, flow.y, flow.left + flow.width, flow.y)
    flow.canvas.setLineWidth(0.4)
    flow.canvas.line(flow.left, flow.y - 2.5, flow.left + flow.width, flow.y - 2.5)
    flow.gap(LEADING)


def heading(flow: Flow, title: str, number: str, subtitle_lines: tuple[str, ...] = ()) -> None:
    """The title in capitals (wrapped, never cut), lines under it (e.g. `TENTANG ...`), and
    `Nomor: ...`."""
    for line in wrap(scrub(title).upper(), flow.width, BOLD, 13):
        flow.line(line, font=BOLD, size=13, align="centre")
    for text in subtitle_lines:
        for line in wrap(scrub(text), flow.width, BOLD, SIZE):
            flow.line(line, font=BOLD, align="centre")
    flow.line(f"Nomor: {scrub(number)}", align="centre")
    flow.gap(LEADING)


def party(flow: Flow, i: int, who: dict) -> None:
    """A numbered party: name, NIP (when known), position and agency, `selanjutnya disebut
    PIHAK ...`."""
    flow.need(LEADING * 4 + 4)
    flow.gap(4)
    fields = [("Nama", "name"), ("NIP", "nip"), ("Jabatan", "position"), ("Instansi", "agency")]
    for label, key in fields:
        if key == "nip" and not who.get("nip"):
            continue
        value = scrub(who.get(key) or who.get("role", "") if key == "position" else who.get(key, ""))
        room = flow.width - INDENT - 62 - 8
        for n, line in enumerate(wrap(value, room, FONT, SIZE) or [""]):
            flow.field(label if n == 0 else "", line, colon=n == 0)
        if key == "name":
            draw(flow.canvas, flow.left, flow.y + (0 if n == 0 else LEADING * n), f"{i + 1}.", size=SIZE)
    flow.line(f"selanjutnya disebut {party_name(i)}.", indent=INDENT)


def counts_table(flow: Flow, counts: list[tuple], label: str = "Uraian") -> None:
    """Rows of (label, total) or (label, men, women, total): a numbered table, with L and P
    columns when any row has them; a long label wraps over several lines, never cut."""
    split = any(len(c) == 4 for c in counts)
    if split:
        columns = [Column("No", 30, "right"), Column(label, flow.width - 30 - 3 * 60), Column("L", 60, "right"),
                   Column("P", 60, "right"), Column("Jumlah", 60, "right")]
    else:
        columns = [Column("No", 30, "right"), Column(label, flow.width - 30 - 110), Column("Jumlah", 110, "right")]
    table = Table(columns, flow.left, size=9, row_height=ROW)
    room = table.columns[1].width - 2 * table.pad
    flow.need(18 + ROW * min(len(counts), 3))
    flow.gap(4)
    flow.y = table.header(flow.canvas, flow.y, height=18)
    for i, count in enumerate(counts, 1):
        text, values = count[0], (count[1:] if split and len(count) == 4 else ("", "", count[-1]) if split
                                  else count[-1:])
        lines = wrap(scrub(text), room, FONT, 9) or [""]
        rows = [[str(i), lines[0], *(scrub(thousands(v)) for v in values)]]
        rows += [["", line, *("" for _ in values)] for line in lines[1:]]
        if flow.y - ROW * len(rows) < flow.bottom:
            flow.new_page()
            flow.y = table.header(flow.canvas, flow.y, height=18)  # the header again on the new page
        top = flow.y
        flow.y = table.rows(flow.canvas, rows, flow.y)
        if len(rows) > 1:  # one cell over several lines: no rules between them
            _erase_inner_rules(flow.canvas, table, top, len(rows))


def _erase_inner_rules(canvas, table: Table, top: float, n: int) -> None:
    canvas.setStrokeGray(1)
    canvas.setLineWidth(0.6)
    for k in range(1, n):
        y = top - k * ROW
        for left, col in zip(table.lefts, table.columns):
            canvas.line(left + 0.5, y, left + col.width - 0.5, y)
    canvas.setStrokeGray(0)
    canvas.setLineWidth(0.3)


def signatures(flow: Flow, parties: list[dict], *, named_as_parties: bool = True) -> None:
    """Two blocks a row: the party's name in the minutes (PIHAK ...; left out when
    `named_as_parties` is false), position and agency (wrapped), room to sign, the name in
    brackets and the NIP under it (`NIP. ....` dotted when unknown, so it can be written in)."""
    half = flow.width / 2
    for start in range(0, len(parties), 2):
        pair = parties[start:start + 2]
        heads = [([(party_name(start + j), BOLD)] if named_as_parties else [])
                 + [(line, FONT) for line in wrap(scrub(p.get("position") or p.get("role", "")), half - 10, FONT, SIZE)]
                 + [(line, FONT) for line in wrap(scrub(p.get("agency", "")), half - 10, FONT, SIZE)]
                 for j, p in enumerate(pair)]
        depth = max(len(h) for h in heads)
        extra = 1 if any(p.get("nip") for p in pair) else 0
        flow.need(LEADING * (depth + 5 + extra))
        flow.gap(LEADING)
        top = flow.y
        for j, (who, head) in enumerate(zip(pair, heads)):
            x = flow.left + half * j + half / 2 if len(pair) > 1 or len(parties) > 1 else flow.left + half * 1.5
            lines = [(text, font, top - (n + 1) * LEADING) for n, (text, font) in enumerate(head)]
            lines.append((f"( {scrub(who.get('name', ''))} )", BOLD, top - (depth + 4) * LEADING))
            if who.get("nip"):
                lines.append((f"NIP. {scrub(who['nip'])}", FONT, top - (depth + 5) * LEADING))
            for text, font, y in lines:
                draw(flow.canvas, x, y, text, font=font, size=SIZE, align="centre", width=half - 10)
        flow.y = top - (depth + 4 + extra) * LEADING


def signed_at(flow: Flow, place: str, day: date, who: dict) -> None:
    """One signatory at the right, as a decision is signed: `Ditetapkan di <place>`, `pada
    tanggal <date>`, position and agency, room to sign, name and NIP."""
    flow.need(LEADING * 10)
    flow.gap(LEADING)
    x = flow.left + flow.width * 0.55
    for text in (f"Ditetapkan di {scrub(place)}", f"pada tanggal {day:%d-%m-%Y}"):
        flow.line(text, indent=x - flow.left)
    signatures_at = dict(who)
    flow.gap(4)
    half = flow.width - (x - flow.left)
    top = flow.y
    head = wrap(scrub(signatures_at.get("position", "")), half - 10, BOLD, SIZE) + wrap(
        scrub(signatures_at.get("agency", "")), half - 10, BOLD, SIZE)
    for n, text in enumerate(head):
        draw(flow.canvas, x + half / 2, top - (n + 1) * LEADING, text, font=BOLD, size=SIZE, align="centre",
             width=half - 10)
    depth = len(head)
    draw(flow.canvas, x + half / 2, top - (depth + 4) * LEADING, f"( {scrub(who.get('name', ''))} )", font=BOLD,
         size=SIZE, align="centre", width=half - 10)
    if who.get("nip"):
        draw(flow.canvas, x + half / 2, top - (depth + 5) * LEADING, f"NIP. {scrub(who['nip'])}", size=SIZE,
             align="centre", width=half - 10)
    flow.y = top - (depth + 5 + (1 if who.get("nip") else 0)) * LEADING


def wrapped_table(flow: Flow, table: Table, rows: list[list[str]], *, header_height: float = 18,
                  shade_last: bool = False) -> None:
    """Rows of cells under the table's header, repeated on each new page; a cell too long for
    its column wraps over lines (never cut). `shade_last`: the last row is a total, shaded."""
    rooms = [c.width - 2 * table.pad for c in table.columns]
    flow.need(header_height + ROW * min(len(rows), 3))
    flow.y = table.header(flow.canvas, flow.y, height=header_height)
    for n, cells in enumerate(rows):
        wrapped = [wrap(scrub(text), room, FONT, table.size) or [""] for text, room in zip(cells, rooms)]
        depth = max(len(w) for w in wrapped)
        lines = [[w[k] if k < len(w) else "" for w in wrapped] for k in range(depth)]
        if flow.y - table.row_height * depth < flow.bottom:
            flow.new_page()
            flow.y = table.header(flow.canvas, flow.y, height=header_height)
        top = flow.y
        flow.y = table.rows(flow.canvas, lines, flow.y, shade=shade_last and n == len(rows) - 1)
        if depth > 1:
            _erase_inner_rules(flow.canvas, table, top, depth)
