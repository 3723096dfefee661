"""`pemilih check`: exit codes, --json, --jenis, and never a traceback."""
from __future__ import annotations

import json

from pemilih.cli import main

from filemaker import KPU_HEADER, REGISTRY_HEADER, form_workbook, resident, voter, write_csv


def test_pass_exit_0(tmp_path, capsys):
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1), voter(2)])
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1] == "HASIL: LULUS (PASS)"
    assert "73.26.15.1004" in out and "PANTANAKAN LOLO" in out


def test_fail_exit_1_with_row_and_column(tmp_path, capsys):
    path = form_workbook(tmp_path / "w.xlsx", {"001": [voter(1), voter(2, RT="X")]})
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "w.xlsx:TPS 001:11" in out and "RT-INVALID" in out
    assert out.strip().splitlines()[-1] == "HASIL: GAGAL (FAIL)"


def test_missing_column_refused_with_alias_hint(tmp_path, capsys):
    header = [h for h in KPU_HEADER if h != "NIK"]
    path = write_csv(tmp_path / "dpt.csv", header, [voter(1)])
    assert main(["check", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 0
    assert [(e["source_ref"], e["column"], e["code"]) for e in data["errors"]] == [("dpt.csv", "NIK", "COLUMN-MISSING")]
    assert "NO NIK" in data["errors"][0]["reason"]
    assert data["files"][0]["status"] == "ditolak"


def test_unreadable_exit_2_and_others_still_reported(tmp_path, capsys):
    good = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1), voter(2, TPS="X")])
    junk = tmp_path / "rusak.xlsx"
    junk.write_bytes(bytes(range(256)) * 10)
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    text = tmp_path / "surat.csv"
    text.write_text("Yth. Bapak Camat,\nberikut kami kirim daftar.\n")
    assert main(["check", "--json", str(good), str(junk), str(empty), str(text), str(tmp_path)]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "UNREADABLE" and data["rows"] == 2
    codes = {(e["source_ref"], e["code"]) for e in data["errors"]}
    assert codes == {("dpt.csv::3", "TPS-INVALID"), ("rusak.xlsx", "FILE-UNREADABLE"),
                     ("kosong.csv", "FILE-UNREADABLE"), ("surat.csv", "FILE-UNREADABLE"),
                     (tmp_path.name, "FILE-UNREADABLE")}


def test_mixed_kinds_and_forced_kind(tmp_path, capsys):
    kpu = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1)])
    reg = write_csv(tmp_path / "d.csv", REGISTRY_HEADER, [resident(1)])  # same person: no duplicate across kinds
    assert main(["check", "--json", str(kpu), str(reg)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rows"] == 2 and {f["kind"] for f in data["files"]} == {"kpu", "registry"}
    assert main(["check", "--jenis", "registry", str(reg)]) == 0
    capsys.readouterr()
    assert main(["check", "--jenis", "registry", str(kpu)]) == 1


def test_no_traceback_on_internal_error(tmp_path, capsys, monkeypatch):
    import pemilih.engine.check as engine

    def broken(_):
        raise RuntimeError("gagal 7326151205800001")
    monkeypatch.setattr(engine, "check", broken)
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1)])
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "RuntimeError" in err and "7326151205800001" not in err


def test_workbooks_read_by_worker_processes(tmp_path):
    """In a fresh process (no Polars loaded yet) `pemilih check` forks workers for workbooks."""
    import subprocess
    import sys
    a = form_workbook(tmp_path / "a.xlsx", {"001": [voter(1), voter(2, RT="X")], "002": [voter(3, tps="002")]})
    b = form_workbook(tmp_path / "b.xlsx", {"001": [voter(4, NIK="7326151205800")]})
    broken = tmp_path / "c.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    done = subprocess.run([sys.executable, "-m", "pemilih", "check", "--json", str(a), str(b), str(broken)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    data = json.loads(done.stdout)
    assert data["rows"] == 4
    assert {(e["source_ref"], e["code"]) for e in data["errors"]} == {
        ("a.xlsx:TPS 001:11", "RT-INVALID"), ("b.xlsx:TPS 001:10", "NIK-LENGTH"), ("c.xlsx", "FILE-UNREADABLE")}
    assert "Traceback" not in done.stderr
