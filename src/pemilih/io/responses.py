"""Reading a sheet of public responses to the provisional list (docs/formats.md section 8).

The first sheet, its first row the headers (contract RESPONSE_COLUMNS, and for TAMBAH the KPU
list's); one dict per non-empty row, every value as text (blank cells None), named by its
place as a spreadsheet shows it. Judging the values is the store's, with the domain's judges.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pemilih.contract import KPU_HEADERS, RESPONSE_NEW_VALUE, RESPONSE_NIK
from pemilih.io import bounds, isolated

# Where a number cell may be an identifier that lost digits (kept in its float form, which the
# judge refuses as NIK-FLOAT rather than taking 16 digits that are not the card's).
_ID_HEADERS = {RESPONSE_NIK, KPU_HEADERS["nkk"], RESPONSE_NEW_VALUE}


class ResponsesUnreadable(ValueError):
    """The file is no readable workbook; the message says so (Bahasa Indonesia)."""


def read_responses(path, shown_name: str | None = None) -> list[tuple[str, dict]]:
    """(`<file>:<sheet>:<row>`, {HEADER: text}) for each non-empty row of the first sheet.
    `shown_name`: the file's name as the person sent it (a server keeps uploads under its own)."""
    name = shown_name or Path(path).name
    refused = bounds.refusal(str(path), name)
    if refused:
        raise ResponsesUnreadable(f"{name}: {refused}")
    read = isolated.run(_first_sheet, str(path))  # a child held to memory and time limits
    if isinstance(read, isolated.Failed):
        raise ResponsesUnreadable(f"{name}: {read.reason}")
    if isinstance(read, str):
        raise ResponsesUnreadable(f"{name}: bukan lembar kerja xlsx yang dapat dibaca ({read})")
    sheet, grid = read
    header = [str(h).strip().upper() for h in grid[0]] if grid else []
    out = []
    for n, row in enumerate(grid[1:], start=2):
        if any(v not in (None, "") for v in row):
            out.append((f"{name}:{sheet}:{n}", {h: cell_text(h, v) for h, v in zip(header, row)}))
    return out


def _first_sheet(path: str) -> tuple[str, list[list]] | str:
    """(name, grid) of the first sheet, or the name of calamine's error (in the child)."""
    from python_calamine import CalamineWorkbook
    try:
        book = CalamineWorkbook.from_path(path)
        sheet = book.sheet_names[0]
        return sheet, book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's errors differ by format: any unreadable file is one answer
        return type(exc).__name__


def cell_text(header: str, value) -> str | None:
    """A cell as text: whole numbers without `.0` (RT 5), dates as ISO; a number cell that may
    be a NIK/NKK keeps its float form (its last digits are lost already)."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if header in _ID_HEADERS and abs(value) >= 1e14:
            return repr(float(value))
        if float(value).is_integer():
            return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None
