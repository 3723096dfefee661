"""Hand-made data for the web tests of coklit, hand-back and apply: six voters in two
villages, a KPU-DPML agreement in force today, and a coklit workbook edited as a person in
Excel would (openpyxl: set a cell, save)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import openpyxl

from pemilih.cycle.common import local_today

A, B = "73.26.01.2001", "73.26.01.2002"
DESA = {A: "LEMBANG SATU", B: "LEMBANG DUA"}
AGREEMENT = "7/PKS/KPU-DPML/UJI"
COLS = ["source_ref", "kode_desa", "tps", "nkk", "nik", "nama", "tanggal_lahir", "jenis_kelamin"]
ROWS = [
    ["dpt.csv::2", A, "001", "7326010101200001", "7326010204850004", "MARKUS TANDI", "1985-04-02", "L"],
    ["dpt.csv::3", A, "001", "7326010101200001", "7326014507890001", "NE' RANTE", "1989-07-05", "P"],
    ["dpt.csv::4", A, "002", "7326010101200002", "7326011203800002", "YOHANIS PATIKU", "1980-03-12", "L"],
    ["dpt.csv::5", B, "001", "7326010101200003", "7326015001950003", "MARTHA SAMPE", "1995-01-10", "P"],
    ["dpt.csv::6", B, "001", "7326010101200003", "7326014411990007", "RUTH PALINGGI", "1999-11-04", "P"],
    ["dpt.csv::7", B, "001", "7326010101200004", "7326011506700006", "SAMUEL BATTI", "1970-06-15", "L"],
]
NIKS = {r[1]: [x[4] for x in ROWS if x[1] == r[1]] for r in ROWS}


def list_rows() -> list[dict]:
    out = []
    for n, values in enumerate(ROWS, start=2):
        row = dict(zip(COLS, values))
        row.update(file="dpt.csv", sheet="", row=n, kecamatan="RANTEPAO", desa=DESA[row["kode_desa"]],
                   no=str(n - 1), tempat_lahir="RANTEPAO", status_kawin="S", alamat="DUSUN A", rt="001",
                   rw="001", ktp_el="S")
        out.append(row)
    return out


def receive(ws, maker) -> None:
    from pemilih.store.receive import import_result
    import_result(ws, maker.kpu(list_rows(), name="dpt.csv"), actor="Operator KPU", agency="KPU",
                  reason="DPT Pemilu 2024")


def agree(ws, number: str = AGREEMENT, villages=("*",), recipient: str = "DPML", elements=None) -> None:
    from pemilih.contract import KPU_COLUMNS
    from pemilih.store.agreements import Terms, record_agreement
    today = local_today()
    record_agreement(ws, Terms(
        number=number, title="PKS berbagi data pemilih", provider="KPU", recipient=recipient,
        purpose="Coklit Pilkalem", legal_basis="UU 7/2017; UU 27/2022", valid_from=today - timedelta(days=10),
        valid_to=today + timedelta(days=100), retention="Dihapus 3 bulan setelah diserahkan kembali",
        data_elements=list(elements or KPU_COLUMNS), villages=list(villages), parties=[]),
        actor="Ketua KPU", agency="KPU", reason="PKS ditandatangani")


def edit_workbook(src: Path, dst: Path, *, cells: dict[tuple[str, str], str]) -> Path:
    """Type values into a workbook: cells {(KUNCI of the row, column header): value}."""
    wb = openpyxl.load_workbook(src)
    for (key, header), value in cells.items():
        for sheet in wb.worksheets:
            if not sheet.title.startswith("TPS"):
                continue
            headers = [c.value for c in sheet[4]]
            hits = [row for row in range(5, sheet.max_row + 1) if sheet.cell(row, 1).value == key]
            if hits:
                sheet.cell(hits[0], headers.index(header) + 1).value = value
                break
        else:
            raise KeyError(key)
    wb.save(dst)
    return dst


def store_tables(dump: dict) -> dict:
    """The store's part of a database dump (the web's own tables, e.g. sessions, may change)."""
    return {t: rows for t, rows in dump.items() if t.startswith("store_")}
