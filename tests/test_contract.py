"""docs/formats.md and the contract module (src/pemilih/contract.py) say the same, and what the
readers accept and the writers write is on that page.

1. Each table marked `<!-- contract: NAME -->` lists exactly the names of contract.NAME.
2. Every list or table of names in the contract is on the page (or named below as internal,
   with the reason).
3. What the code does, read from its real output: the headers every writer writes and the
   headers every reader accepts are all names the page gives.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from pemilih import contract
from pemilih.io.headers import KPU_KEYS, REGISTRY_KEYS, key

PAGE = Path(__file__).resolve().parents[1] / "docs" / "formats.md"
MARKER = re.compile(r"<!-- contract: (\w+)((?: keys)?)(?: aliases: (\w+))? -->\n((?:\|.*\n)+)")
TOKEN = re.compile(r"`([^`]+)`")
# Contract names that are not file columns a person meets, and why.
INTERNAL = {
    "KPU_COLUMNS": "canonical names inside pemilih; the page lists the printed ones (KPU_HEADERS)",
    "REGISTRY_COLUMNS": "canonical names inside pemilih; the page lists REGISTRY_HEADERS",
    "REF_COLUMNS": "the reader's table, not a file",
    "PROBLEM_COLUMNS": "the reader's table, not a file",
    "REGISTRY_REQUIRED": "stated in prose under the registry table",
    "KPU_REQUIRED": "the third column of the KPU table",
    "REGISTRY_DATES": "canonical names of the registry's date columns",
    "COLUMNS": "per-kind map of canonical names",
    "HEADERS": "per-kind map of KPU_HEADERS and REGISTRY_HEADERS",
    "ALIASES": "per-kind map of KPU_ALIASES and REGISTRY_ALIASES",
    "PACKAGE_DATA_FILES": "part of PACKAGE_FILES",
    "PACKAGE_LATER_FILES": "part of PACKAGE_FILES, said in its table (packages made before it lack it)",
    "APPLIED_SHEETS": "the first four CHANGE_SHEETS (the others are for information)",
    "UNRESOLVED_WRITTEN": "the two headers of UNRESOLVED_COLUMNS that replace the village's names",
    "COKLIT_LOCKED": "canonical names; their headers are COKLIT_TPS_HEADERS",
    "COKLIT_CORRECTABLE": "canonical names; their headers are COKLIT_TPS_HEADERS",
    "COKLIT_NEW_COLUMNS": "canonical names; their headers are COKLIT_NEW_HEADERS",
    "COKLIT_HEADER": "canonical name -> header; the headers are COKLIT_TPS_HEADERS and COKLIT_NEW_HEADERS",
    "COKLIT_SHARED_ELEMENTS": "the agreement's data elements (canonical names)",
    "COKLIT_CUT_COLUMNS": "the store's rows a workbook is cut from",
    "RESPONSE_KINDS": "the values of JENIS, in the RESPONSE_COLUMNS table",
    "CODE_KINDS": "the values of `kind`, in the CODE_TABLE_COLUMNS table",
    "CODE_EFFECTS": "the values of `effect`, in the CODE_TABLE_COLUMNS table",
    "CODE_SCOPES": "the values of `scope`, in the CODE_TABLE_COLUMNS table",
    "COKLIT_EDITS": "canonical names; their headers are COKLIT_TPS_HEADERS",
    "COKLIT_EDITS_V1": "format 1's committee columns, in the prose under COKLIT_BASE_LABELS",
    "COKLIT_TPS_HEADERS_V1": "format 1's TPS sheet, in the prose under COKLIT_BASE_LABELS",
    "COKLIT_NEW_COLUMNS_V1": "format 1's PEMILIH BARU, in the prose under COKLIT_BASE_LABELS",
    "COKLIT_NEW_HEADERS_V1": "format 1's PEMILIH BARU, in the prose under COKLIT_BASE_LABELS",
    "COKLIT_VISIT_COLUMNS": "canonical names of TANGGAL KUNJUNGAN and PETUGAS",
    "COKLIT_NEW_VALUE_COLUMNS": "canonical names of the `BARU` columns of COKLIT_TPS_HEADERS",
    "LOGISTICS_COUNT_COLUMNS": "the engine's input table",
    "LOGISTICS_AMOUNTS": "canonical names of LOGISTICS_AMOUNT_HEADERS",
    "RECAP_SEXES": "`L`, `P`, `JML` in the recap's prose",
    "RECAP_MEASURES_BEFORE_TMS": "part of RECAP_MEASURES",
    "RECAP_MEASURES_AFTER_TMS": "part of RECAP_MEASURES",
    "FIELD_LABELS": "domain/fields.py's names of the fields, given here as KPU_HEADERS",
    "RECAP_PLACE": "canonical names: what the recap counts a voter by",
    "RECAP_STATE_COLUMNS": "the store's replay handing the engine the list at a moment",
    "EXPORT_ELEMENTS": "canonical names an agreement must allow per export (store/agreements.py)",
    "EXPORT_LABELS": "the exports' names in messages",
    "ENCODED_FROM": "canonical names: which registry column each token and CLK of ENCODED_REGISTRY_HEADERS encodes",
}


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _marked() -> dict[str, tuple[set[str], set[str], bool, str | None]]:
    """NAME -> (tokens of the first column, tokens of the second, keys?, alias table name)."""
    out = {}
    for name, keys, aliases, table in MARKER.findall(_page()):
        firsts, seconds = set(), set()
        for line in table.strip().split("\n")[2:]:  # the header row and |---| above
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            firsts |= set(TOKEN.findall(cells[0]))
            if len(cells) > 1:
                seconds |= set(TOKEN.findall(cells[1]))
        assert name not in out, f"{name} marked twice"
        out[name] = (firsts, seconds, bool(keys), aliases or None)
    return out


def _names(value, keys: bool) -> set[str]:
    if isinstance(value, dict):
        return set(value.keys() if keys else value.values())
    return set(value)


def _documented() -> set[str]:
    return set(TOKEN.findall(_page()))


def test_each_marked_table_lists_exactly_the_contracts_names():
    marked = _marked()
    assert len(marked) >= 25
    for name, (firsts, seconds, keys, aliases) in marked.items():
        assert hasattr(contract, name), f"docs/formats.md marks contract.{name}, which does not exist"
        assert firsts == _names(getattr(contract, name), keys), name
        if aliases:
            every_alias = {a for names in getattr(contract, aliases).values() for a in names}
            assert firsts | seconds == every_alias, aliases


def test_every_list_of_names_in_the_contract_is_on_the_page():
    marked = set(_marked()) | {aliases for *_, aliases in _marked().values() if aliases}
    lists = {n for n, v in vars(contract).items()
             if n.isupper() and isinstance(v, (list, dict)) and not n.startswith("_")}
    undocumented = lists - marked - set(INTERNAL)
    assert not undocumented, f"document these in docs/formats.md (or say why they are internal): {undocumented}"
    assert not (set(INTERNAL) - lists), "INTERNAL names something the contract no longer has"


def test_every_header_a_reader_accepts_is_on_the_page():
    documented = {key(t) for t in _documented()}
    accepted = set(KPU_KEYS) | set(REGISTRY_KEYS)
    assert accepted <= documented, accepted - documented


# --- what the writers write --------------------------------------------------------------------

def _header_rows(path: Path) -> dict[str, list[list]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


def _texts(rows) -> set[str]:
    return {str(c).strip() for row in rows for c in row if isinstance(c, str) and c.strip()}


def test_findings_files_write_only_documented_columns(tmp_path):
    from pemilih.io.findings import write_all
    row = {c: "" for c in contract.FINDINGS_COLUMNS + contract.FINDINGS_EXTRA}
    row.update(code="U", field="NAMA", score="0.9", finding_key="k1",
               evidence='{"score": 0.9, "fields": [{"field": "NAMA", "level": "mirip", "weight": 2.0}]}')
    paths = write_all(pl.DataFrame([row]), str(tmp_path))
    written = set(pl.read_csv(paths["csv"], infer_schema=False).columns)
    sheets = _header_rows(Path(paths["xlsx"]))
    written |= set(sheets) | {c for grid in sheets.values() for c in grid[0]}
    assert written <= _documented(), written - _documented()


def test_package_files_write_only_documented_columns(tmp_path):
    from pemilih.engine.pdpb import Changes
    from pemilih.io import package
    voter = {"key": "dpt.csv::2", **{c: "x" for c in contract.KPU_COLUMNS}, "evidence": "bukti"}
    added = pl.DataFrame([voter])
    removed = pl.DataFrame([{**voter, "code": "TMS-1"}])
    corrected = pl.DataFrame([{"key": "dpt.csv::3", "nik": "n", "nama": "a", "kode_desa": "k", "column": "nama",
                               "old": "A", "new": "B", "evidence": "e"}])
    moved = pl.DataFrame([{"key": "dpt.csv::4", "nik": "n", "nama": "a", "kode_desa": "k", "kecamatan": "c",
                           "desa": "d", "old": "001", "new": "002", "evidence": "e"}])
    noted = pl.DataFrame([{**voter, "reason": "alasan"}]).drop("evidence")
    package.write_changes(tmp_path / contract.PACKAGE_CHANGES, Changes(added, removed, moved, corrected), noted,
                          noted, {"TMS-1": "meninggal"})
    package.write_list(tmp_path / contract.PACKAGE_LIST, added.drop("evidence"))
    written = set()
    for name in (contract.PACKAGE_CHANGES, contract.PACKAGE_LIST):
        sheets = _header_rows(tmp_path / name)
        written |= set(sheets) | {c for grid in sheets.values() for c in grid[0]}
    assert written <= _documented(), written - _documented()
    assert set(package.read_changes((tmp_path / contract.PACKAGE_CHANGES).read_bytes())) == set(contract.CHANGE_SHEETS)


def test_coklit_workbook_writes_only_documented_names(tmp_path):
    from pemilih.io import coklit_share
    from pemilih.io.coklit_layout import HEADER_ROW
    cut = ["dpt.csv::2", 1, "RANTEPAO", "LEMBANG SATU", "73.26.01.2001", "001",
           *["7326010101010009", "7326014507890001", "NE' RANTE", "RANTEPAO", "1989-07-05", "P", "S", "DUSUN A",
             "001", "001", "", "S"]]
    assert len(cut) == len(contract.COKLIT_CUT_COLUMNS)
    job = coklit_share.job("73.26.01.2001", [tuple(cut)], tmp_path, 1, "PKS", date(2027, 1, 2), "PILKALEM")
    coklit_share.write_job(job)
    sheets = _header_rows(Path(job.path))
    written = set(sheets) - {"TPS 001"}  # sheet names; a TPS sheet is named after its TPS
    written |= _texts([sheets["TPS 001"][HEADER_ROW]]) | _texts([sheets[contract.COKLIT_NEW_SHEET][HEADER_ROW]])
    written |= {str(r[0]) for r in sheets[contract.COKLIT_BASE_SHEET] if r and r[0]}
    assert written <= _documented(), written - _documented()


def test_recap_logistics_and_tps_tables_write_only_documented_headers(tmp_path):
    from pemilih.domain.logistics import LogisticsParams
    from pemilih.engine import recap as engine
    from pemilih.engine.logistics import logistics
    from pemilih.io.logistics_xlsx import HEADER_ROW, write_logistics_xlsx
    from pemilih.io.recap_xlsx import write_recap
    from pemilih.io.tps_table import tps_table_xlsx
    from pemilih.store.recap import Recap
    state = pl.DataFrame([{"key": "a", "kecamatan": "RANTEPAO", "desa": "LEMBANG SATU", "kode_desa": "73.26.01.2001",
                           "jenis_kelamin": "P", "ktp_el": "S"}])
    codes = ["TMS-1"]
    villages = engine.recap(state, state, pl.DataFrame(schema={"key": pl.String, "code": pl.String}),
                            pl.Series("key", [], dtype=pl.String), codes)
    write_recap(Recap(date(2027, 1, 1), date(2027, 1, 31), "PEMILU2024", codes, villages, engine.by_kecamatan(villages),
                      engine.total(villages), 0), str(tmp_path / "rekap.xlsx"), title="Rekap")
    documented = _documented()
    for name, grid in _header_rows(tmp_path / "rekap.xlsx").items():
        assert name in documented
        header = _texts(grid[3:5]) - {t for t in _texts(grid[3:5]) if re.match(r"TMS-\d+ ", t)}  # per code
        assert header <= documented, header - documented
    counts = pl.DataFrame([{"kecamatan": "RANTEPAO", "desa": "LEMBANG SATU", "kode_desa": "73.26.01.2001", "tps": 1,
                            "pemilih": 250}])
    result, params = logistics(counts, LogisticsParams()), LogisticsParams()
    write_logistics_xlsx(result, tmp_path / "logistik.xlsx", title="Logistik", params=params)
    for name, grid in _header_rows(tmp_path / "logistik.xlsx").items():
        assert name in documented and _texts([grid[HEADER_ROW]]) <= documented, (name, grid[HEADER_ROW])
    row = {c: 1 for c in contract.TPS_TABLE_HEADERS}
    (tmp_path / "tps.xlsx").write_bytes(tps_table_xlsx(["Daftar TPS"], [row]))
    grid = _header_rows(tmp_path / "tps.xlsx")["TPS"]
    assert _texts([grid[2]]) <= documented and _texts([grid[2]]) == set(contract.TPS_TABLE_HEADERS.values()) | set(
        contract.TPS_PLACE_HEADERS.values())


@pytest.mark.parametrize("name", ["KPU_HEADERS", "REGISTRY_HEADERS", "FINDINGS_COLUMNS", "CORRECTED_COLUMNS",
                                  "COKLIT_TPS_HEADERS", "RESPONSE_COLUMNS"])
def test_the_main_tables_are_marked(name):
    assert name in _marked()
