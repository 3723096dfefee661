"""The berita acara (hand-over minutes) of the hand-back package (formats.md section 5).

Title and number; the opening sentence with the day and date written out in words, as
official minutes do; the parties; a table of the counts handed over; the SHA-256 of the
package's manifest in full, in a monospaced font, so anyone can check the files against
it; notes; a signature block per party.

Nothing in it may look like a NIK: free text passes through domain/masking's
mask_digits_in_text (imported as scrub), the hash is printed in groups of 8 characters (see
grouped_hash), counts are small.
The page count is known only after laying everything out, so the minutes are laid out
twice: once to count pages, once to draw with `Halaman i dari n`.
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.pdf_common import (
    BOLD,
    FONT,
    MARGIN,
    MONO,
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
from pemilih.io.signing import grouped
from pemilih.io.words_id import date_in_words

WIDTH = PORTRAIT[0] - 2 * MARGIN * 2  # text column: margins of 2 cm each side
LEFT = MARGIN * 2
BOTTOM = MARGIN * 2
SIZE, LEADING = 10.0, 14.0
INDENT = 18.0  # of the lines under a numbered party
ORDINALS = ("PERTAMA", "KEDUA", "KETIGA", "KEEMPAT", "KELIMA", "KEENAM", "KETUJUH", "KEDELAPAN",
            "KESEMBILAN", "KESEPULUH")
COUNT_COLUMNS = [Column("No", 30, "right"), Column("Uraian", WIDTH - 30 - 110), Column("Jumlah", 110, "right")]
# With a split by sex (rows of label, L, P, total).
SEX_COLUMNS = [Column("No", 30, "right"), Column("Uraian", WIDTH - 30 - 3 * 60), Column("L", 60, "right"),
               Column("P", 60, "right"), Column("Jumlah", 60, "right")]
ROW = 15.0


def write_minutes(path, *, title: str, number: str, place: str, day: date, parties: list[dict],
                  counts: list[tuple], manifest_sha256: str, notes: list[str],
                  signer_fingerprint: str | None = None) -> Path:
    """Write the minutes to path (A4 portrait); returns the path. Each party is a dict with
    name, role and agency, and optionally position (jabatan) and nip; each row of `counts` is
    (label, total) or (label, men, women, total) (then the table has L and P columns);
    `signer_fingerprint`: the fingerprint of the key that signs the
    package (io/signing.py), printed under the manifest hash."""
    content = dict(title=title, number=number, place=place, day=day, parties=parties, counts=counts,
                   manifest_sha256=manifest_sha256, notes=notes, signer_fingerprint=signer_fingerprint)
    counter = _Flow(open_canvas(io.BytesIO(), PORTRAIT), total=None)
    _lay_out(counter, **content)
    with pdf_file(path, PORTRAIT, title=title) as canvas:
        _lay_out(_Flow(canvas, total=counter.page), **content)
    return Path(path)


def party_name(i: int) -> str:
    """`PIHAK PERTAMA`, `PIHAK KEDUA`, ... (numbers past the tenth)."""
    return f"PIHAK {ORDINALS[i]}" if i < len(ORDINALS) else f"PIHAK KE-{i + 1}"


def grouped_hash(sha256: str) -> str:
    """The hash in groups of 8, as fingerprints are printed: easier to compare by eye, and a
    hex string can hold 16 decimal digits in a row (about one hash in a hundred), which
    printed whole would look like a NIK."""
    text = (sha256 or "").strip().lower()
    if len(text) != 64 or any(c not in "0123456789abcdef" for c in text):
        raise ValueError("manifest_sha256 harus 64 karakter heksadesimal")
    return grouped(text)


def opening(day: date, place: str) -> str:
    return (f"Pada hari ini, {date_in_words(day)} ({day:%d-%m-%Y}), bertempat di {scrub(place)}, "
            "kami yang bertanda tangan di bawah ini:")


class _Flow:
    """A cursor down the page that starts a new page when a block does not fit."""

    def __init__(self, canvas, total: int | None):
        self.canvas, self.total, self.page = canvas, total, 1
        self.y = PORTRAIT[1] - MARGIN * 2

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self._footer()
            self.canvas.showPage()
            self.page += 1
            self.y = PORTRAIT[1] - MARGIN * 2

    def finish(self) -> None:
        self._footer()

    def _footer(self) -> None:
        page_footer(self.canvas, PORTRAIT, self.page, self.total)

    def line(self, text: str, *, font: str = FONT, size: float = SIZE, align: str = "left",
             indent: float = 0) -> None:
        self.need(LEADING)
        self.y -= LEADING
        x = {"left": LEFT + indent, "centre": PORTRAIT[0] / 2, "right": LEFT + WIDTH}[align]
        draw(self.canvas, x, self.y, text, font=font, size=size, align=align, width=WIDTH - indent)

    def field(self, label: str, value: str, colon: bool = True) -> None:
        """`label : value` with the colons of consecutive fields under each other."""
        self.line(label, indent=INDENT)
        text = f": {value}" if colon else f"  {value}"
        draw(self.canvas, LEFT + INDENT + 62, self.y, text, size=SIZE, width=WIDTH - INDENT - 62)

    def paragraph(self, text: str, *, indent: float = 0, font: str = FONT) -> None:
        for line in wrap(text, WIDTH - indent, font, SIZE):
            self.line(line, indent=indent, font=font)

    def gap(self, height: float = LEADING / 2) -> None:
        self.y -= height


def _lay_out(flow: _Flow, *, title, number, place, day, parties, counts, manifest_sha256, notes,
             signer_fingerprint=None) -> None:
    for line in wrap(scrub(title).upper(), WIDTH, BOLD, 13):  # wrapped, never cut
        flow.line(line, font=BOLD, size=13, align="centre")
    flow.line(f"Nomor: {scrub(number)}", align="centre")
    flow.gap(LEADING)
    flow.paragraph(opening(day, place))
    for i, party in enumerate(parties):
        _party(flow, i, party)
    flow.gap()
    flow.paragraph("Para pihak telah melakukan serah terima paket data pemilih hasil pemutakhiran "
                   "dengan rincian sebagai berikut:")
    _counts(flow, counts)
    flow.gap()
    flow.paragraph("Keutuhan paket dapat diperiksa dengan sidik manifest (manifest_sha256 dalam "
                   "manifest.json: SHA-256 manifest sebelum berita acara ini dicantumkan) berikut "
                   "(64 karakter, ditulis per 8 karakter):")
    flow.line(grouped_hash(manifest_sha256), font=MONO, size=9.5, indent=12)
    if signer_fingerprint:
        flow.paragraph("Manifest ditandatangani secara elektronik (Ed25519, manifest.sig) dengan kunci "
                       "yang sidik kunci publiknya (SHA-256) sebagai berikut:")
        flow.line(grouped_hash(signer_fingerprint), font=MONO, size=9.5, indent=12)
    if notes:
        flow.gap()
        flow.line("Catatan:", font=BOLD)
        for note in notes:
            _bullet(flow, scrub(note))
    flow.gap()
    flow.paragraph("Demikian berita acara ini dibuat dengan sebenarnya untuk dipergunakan "
                   "sebagaimana mestinya.")
    _signatures(flow, parties)
    flow.finish()


def _party(flow: _Flow, i: int, party: dict) -> None:
    flow.need(LEADING * 4 + 4)
    flow.gap(4)
    fields = [("Nama", "name"), ("NIP", "nip"), ("Jabatan", "position"), ("Instansi", "agency")]
    for label, key in fields:
        if key == "nip" and not party.get("nip"):
            continue
        value = scrub(party.get(key) or party.get("role", "") if key == "position" else party.get(key, ""))
        room = WIDTH - INDENT - 62 - 8
        for n, line in enumerate(wrap(value, room, FONT, SIZE) or [""]):
            flow.field(label if n == 0 else "", line, colon=n == 0)
        if key == "name":
            draw(flow.canvas, LEFT, flow.y + (0 if n == 0 else LEADING * n), f"{i + 1}.", size=SIZE)
    flow.line(f"selanjutnya disebut {party_name(i)}.", indent=INDENT)


def _bullet(flow: _Flow, text: str) -> None:
    for n, line in enumerate(wrap(text, WIDTH - 18, FONT, SIZE)):
        flow.line(("- " if n == 0 else "") + line, indent=6 if n == 0 else 14)


def _counts(flow: _Flow, counts: list[tuple]) -> None:
    split = any(len(c) == 4 for c in counts)
    table = Table(SEX_COLUMNS if split else COUNT_COLUMNS, LEFT, size=9, row_height=ROW)
    room = table.columns[1].width - 2 * table.pad
    flow.need(18 + ROW * min(len(counts), 3))
    flow.gap(4)
    flow.y = table.header(flow.canvas, flow.y, height=18)
    for i, count in enumerate(counts, 1):
        label, values = count[0], (count[1:] if split and len(count) == 4 else ("", "", count[-1]) if split
                                   else count[-1:])
        lines = wrap(scrub(label), room, FONT, 9) or [""]  # a long label takes more lines, never cut
        rows = [[str(i), lines[0], *(scrub(thousands(v)) for v in values)]]
        rows += [["", line, *("" for _ in values)] for line in lines[1:]]
        flow.need(ROW * len(rows))
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


def _signatures(flow: _Flow, parties: list[dict]) -> None:
    """Two blocks a row: the party's name in the minutes, position and agency (wrapped), room
    to sign, the name underlined in brackets and the NIP under it."""
    half = WIDTH / 2
    for start in range(0, len(parties), 2):
        pair = parties[start:start + 2]
        heads = [[(party_name(start + j), BOLD)]
                 + [(line, FONT) for line in wrap(scrub(p.get("position") or p.get("role", "")), half - 10, FONT, SIZE)]
                 + [(line, FONT) for line in wrap(scrub(p.get("agency", "")), half - 10, FONT, SIZE)]
                 for j, p in enumerate(pair)]
        depth = max(len(h) for h in heads)
        extra = 1 if any(p.get("nip") for p in pair) else 0
        flow.need(LEADING * (depth + 5 + extra))
        flow.gap(LEADING)
        top = flow.y
        for j, (party, head) in enumerate(zip(pair, heads)):
            x = LEFT + half * j + half / 2
            lines = [(text, font, top - (n + 1) * LEADING) for n, (text, font) in enumerate(head)]
            lines.append((f"( {scrub(party.get('name', ''))} )", BOLD, top - (depth + 4) * LEADING))
            if party.get("nip"):
                lines.append((f"NIP. {scrub(party['nip'])}", FONT, top - (depth + 5) * LEADING))
            for text, font, y in lines:
                draw(flow.canvas, x, y, text, font=font, size=SIZE, align="centre", width=half - 10)
        flow.y = top - (depth + 4 + extra) * LEADING
