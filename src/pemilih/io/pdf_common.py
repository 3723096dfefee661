"""Shared pieces of the printed PDFs: page set-up, fonts, fitting text to a column, a fast
table drawer, title block and page footer. What may be printed of personal data is
pemilih.domain.masking's rule.

reportlab's drawString escapes and encodes every string in pure Python (its C accelerator is
not installed here) and platypus' Table lays every cell out as an object: both far too slow
for a regency's 190,000 rows. `Table` writes the text operators of a whole block of rows
straight into the page's content stream (`canvas.addLiteral`), with the built-in Helvetica
whose glyph widths reportlab knows, so a cell costs a few string operations. No font files:
the built-in fonts cover the Latin-1 text of Indonesian names; any other character is
printed as `?`.

This module imports no Polars: the announcement workers import it.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import NamedTuple

from reportlab import rl_config
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 28.0  # points (about 1 cm): inside what office printers can print
FONT, BOLD, MONO = "Helvetica", "Helvetica-Bold", "Courier"
ELLIPSIS = "..."
GREY = 0.88  # fill of header rows and subtotal rows

# Control characters would break lines in the stream; backslash and parentheses are the
# only characters a PDF literal string must escape.
_ESCAPES = {c: " " for c in range(32)} | {0x7F: " ", ord("\\"): "\\\\", ord("("): "\\(", ord(")"): "\\)"}
_CONTROL = {c: " " for c in range(32)} | {0x7F: " "}


class _Widths(dict):
    """Glyph widths by character; a character the font lacks is printed as `?` (556)."""

    def __missing__(self, char: str) -> float:
        return 556


_widths: dict[str, _Widths] = {}


def open_canvas(path, pagesize=LANDSCAPE, *, title: str = "") -> Canvas:
    """A compressed PDF canvas; `invariant` leaves out the creation time, so the same input
    gives the same bytes (and tests can compare files)."""
    target = path if hasattr(path, "write") else str(path)  # a file name or a file object
    canvas = Canvas(target, pagesize=pagesize, pageCompression=1, invariant=1)
    canvas.setTitle(printable(title))
    canvas.setAuthor("pemilih")
    canvas.setCreator("pemilih")
    return canvas


@contextmanager
def pdf_file(path, pagesize=LANDSCAPE, *, title: str = ""):
    """A canvas for path, saved on leaving the block through a temporary name, so a failure
    never leaves a half-written file under the final name. Streams are zlib-compressed
    without the ASCII85 layer reportlab adds by default: that layer only serves 7-bit mail
    channels, and in pure Python it took a third of the drawing time."""
    tmp = f"{path}.tmp"
    old = rl_config.useA85
    rl_config.useA85 = 0
    try:
        canvas = open_canvas(tmp, pagesize, title=title)
        yield canvas
        canvas.save()
        os.replace(tmp, path)
    finally:
        rl_config.useA85 = old
        if os.path.exists(tmp):
            os.remove(tmp)


def thousands(value) -> str:
    """`190231` -> `190.231` (Indonesian digit grouping); None -> blank; text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int):
        return str(value)
    return f"{value:,}".replace(",", ".")


def wrap(text: str, width: float, font: str = FONT, size: float = 9) -> list[str]:
    """Words of text in lines no wider than width (a word too long for a line is cut)."""
    lines, line = [], ""
    for word in printable(text).split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, font, size) > width:
            lines.append(line)
            candidate = word
        line = fit(candidate, width, font, size)
    return lines + [line] if line else lines


def printable(text) -> str:
    """Text the built-in fonts can print: no control characters, nothing outside the
    Windows-1252 set (shown as `?`)."""
    text = "" if text is None else str(text)
    if not text.isascii():
        text = text.encode("cp1252", "replace").decode("cp1252")
    return text.translate(_CONTROL)


def _stream_text(text: str) -> str:
    """A printable() text as the inside of a PDF literal string. reportlab writes the stream
    as UTF-8, so bytes above 127 go in as octal escapes."""
    if text.isascii():
        return text.translate(_ESCAPES)
    raw = text.encode("cp1252", "replace")
    return "".join(chr(b).translate(_ESCAPES) if b < 128 else f"\\{b:03o}" for b in raw)


def _stream_texts(cells) -> list[str]:
    """_stream_text over a column; the common all-ASCII column in one test."""
    if "".join(cells).isascii():
        return [t.translate(_ESCAPES) for t in cells]
    return [_stream_text(t) for t in cells]


