"""The TPS table of one village as a workbook: TPS, voters by sex, ballots with their reserve
and the equipment (contract TPS_TABLE_HEADERS), with a JUMLAH row, then each TPS's place from
the election's TPS register (TPS_PLACE_HEADERS), ready to print."""
from __future__ import annotations

import io

from pemilih.contract import TPS_PLACE_HEADERS, TPS_TABLE_HEADERS
from pemilih.domain.masking import mask_digits_in_text
from pemilih.io.xlsx_text import text_workbook


def tps_table_xlsx(title_lines: list[str], rows: list[dict]) -> bytes:
    """rows: one dict per TPS with every key of TPS_TABLE_HEADERS (tps as a number) and
    optionally those of TPS_PLACE_HEADERS (text; missing: blank)."""
    buffer = io.BytesIO()
    book = text_workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("TPS")
    bold = book.add_format({"bold": True})
    headers = list(TPS_TABLE_HEADERS.items())
    for n, line in enumerate(title_lines):
        sheet.write_string(n, 0, line, bold if n == 0 else None)
    top = len(title_lines) + 1
    places = list(TPS_PLACE_HEADERS.items())
    sheet.write_row(top, 0, [h for _, h in headers + places], bold)
    sheet.set_column(0, len(headers) - 1, 13)
    sheet.set_column(len(headers), len(headers) + len(places) - 1, 32)
    totals = {c: 0 for c, _ in headers[1:]}
    for i, row in enumerate(rows, start=top + 1):
        sheet.write_string(i, 0, f"{row['tps']:03d}")
        for j, (c, _) in enumerate(headers[1:], start=1):
            sheet.write_number(i, j, row[c])
            totals[c] += row[c]
        for j, (c, _) in enumerate(places, start=len(headers)):
            if row.get(c):
                sheet.write_string(i, j, mask_digits_in_text(row[c]))
    end = top + 1 + len(rows)
    sheet.write_string(end, 0, "JUMLAH", bold)
    for j, (c, _) in enumerate(headers[1:], start=1):
        sheet.write_number(end, j, totals[c], bold)
    sheet.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()
