"""Civil-registry extracts (formats.md section 3)."""
from __future__ import annotations

from datetime import date

from pemilih.io.read import read_files, read_grouped

from filemaker import LAANG_TANDUK, REGISTRY_HEADER, resident, write_csv, write_xlsx


def test_registry_values_normalised(tmp_path):
    rows = [resident(1, **{"STAT_KWN": "CERAI MATI", "KODE_WILAYAH": "7326151004"}),
            resident(2, born=date(1990, 2, 3), sex="P", **{"STAT_KWN": "1", "JENIS_KLMIN": "2", "STATUS": "mati",
                                                          "TGL_MATI": "01-03-2025"}),
            resident(3, village=LAANG_TANDUK, **{"TGL_PINDAH": "2024-07-01", "KODE_WILAYAH_TUJUAN": "7371"})]
    result = read_files([write_csv(tmp_path / "disdukcapil_7326.csv", REGISTRY_HEADER, rows)])
    assert result.kind == "registry"
    assert result.problems.height == 0, result.problems.to_dicts()
    recs = result.records
    assert recs["status_kawin"].to_list() == ["P", "B", "S"]
    assert recs["jenis_kelamin"].to_list() == ["L", "P", "L"]
    assert recs["kode_wilayah"].to_list() == ["73.26.15.1004", "73.26.15.1004", "73.26.01.1001"]
    assert recs["tanggal_lahir"][1] == "1990-02-03" and recs["tgl_mati"][1] == "2025-03-01"
    assert recs["status"].to_list() == ["HIDUP", "MATI", "HIDUP"]
    assert recs["tgl_pindah"][2] == "2024-07-01" and recs["kode_wilayah_tujuan"][2] == "73.71"
    assert recs["source_ref"].to_list() == ["disdukcapil_7326.csv::2", "disdukcapil_7326.csv::3",
                                            "disdukcapil_7326.csv::4"]


def test_registry_problems(tmp_path):
    rows = [resident(1, **{"KODE_WILAYAH": "73.26.15.9999"}), resident(2, **{"TGL_MATI": "30-02-2025"}),
            resident(3, **{"KODE_WILAYAH_TUJUAN": "ZZ"}), resident(4, **{"NIK": "73261512058000"}),
            resident(5, **{"JENIS_KLMIN": "3"})]
    result = read_files([write_csv(tmp_path / "d.csv", REGISTRY_HEADER, rows)])
    assert result.problems.select("source_ref", "column", "code").rows() == [
        ("d.csv::2", "KODE_WILAYAH", "KODE-DESA-UNKNOWN"), ("d.csv::3", "TGL_MATI", "DATE-INVALID"),
        ("d.csv::4", "KODE_WILAYAH_TUJUAN", "KODE-DESA-UNKNOWN"), ("d.csv::5", "NIK", "NIK-LENGTH"),
        ("d.csv::6", "JENIS_KLMIN", "SEX-INVALID")]


def test_registry_in_a_workbook(tmp_path):
    grid = [REGISTRY_HEADER] + [[r[h] for h in REGISTRY_HEADER] for r in (resident(1), resident(2))]
    result = read_files([write_xlsx(tmp_path / "siak.xlsx", {"Penduduk": grid})])
    assert result.kind == "registry" and result.records.height == 2 and result.problems.height == 0


def test_read_grouped_splits_kinds_and_read_files_refuses_the_odd_one(tmp_path):
    from filemaker import KPU_HEADER, voter
    kpu = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1)])
    reg = write_csv(tmp_path / "d.csv", REGISTRY_HEADER, [resident(1)])
    grouped = read_grouped([kpu, reg])
    assert set(grouped) == {"kpu", "registry"}
    assert grouped["kpu"].records.height == 1 and grouped["registry"].records.height == 1
    mixed = read_files([kpu, reg])
    assert mixed.kind == "kpu" and mixed.records.height == 1
    assert mixed.problems.select("source_ref", "code").rows() == [("d.csv", "FILE-KIND")]


def test_forced_kind_makes_missing_columns(tmp_path):
    reg = write_csv(tmp_path / "d.csv", REGISTRY_HEADER, [resident(1)])
    result = read_files([reg], kind="kpu")
    assert result.refused and result.records.height == 0
    assert "COLUMN-MISSING" in result.problems["code"].to_list()