def _width_table(font: str) -> _Widths:
    """Advance width (1/1000 em) of every character the font can print."""
    table = _widths.get(font)
    if table is None:
        widths = pdfmetrics.getFont(font).widths
        table = _Widths()
        for code in range(32, 256):
            char = bytes([code]).decode("cp1252", "ignore")
            if char:
                table[char] = widths[code]
        _widths[font] = table
    return table


def text_width(text: str, font: str, size: float) -> float:
    return sum(map(_width_table(font).__getitem__, text)) * size / 1000


def fit(text: str, width: float, font: str, size: float) -> str:
    """text, or as much of it as fits in width followed by `...`."""
    if text_width(text, font, size) <= width:
        return text
    room = width - text_width(ELLIPSIS, font, size)
    table, used, end = _width_table(font), 0.0, 0
    while end < len(text):
        used += table[text[end]] * size / 1000
        if used > room:
            break
        end += 1
    return text[:end].rstrip() + ELLIPSIS


class Column(NamedTuple):
    label: str
    width: float
    align: str = "left"  # left, right or centre


class Table:
    """Columns side by side from x; rows of strings drawn a block at a time."""

    def __init__(self, columns: list[Column], x: float, size: float = 7.5, row_height: float = 11.5,
                 pad: float = 2.5):
        self.columns, self.x, self.size, self.row_height, self.pad = columns, x, size, row_height, pad
        self.lefts, left = [], x
        for col in columns:
            self.lefts.append(left)
            left += col.width
        self.right = left
        # Below this many characters a cell fits whatever its letters (widest glyph 1 em).
        self.safe = [max(0, int((c.width - 2 * pad) / size)) for c in columns]

    @property
    def width(self) -> float:
        return self.right - self.x

    def merged(self, span: int) -> Table:
        """The same table with its first `span` columns as one."""
        first = Column(self.columns[0].label, sum(c.width for c in self.columns[:span]), self.columns[0].align)
        return Table([first, *self.columns[span:]], self.x, self.size, self.row_height, self.pad)

    def header(self, canvas: Canvas, top: float, height: float | None = None) -> float:
        """Shaded header row with bold labels; returns the y below it."""
        height = height or self.row_height + 3
        canvas.setFillGray(GREY)
        canvas.rect(self.x, top - height, self.width, height, stroke=0, fill=1)
        canvas.setFillGray(0)
        self.rows(canvas, [[c.label for c in self.columns]], top, font=BOLD, height=height)
        return top - height

    def rows(self, canvas: Canvas, rows, top: float, *, font: str = FONT, height: float | None = None,
             shade: bool = False, span: int = 1) -> float:
        """Draw rows (sequences of str, one per column) below top, with a grid; returns the y
        of the bottom line. Over-long cells are cut to their column's width. With span > 1
        the first cell of each row takes the first `span` columns (a subtotal's label); the
        rows then have span - 1 cells fewer."""
        height = height or self.row_height
        if not rows:
            return top
        if span > 1:
            return self.merged(span).rows(canvas, rows, top, font=font, height=height, shade=shade)
        bottom = top - height * len(rows)
        if shade:
            canvas.setFillGray(GREY)
            canvas.rect(self.x, bottom, self.width, top - bottom, stroke=0, fill=1)
            canvas.setFillGray(0)
        canvas.setFont(font, self.size)
        canvas.addLiteral(self._text_ops(rows, top, font, height))
        canvas.setLineWidth(0.3)
        canvas.addLiteral(self._grid_ops(len(rows), top, height))
        return bottom

    def _text_ops(self, rows, top: float, font: str, height: float) -> str:
        """One text object for the block, built a column at a time (the cells of a column
        share their fitting, alignment and escaping), written out row by row so that text
        extraction reads the rows in order."""
        first = top - height + (height - self.size * 0.72) / 2
        ys = [f"{first - i * height:.2f}" for i in range(len(rows))]
        columns = [self._cell_ops(col, left, safe, cells, ys, font)
                   for col, left, safe, cells in zip(self.columns, self.lefts, self.safe, zip(*rows))]
        return "BT\n" + "\n".join(" ".join(row) for row in zip(*columns)) + "\nET"

    def _cell_ops(self, col: Column, left: float, safe: int, cells, ys, font: str) -> list[str]:
        size, room = self.size, col.width - 2 * self.pad
        cells = [t if len(t) <= safe else fit(t, room, font, size) for t in cells]
        texts = _stream_texts(cells)
        if col.align == "left":
            x = f"1 0 0 1 {left + self.pad:.2f} "
            return [f"{x}{y} Tm ({t}) Tj" if t else "" for y, t in zip(ys, texts)]
        width = {t: text_width(t, font, size) for t in set(cells)}  # few distinct values here
        free = [col.width - width[t] for t in cells]
        if col.align == "right":
            xs = [left + f - self.pad for f in free]
        else:
            xs = [left + f / 2 for f in free]
        return [f"1 0 0 1 {x:.2f} {y} Tm ({t}) Tj" if t else "" for x, y, t in zip(xs, ys, texts)]

    def _grid_ops(self, n: int, top: float, height: float) -> str:
        bottom = top - n * height
        ops = [f"{self.x:.2f} {top - i * height:.2f} m {self.right:.2f} {top - i * height:.2f} l"
               for i in range(n + 1)]
        ops += [f"{x:.2f} {top:.2f} m {x:.2f} {bottom:.2f} l" for x in (*self.lefts, self.right)]
        ops.append("S")
        return "\n".join(ops)


