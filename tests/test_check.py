"""The check report: duplicates across files, status, counts, JSON shape, text a person acts on."""
from __future__ import annotations

from datetime import date

from pemilih.engine.check import check
from pemilih.io.read import read_files

from filemaker import KPU_HEADER, LAANG_TANDUK, form_workbook, voter, write_csv


def _two_files(tmp_path, dup=True):
    a = [voter(1), voter(2, born=date(1975, 3, 4), sex="P"), voter(3, tps="002")]
    b = [voter(4, village=LAANG_TANDUK), voter(5, village=LAANG_TANDUK)]
    if dup:
        b[1] = voter(5, born=date(1975, 3, 4), sex="P", village=LAANG_TANDUK, NIK=a[1]["NIK"])  # listed twice
    return (write_csv(tmp_path / "a.csv", KPU_HEADER, a),
            form_workbook(tmp_path / "b.xlsx", {"001": b}, kecamatan="RANTEPAO", desa="LAANG TANDUK"))


def test_duplicate_nik_across_files_points_to_the_first(tmp_path):
    report = check(read_files(list(_two_files(tmp_path))))
    errors = report.errors.select("source_ref", "column", "code").rows()
    assert errors == [("b.xlsx:TPS 001:11", "NIK", "NIK-DUPLICATE")]
    reason = report.errors["reason"][0]
    assert "a.csv::3" in reason and "732615**********" in reason
    assert report.status == "FAIL" and report.exit_code == 1


def test_pass_counts_per_village_and_tps(tmp_path):
    report = check(read_files(list(_two_files(tmp_path, dup=False))))
    assert report.status == "PASS" and report.exit_code == 0 and report.rows == 5
    villages = {(r["kode_desa"], r["desa"]): r["rows"] for r in report.per_village.to_dicts()}
    assert villages == {("73.26.15.1004", "PANTANAKAN LOLO"): 3, ("73.26.01.1001", "LAANG TANDUK"): 2}
    tps = {(r["kode_desa"], r["tps"]): r["rows"] for r in report.per_tps.to_dicts()}
    assert tps == {("73.26.15.1004", "001"): 2, ("73.26.15.1004", "002"): 1, ("73.26.01.1001", "001"): 2}
    assert report.to_text().splitlines()[-1] == "HASIL: LULUS (PASS)"


def test_json_shape(tmp_path):
    a, _ = _two_files(tmp_path)
    rows = [voter(1, NIK="7326151205800"), voter(2)]
    report = check(read_files([write_csv(tmp_path / "c.csv", KPU_HEADER, rows), a]))
    data = report.to_json()
    assert set(data) >= {"status", "rows", "rows_per_village", "rows_per_tps", "errors", "files"}
    assert data["status"] == "FAIL" and data["rows"] == 5
    assert set(data["errors"][0]) >= {"source_ref", "column", "reason", "code"}
    assert data["errors"][0]["source_ref"] == "c.csv::2" and data["errors"][0]["code"] == "NIK-LENGTH"
    assert {"kode_desa", "kecamatan", "desa", "rows"} <= set(data["rows_per_village"][0])
    assert {"kode_desa", "tps", "rows"} <= set(data["rows_per_tps"][0])
    assert [f["name"] for f in data["files"]] == ["c.csv", "a.csv"]


def test_text_groups_errors_by_file_and_masks_niks(tmp_path):
    bad = voter(2, NIK="7326151205800001", **{"JENIS KELAMIN": "P"})  # NIK of a man on a woman
    a = write_csv(tmp_path / "a.csv", KPU_HEADER, [voter(1), bad])
    text = check(read_files([a, tmp_path / "hilang.csv"])).to_text()
    lines = text.splitlines()
    assert lines[-1] == "HASIL: TIDAK TERBACA (UNREADABLE)"
    assert "a.csv::3" in text and "NIK-SEX-MISMATCH" in text and "FILE-UNREADABLE" in text
    assert "7326151205800001" not in text
    assert text.index("  a.csv (") < text.index("a.csv::3") < text.index("  hilang.csv (")


def test_unreadable_status_wins(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    good = write_csv(tmp_path / "a.csv", KPU_HEADER, [voter(1)])
    report = check(read_files([good, tmp_path / "x.xlsx"]))
    assert report.status == "UNREADABLE" and report.exit_code == 2 and report.rows == 1
    assert [f["status"] for f in report.to_json()["files"]] == ["dibaca", "tidak terbaca"]
