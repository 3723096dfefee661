"""Cell text for worksheets written as XML by hand (xlsx_tables, io/xlsx_stream), and the one
way the other writers open an xlsxwriter workbook (text_workbook).

Plain functions with no imports of weight, shared by the writers that render rows themselves.
Every text is a string cell (an inline string), never a formula: a value a spreadsheet would
run (`=HYPERLINK(…)` from a list) is shown as written (domain/formula.py).
"""
from __future__ import annotations

import re

_NEEDS_ESCAPE = re.compile(r"[&<>\x00-\x08\x0b-\x1f]|_x[0-9A-Fa-f]{4}_")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
LITERAL_ESCAPE = r"(_x[0-9A-Fa-f]{4}_)"  # a literal `_xHHHH_` Excel would read as an escape


def escape_text(text: str) -> str:
    """A literal `_xHHHH_` protected first, then control characters as `_xHHHH_`, then XML's
    own three."""
    text = re.sub(LITERAL_ESCAPE, r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_string(ref: str, text: str, style: int = 0) -> str:
    """One inline-string cell."""
    if _NEEDS_ESCAPE.search(text):
        text = escape_text(text)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    s = f' s="{style}"' if style else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>'


# xlsxwriter's write() and merge_range() would turn a text beginning with `=` into a formula, one
# like `http://…` into a link and one like `1e5` into a number: here a text stays text.
TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def text_workbook(target, options: dict | None = None):
    """An xlsxwriter Workbook on `target` (a path or a buffer) whose texts stay texts whatever
    method writes them; the product's own formulas (logistics totals) are written as formulas."""
    import xlsxwriter
    return xlsxwriter.Workbook(target, {**(options or {}), **TEXT_ONLY})


def column_letter(col: int) -> str:
    """`A` for column 0, `AA` for column 26."""
    text = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text
