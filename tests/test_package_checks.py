"""The package checks themselves can fail: hand-made recap sheets that break each identity."""
from __future__ import annotations

from package_checks import recap_problems

HEADER = [["Rekapitulasi pemutakhiran data pemilih", "", "", ""],
          ["KECAMATAN", "PEMILIH AWAL", "", "", "PEMILIH BARU (B)", "", "", "TMS-1", "", "", "JUMLAH TMS", "", "",
           "PERBAIKAN JENIS KELAMIN: MASUK", "", "", "PERBAIKAN JENIS KELAMIN: KELUAR", "", "", "PEMILIH AKHIR", "",
           ""],
          ["", *["L", "P", "JML"] * 7]]


def _sheet(*rows):
    return {"Per Kecamatan": [*HEADER, *rows]}


def test_a_balanced_row_with_a_sex_correction_passes():
    # 10 L, 10 P; one L dies; one voter's sex corrected from P to L: 10 L, 9 P at the end
    row = ["A", 10, 10, 20, 0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 10, 9, 19]
    assert recap_problems(_sheet(row)) == []


def test_each_broken_identity_is_named():
    no_sex_columns = ["A", 10, 10, 20, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 10, 9, 19]
    found = recap_problems(_sheet(no_sex_columns))
    assert any(" L:" in f for f in found) and any(" P:" in f for f in found) and not any(" JML:" in f for f in found)
    bad_sum = ["A", 10, 10, 21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 21]
    assert any("L+P" in f for f in recap_problems(_sheet(bad_sum)))
    bad_tms = ["A", 10, 10, 20, 0, 0, 0, 1, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 8, 10, 18]
    assert any("JUMLAH TMS" in f for f in recap_problems(_sheet(bad_tms)))
    assert recap_problems({"x": [["judul"], ["tanpa tabel"]]}) == ["rekap: tidak ada lembar dengan kolom L/P/JML"]
