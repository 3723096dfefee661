"""Headers are matched by contents, with every alias of formats.md sections 2 and 3."""
from __future__ import annotations

import pytest

from pemilih.io.headers import find_header, parse_title
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, REGISTRY_HEADER, resident, voter, write_csv, write_xlsx

# formats.md section 2, copied by hand: printed name -> aliases.
KPU_ALIASES = {
    "KECAMATAN": ["KEC", "NAMA KECAMATAN"],
    "KELURAHAN/DESA": ["DESA", "KELURAHAN", "LEMBANG", "DESA/KEL"],
    "KODE DESA": ["KODE WILAYAH", "KODE KEL"],
    "TPS": ["NO TPS"],
    "NO": ["NO URUT"],
    "NKK": ["NO KK", "NOMOR KK"],
    "NIK": ["NO NIK"],
    "NAMA": ["NAMA LENGKAP", "NAMA PEMILIH"],
    "TEMPAT LAHIR": ["TEMPAT_LAHIR"],
    "TANGGAL LAHIR": ["TGL LAHIR", "TANGGAL_LAHIR"],
    "STATUS PERKAWINAN": ["STATUS KAWIN", "KAWIN", "STS KAWIN"],
    "JENIS KELAMIN": ["L/P", "JK"],
    "ALAMAT": ["ALAMAT/DUSUN"],
    "DISABILITAS": ["JENIS DISABILITAS", "DIS"],
    "KTP-EL": ["STATUS KTP-EL", "EKTP"],
    "KETERANGAN": ["KET"],
}
REGISTRY_ALIASES = {
    "NO_KK": ["NKK"], "NAMA_LGKP": ["NAMA", "NAMA LENGKAP"], "TMPT_LHR": ["TEMPAT LAHIR"],
    "TGL_LHR": ["TANGGAL LAHIR"], "JENIS_KLMIN": ["JENIS KELAMIN", "JK"], "STAT_KWN": ["STATUS KAWIN"],
    "NO_RT": ["RT"], "NO_RW": ["RW"], "JENIS_PKRJN": ["PEKERJAAN"],
}
KPU_FIELD = {"KECAMATAN": "kecamatan", "KELURAHAN/DESA": "desa", "KODE DESA": "kode_desa", "TPS": "tps",
             "NO": "no", "NKK": "nkk", "NIK": "nik", "NAMA": "nama", "TEMPAT LAHIR": "tempat_lahir",
             "TANGGAL LAHIR": "tanggal_lahir", "STATUS PERKAWINAN": "status_kawin",
             "JENIS KELAMIN": "jenis_kelamin", "ALAMAT": "alamat", "RT": "rt", "RW": "rw",
             "DISABILITAS": "disabilitas", "KTP-EL": "ktp_el", "KETERANGAN": "keterangan"}
REGISTRY_FIELD = {"NO_KK": "nkk", "NAMA_LGKP": "nama", "TMPT_LHR": "tempat_lahir", "TGL_LHR": "tanggal_lahir",
                  "JENIS_KLMIN": "jenis_kelamin", "STAT_KWN": "status_kawin", "NO_RT": "rt", "NO_RW": "rw",
                  "JENIS_PKRJN": "pekerjaan"}


def _spelt(alias: str, i: int) -> str:
    """The alias as people type it: other case, spacing, `_` / `-` / `/` swapped."""
    return [alias.lower().replace(" ", "_"), f" {alias.title()} ", alias.replace(" ", "-"),
            alias.replace("/", " / ")][i % 4]


KPU_CASES = [(name, alias, i) for name, aliases in KPU_ALIASES.items() for i, alias in enumerate(aliases)]


@pytest.mark.parametrize("printed,alias,i", KPU_CASES, ids=[f"{a}" for _, a, _ in KPU_CASES])
def test_every_kpu_alias_is_read(tmp_path, printed, alias, i):
    row = voter(DISABILITAS="1,6", KETERANGAN="PINDAHAN")
    originals = [h for h in KPU_HEADER
                 if not (printed in ("KECAMATAN", "KELURAHAN/DESA") and h == "KODE DESA")]  # names only
    header = [_spelt(alias, i) if h == printed else h for h in originals]
    path = write_csv(tmp_path / "dpt.csv", header, [[row[h] for h in originals]])
    result = read_files([path])
    assert result.refused == [] and result.problems.height == 0, result.problems.to_dicts()
    record = result.records.row(0, named=True)
    expected = {"TANGGAL LAHIR": "1980-05-12"}.get(printed, row[printed])
    assert record[KPU_FIELD[printed]] == expected


