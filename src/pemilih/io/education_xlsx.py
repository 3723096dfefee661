"""The voter-education workbooks: the activities (one row each, participants by sex and
segment), the tallies per village and per kind; and the targeting table (villages ranked by
need, each factor's count, share and rank). Text tables (io/xlsx_tables.py): figures as
written in Indonesia (`12,5`), codes stay text. Counts only: no participant is named.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from pemilih.domain.voter_education import SEGMENTS, Tally, share_text
from pemilih.io.xlsx_tables import text_sheet, workbook

SHEET_ACTIVITIES, SHEET_VILLAGES, SHEET_KINDS = "Kegiatan", "Per desa", "Per jenis"
SHEET_TARGETS = "Sasaran"


def _segment_headers() -> list[str]:
    return [f"{name} {sex}" for name in SEGMENTS.values() for sex in ("L", "P")]


def _tally_cells(t: Tally) -> list[str]:
    cells = [str(t.activities), str(t.men), str(t.women), str(t.total)]
    return cells + [str(v) for s in SEGMENTS for v in t.by_segment.get(s, (0, 0))]


def write_activities(path, *, activities: list[dict], villages: list[tuple], kinds: list[tuple], total: Tally,
                     title: str) -> Path:
    """Three sheets: the activities, per village (kode_desa, kecamatan, desa, tally, with a
    total row) and per kind (name, tally, with a total row)."""
    head = ["NOMOR", "TANGGAL", "KECAMATAN", "DESA", "KODE DESA", "JENIS", "TEMA", "SASARAN", "L", "P", "JUMLAH",
            *_segment_headers(), "MATERI", "FOTO", "KOREKSI"]
    rows = []
    for a in activities:
        att = a["attendance"]
        rows.append([str(a["nomor"]), f"{a['tanggal']:%d-%m-%Y}", a["kecamatan"], a["desa"], a["kode_desa"],
                     a["jenis"], a["tema"], a["sasaran"], str(att.men), str(att.women), str(att.total),
                     *(str(v) for s in SEGMENTS for v in att.by_segment.get(s, (0, 0))),
                     a["materi"], str(a["foto"]), str(a["koreksi"])])
    tally_head = ["KEGIATAN", "L", "P", "JUMLAH", *_segment_headers()]
    village_rows = [[k, kecamatan, desa, *_tally_cells(t)] for k, kecamatan, desa, t in villages]
    village_rows.append(["JUMLAH", "", "", *_tally_cells(total)])
    kind_rows = [[name, *_tally_cells(t)] for name, t in kinds] + [["JUMLAH", *_tally_cells(total)]]
    with workbook(str(path)) as book:
        text_sheet(book, SHEET_ACTIVITIES, _frame(head, rows), title=[title])
        text_sheet(book, SHEET_VILLAGES, _frame(["KODE DESA", "KECAMATAN", "DESA", *tally_head], village_rows),
                   title=[title])
        text_sheet(book, SHEET_KINDS, _frame(["JENIS KEGIATAN", *tally_head], kind_rows), title=[title])
    return Path(path)


def _frame(head: list[str], rows: list[list[str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={h: pl.String for h in head}, orient="row")


def write_targets(path, table: pl.DataFrame, *, used: list[str], labels: dict[str, tuple[str, str]],
                  notes: list[str]) -> Path:
    """One sheet: the villages by rank, per factor used its count, share (%) and rank, the score."""
    columns = {"peringkat": "PERINGKAT", "kode_desa": "KODE DESA", "kecamatan": "KECAMATAN", "desa": "DESA",
               "pemilih": "PEMILIH", "skor": "SKOR"}
    for f in used:
        name = labels[f][0].upper()
        columns |= {f: f"{name} (JUMLAH)", f"{f}_pct": f"{name} (% DARI {labels[f][1].upper()})",
                    f"{f}_peringkat": f"{name} (PERINGKAT)"}
    if "tidak_hadir" in used:
        columns |= {"hadir": "HADIR", "terdaftar": "TERDAFTAR DI TPS"}
    shares = [c for c in table.columns if c.endswith("_pct") or c == "skor"]
    shown = table.with_columns(pl.col(c).map_elements(share_text, return_dtype=pl.String) for c in shares)
    shown = shown.select([c for c in columns if c in shown.columns]).rename(columns)
    with workbook(str(path)) as book:
        text_sheet(book, SHEET_TARGETS, shown, title=["Sasaran pendidikan pemilih: desa/lembang menurut kebutuhan",
                                                      *notes])
    return Path(path)
