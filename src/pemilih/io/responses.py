"""Reading a sheet of public responses to the provisional list (formats.md, public responses).

The first sheet, its first row the headers (contract RESPONSE_COLUMNS, and for TAMBAH the KPU
list's); one dict per non-empty row, every value as trimmed text (blank cells None), named
by its place as a spreadsheet shows it. A number cell is written as Python prints it
(`7.32601450789e+15`), never rounded back into digits: the value judges then say a NIK was
stored as a number. Judging the values is the store's, with the domain's judges.
"""
from __future__ import annotations

from pathlib import Path


class ResponsesUnreadable(ValueError):
    """The file is no readable workbook; the message says so (Bahasa Indonesia)."""


def read_responses(path, shown_name: str | None = None) -> list[tuple[str, dict]]:
    """(`<file>:<sheet>:<row>`, {HEADER: text}) for each non-empty row of the first sheet.
    `shown_name`: the file's name as the person sent it (a server keeps uploads under its own)."""
    from python_calamine import CalamineWorkbook
    name = shown_name or Path(path).name
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.sheet_names[0]
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine's errors differ by format: any unreadable file is one answer
        raise ResponsesUnreadable(f"{name}: bukan lembar kerja xlsx yang dapat dibaca ({type(exc).__name__})") from None
    header = [str(h).strip().upper() for h in grid[0]] if grid else []
    out = []
    for n, row in enumerate(grid[1:], start=2):
        if any(v not in (None, "") for v in row):
            out.append((f"{name}:{sheet}:{n}",
                        {h: (str(v).strip() if v not in (None, "") else None) for h, v in zip(header, row)}))
    return out