REGISTRY_CASES = [(name, alias, i) for name, aliases in REGISTRY_ALIASES.items() for i, alias in enumerate(aliases)]


@pytest.mark.parametrize("printed,alias,i", REGISTRY_CASES, ids=[f"{a}" for _, a, _ in REGISTRY_CASES])
def test_every_registry_alias_is_read(tmp_path, printed, alias, i):
    row = resident()
    header = [(_spelt(alias, i) if h == printed else h) for h in REGISTRY_HEADER]
    path = write_csv(tmp_path / "dukcapil.csv", header, [[row[h] for h in REGISTRY_HEADER]])
    result = read_files([path], kind="registry")
    assert result.problems.height == 0, result.problems.to_dicts()
    expected = {"TGL_LHR": "1980-05-12", "JENIS_KLMIN": "L", "STAT_KWN": "S"}.get(printed, row[printed])
    assert result.records.row(0, named=True)[REGISTRY_FIELD[printed]] == expected


def test_registry_region_from_four_code_parts(tmp_path):
    header = [h for h in REGISTRY_HEADER if h != "KODE_WILAYAH"] + ["NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"]
    row = resident()
    path = write_csv(tmp_path / "siak.csv", header, [[row.get(h, "") for h in header[:-4]] + ["73", "26", "15", "1004"]])
    result = read_files([path])
    assert result.kind == "registry"
    assert result.records["kode_wilayah"].to_list() == ["73.26.15.1004"]


def test_header_found_below_title_rows_and_junk(tmp_path):
    grid = [["DAFTAR PEMILIH"], [], ["catatan: NIK ditulis sebagai teks"], ["KECAMATAN", ":", "KESU"],
            ["DESA/KELURAHAN", ": PANTANAKAN LOLO"], ["TPS : 002"], [], [], [], [],
            [h for h in KPU_HEADER if h not in ("KECAMATAN", "KELURAHAN/DESA", "KODE DESA", "TPS")]]
    row = voter()
    grid.append([row[h] for h in grid[-1]])
    result = read_files([write_xlsx(tmp_path / "a.xlsx", {"Lembar1": grid})])
    assert result.problems.height == 0, result.problems.to_dicts()
    rec = result.records.row(0, named=True)
    assert (rec["source_ref"], rec["tps"], rec["kode_desa"]) == ("a.xlsx:Lembar1:12", "002", "73.26.15.1004")


def test_title_block_variants():
    rows = [["PROVINSI : SULAWESI SELATAN"], ["KABUPATEN", ":", "TORAJA UTARA"], ["KECAMATAN :", "KESU", "", "TPS: 3"],
            ["LEMBANG : SADAN"], ["DAFTAR PEMILIH TETAP"], ["DESA"]]
    assert parse_title(rows) == {"prov": "SULAWESI SELATAN", "kab": "TORAJA UTARA", "kec": "KESU",
                                 "tps": "3", "desa": "SADAN"}


def test_two_row_header_and_column_numbers():
    grid = [["NO", "NIK", "NAMA", "TEMPAT/TANGGAL LAHIR", "", "L/P"],
            ["", "", "", "TEMPAT LAHIR", "TANGGAL LAHIR", ""],
            ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
            ["1", "7326155205800001", "A", "RANTEPAO", "12-05-1980", "P"]]
    header = find_header(grid)
    assert header.first_data == 3
    assert header.columns("kpu") == {0: "no", 1: "nik", 2: "nama", 3: "tempat_lahir", 4: "tanggal_lahir",
                                     5: "jenis_kelamin"}


def test_no_header_at_all_is_none():
    assert find_header([["7326155205800001", "A", "B"], ["x"]]) is None


def test_column_number_row_of_number_cells():
    grid = [["NO", "NIK", "NAMA", "L/P"], [1.0, 2.0, 3.0, 4.0], ["1", "7326155205800001", "A", "P"]]
    assert find_header(grid).first_data == 2
