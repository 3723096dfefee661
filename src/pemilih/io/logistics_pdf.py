"""The printed logistics needs: per TPS, with a subtotal under each village and each
kecamatan and the regency total at the end, the parameters of the calculation at the top.

The writer prints the tables it is given (engine/logistics computes them, the reserve per
TPS and never on a total); it adds nothing up itself, so what is printed is what the
workbook and the engine say.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import polars as pl

from pemilih.contract import LOGISTICS_AMOUNT_HEADERS, LOGISTICS_AMOUNTS, LOGISTICS_PLACE_HEADERS
from pemilih.domain.masking import mask_digits_in_text as scrub
from pemilih.io.pdf_common import (
    BOLD,
    LANDSCAPE,
    MARGIN,
    Column,
    Table,
    draw,
    page_footer,
    pdf_file,
    printable,
    thousands,
    title_block,
)

NUMERIC, LABELS = LOGISTICS_AMOUNTS, list(LOGISTICS_AMOUNT_HEADERS.values())
_NUMBER_WIDTH = 52.0
_DESA_WIDTH = LANDSCAPE[0] - 2 * MARGIN - 110 - 66 - 36 - _NUMBER_WIDTH * len(NUMERIC)
_PLACE = LOGISTICS_PLACE_HEADERS
COLUMNS = [Column(_PLACE["kecamatan"], 110), Column(_PLACE["desa"], _DESA_WIDTH), Column(_PLACE["kode_desa"], 66),
           Column(_PLACE["tps"], 36, "centre"), *[Column(label, _NUMBER_WIDTH, "right") for label in LABELS]]
SIZE, ROW_HEIGHT = 8.0, 12.5
_PARAM_VALUE_X = 240.0  # where the parameters' values start, right of the longest label
TABLE_BOTTOM = 34.0
# Names of the engine's parameters (engine.logistics.LogisticsParams and the usual Bahasa
# names), printed as a reader understands them; any other key is printed as it is.
PARAM_LABELS = {
    "preset": "Jenis pemilihan", "nama": "Jenis pemilihan", "name": "Jenis pemilihan",
    "reserve_percent": "Cadangan surat suara (% per TPS, dibulatkan ke atas)",
    "cadangan_persen": "Cadangan surat suara (% per TPS, dibulatkan ke atas)",
    "ballot_boxes": "Kotak suara per TPS", "kotak_suara": "Kotak suara per TPS",
    "booths": "Bilik suara per TPS", "bilik_suara": "Bilik suara per TPS",
    "ink": "Botol tinta per TPS", "ink_bottles": "Botol tinta per TPS", "tinta": "Botol tinta per TPS",
    "seals": "Set segel per TPS", "seal_sets": "Set segel per TPS", "segel": "Set segel per TPS",
    "forms": "Set formulir per TPS", "form_sets": "Set formulir per TPS", "formulir": "Set formulir per TPS",
    "max_per_tps": "Pemilih per TPS paling banyak",
}


def write_logistics_pdf(per_tps: pl.DataFrame, per_village: pl.DataFrame, per_kecamatan: pl.DataFrame,
                        total: Mapping, path, *, title: str, params) -> Path:
    """Write the table to path (A4 landscape); returns the path."""
    items = table_rows(per_tps, per_village, per_kecamatan, total)
    lines = param_lines(params)
    first_top = _table_top() - len(lines) * 11 - 22
    pages = _paginate(items, first_top)
    with pdf_file(path, LANDSCAPE, title=title) as canvas:
        table = Table(COLUMNS, MARGIN, size=SIZE, row_height=ROW_HEIGHT)
        for number, page in enumerate(pages, 1):
            if number > 1:
                canvas.showPage()
            top = _heading(canvas, title)
            if number == 1:
                top = _params(canvas, lines, top)
            y = table.header(canvas, top)
            for rows, style in _runs(page):
                y = table.rows(canvas, rows, y, font=FONT_OF[style], shade=style != "tps", span=SPAN[style])
            page_footer(canvas, LANDSCAPE, number, len(pages), note=printable(title))
    return Path(path)


FONT_OF = {"tps": "Helvetica", "desa": BOLD, "kecamatan": BOLD, "total": BOLD}
SPAN = {"tps": 1, "desa": 2, "kecamatan": 4, "total": 4}  # columns a subtotal's label takes


def table_rows(per_tps, per_village, per_kecamatan, total) -> list[tuple[list[str], str]]:
    """(cells, style) in print order: a village's TPS, its subtotal; after a kecamatan's
    last village, the kecamatan's subtotal; the total last. Ordered by village code, TPS.
    A subtotal's label is one cell over SPAN[style] columns."""
    villages = {r["kode_desa"]: r for r in per_village.iter_rows(named=True)}
    kecamatan = {r["kecamatan"]: r for r in per_kecamatan.iter_rows(named=True)}
    tps = per_tps.sort(["kode_desa", "tps"], maintain_order=True).iter_rows(named=True)
    items, last_village, last_kec = [], None, None
    for row in tps:
        if row["kode_desa"] != last_village and last_village is not None:
            items.append(_village_total(villages.get(last_village)))
        if row["kecamatan"] != last_kec and last_kec is not None:
            items.append(_kecamatan_total(kecamatan.get(last_kec), last_kec))
        last_village, last_kec = row["kode_desa"], row["kecamatan"]
        items.append(([scrub(row["kecamatan"]), scrub(row["desa"]), row["kode_desa"] or "",
                       _tps_label(row["tps"]), *_numbers(row)], "tps"))
    if last_village is not None:
        items.append(_village_total(villages.get(last_village)))
        items.append(_kecamatan_total(kecamatan.get(last_kec), last_kec))
    items.append((["JUMLAH KABUPATEN", *_numbers(total)], "total"))
    return items


