"""pinjam_pakai.xlsx: KPU's register of its equipment and the outstanding loans, per village and
per item (contract.LOAN_SHEETS, headers contract.LOAN_INVENTORY_HEADERS / LOAN_REPORT_HEADERS).
Rows are written as the step gives them (cycle/equipment_loans.py): nothing is added up here.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pemilih.contract import LOAN_INVENTORY_HEADERS, LOAN_REPORT_HEADERS, LOAN_SHEETS
from pemilih.io.xlsx_tables import text_sheet, workbook

_PLACE = ("pemilihan", "kode_desa", "desa", "barang")
ITEM_HEADERS = {"barang": "Barang", "desa": "Jumlah Desa",
                **{k: v for k, v in LOAN_REPORT_HEADERS.items() if k not in _PLACE}}


def _table(rows: list[dict], headers: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame({label: [str(r[key]) for r in rows] for key, label in headers.items()},
                        schema={label: pl.String for label in headers.values()})


def write_loans(path: Path, inventory: list[dict], per_village: list[dict], per_item: list[dict]) -> Path:
    with workbook(str(path)) as book:
        text_sheet(book, LOAN_SHEETS[0], _table(inventory, LOAN_INVENTORY_HEADERS))
        text_sheet(book, LOAN_SHEETS[1], _table(per_village, LOAN_REPORT_HEADERS))
        text_sheet(book, LOAN_SHEETS[2], _table(per_item, ITEM_HEADERS))
    return Path(path)
