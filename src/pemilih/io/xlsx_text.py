"""Cell text for worksheets written as XML by hand (xlsx_tables, io/xlsx_stream).

Plain functions with no imports of weight, shared by the writers that render rows themselves.
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


def column_letter(col: int) -> str:
    """`A` for column 0, `AA` for column 26."""
    text = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        text = chr(65 + rest) + text
    return text