def draw(canvas: Canvas, x: float, y: float, text, *, font: str = FONT, size: float = 9,
         align: str = "left", width: float | None = None) -> None:
    """One line of text (cut to width when given). Written as a literal like the table
    cells: reportlab's drawString costs more than the rest of a page's title block."""
    x, text = _placed(x, text, font, size, align, width)
    canvas.setFont(font, size)
    canvas.addLiteral(f"BT 1 0 0 1 {x:.2f} {y:.2f} Tm ({_stream_text(text)}) Tj ET")


def _placed(x: float, text, font: str, size: float, align: str, width: float | None) -> tuple[float, str]:
    """Where a line starts and what of it is printed: cut to width, shifted for its alignment."""
    text = printable(text)
    if width is not None:
        text = fit(text, width, font, size)
    if align != "left":
        shift = text_width(text, font, size)
        x -= shift if align == "right" else shift / 2
    return x, text


def title_block(canvas: Canvas, pagesize, lines: list[tuple[str, str, float]],
                top: float | None = None) -> float:
    """Centred lines (text, font, size) from the top margin down; returns the y below them."""
    page_w, page_h = pagesize
    y = (page_h - MARGIN) if top is None else top
    for text, font, size in lines:
        y -= size * 1.3
        draw(canvas, page_w / 2, y, text, font=font, size=size, align="centre",
             width=page_w - 2 * MARGIN)
    return y - 4


def page_footer(canvas: Canvas, pagesize, page: int, total: int | None = None, note: str = "") -> None:
    """`Halaman i dari n` (or `Halaman i` when n is not known) at the bottom right, a note
    at the bottom left."""
    page_w = pagesize[0]
    y = MARGIN * 0.55
    label = f"Halaman {page} dari {total}" if total else f"Halaman {page}"
    draw(canvas, page_w - MARGIN, y, label, size=7, align="right")
    if note:
        draw(canvas, MARGIN, y, note, size=7, width=page_w - 2 * MARGIN - 90)


def draw_many(canvas: Canvas, items) -> None:
    """Many lines at once, each (x, y, text, font, size, align, width or None) as `draw` takes
    them, in one text object: a page of small blocks (invitations) costs one literal, not a
    font change and a literal per line."""
    ops, current = ["BT"], None
    for font in {item[3] for item in items}:
        canvas.setFont(font, 9)  # puts the font in the document's resources
    for x, y, text, font, size, align, width in items:
        x, text = _placed(x, text, font, size, align, width)
        if (font, size) != current:
            ops.append(f"{canvas._doc.getInternalFontName(font)} {size} Tf")
            current = (font, size)
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm ({_stream_text(text)}) Tj")
    ops.append("ET")
    canvas.addLiteral("\n".join(ops))


def dashed_lines(canvas: Canvas, segments, dash: tuple[float, float] = (4, 3), width: float = 0.5) -> None:
    """Dashed lines ((x1, y1, x2, y2) each), e.g. the cut lines between invitations."""
    ops = [f"q {width:.2f} w [{dash[0]:g} {dash[1]:g}] 0 d"]
    ops += [f"{x1:.2f} {y1:.2f} m {x2:.2f} {y2:.2f} l" for x1, y1, x2, y2 in segments]
    ops.append("S Q")
    canvas.addLiteral("\n".join(ops))