def _village_total(row) -> tuple[list[str], str]:
    if row is None:  # a village without a subtotal row: say so rather than print nothing
        return (["Jumlah desa: tidak ada", "", "", *[""] * len(NUMERIC)], "desa")
    return ([f"Jumlah {scrub(row['desa'])}", row["kode_desa"] or "", "", *_numbers(row)], "desa")


def _kecamatan_total(row, name: str) -> tuple[list[str], str]:
    numbers = _numbers(row) if row is not None else [""] * len(NUMERIC)
    return ([f"Jumlah Kecamatan {scrub(name)}", *numbers], "kecamatan")


def _numbers(row) -> list[str]:
    return [thousands(row.get(c)) for c in NUMERIC]


def _tps_label(value) -> str:
    return f"{value:03d}" if isinstance(value, int) else str(value or "")


def param_lines(params) -> list[tuple[str, str]]:
    """(label, value) per parameter, numbers written the Indonesian way (2,5). params is a
    mapping or a dataclass such as engine.logistics.LogisticsParams."""
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        params = dataclasses.asdict(params)
    lines = []
    for key, value in (params or {}).items():
        label = PARAM_LABELS.get(key, str(key).replace("_", " ").capitalize())
        lines.append((label, scrub(_param_value(value))))
    return lines


def _param_value(value) -> str:
    """2.5 and Decimal("2.50") -> `2,5`; 1000 -> `1.000`; None -> `-`."""
    if value is None:
        return "-"
    if isinstance(value, (Decimal, float)):
        number = Decimal(str(value)).normalize()  # str(): no binary fuzz from a float
        if number == number.to_integral_value():
            return thousands(int(number))
        return format(number, "f").replace(".", ",")
    return thousands(value)


def _table_top() -> float:
    return LANDSCAPE[1] - MARGIN - 34


def _paginate(items: list, first_top: float) -> list[list]:
    """Items per page: the first page is shorter by the parameter block."""
    header = ROW_HEIGHT + 3
    first = max(1, int((first_top - header - TABLE_BOTTOM) // ROW_HEIGHT))
    rest = max(1, int((_table_top() - header - TABLE_BOTTOM) // ROW_HEIGHT))
    pages, start, size = [], 0, first
    while start < len(items):
        pages.append(items[start:start + size])
        start, size = start + size, rest
    return pages or [[]]


def _runs(page: list) -> list[tuple[list, str]]:
    """Consecutive items of the same style, drawn as one block."""
    runs: list[tuple[list, str]] = []
    for cells, style in page:
        if runs and runs[-1][1] == style:
            runs[-1][0].append(cells)
        else:
            runs.append(([cells], style))
    return runs


def _heading(canvas, title: str) -> float:
    title_block(canvas, LANDSCAPE, [(title.upper(), BOLD, 12),
                                    ("Kebutuhan logistik pemungutan suara per TPS", "Helvetica", 9)])
    return _table_top()


def _params(canvas, lines: list[tuple[str, str]], top: float) -> float:
    draw(canvas, MARGIN, top - 10, "Parameter perhitungan:", font=BOLD, size=9)
    for i, (label, value) in enumerate(lines):
        y = top - 22 - i * 11
        draw(canvas, MARGIN + 10, y, label, size=9, width=_PARAM_VALUE_X - 14)
        draw(canvas, MARGIN + 10 + _PARAM_VALUE_X, y, f": {value}", size=9, width=300)
    return top - len(lines) * 11 - 22
