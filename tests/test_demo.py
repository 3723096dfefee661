"""`pemilih demo` end to end on a small regency: what `make run` does, at a scale a test affords."""
import json

import polars as pl

from pemilih.cli import main


def test_demo_generates_checks_imports_and_verifies(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    out, ws = tmp_path / "demo", tmp_path / "ws"
    assert main(["demo", "--out", str(out), "--scale", "0.02", "--seed", "11", "--workspace", str(ws)]) == 0
    printed = capsys.readouterr().out

    truth_rows = json.loads((out / "truth" / "meta.json").read_text())["counts"]["list_rows"]
    csv_report = json.loads((out / "periksa" / "dpt_csv.json").read_text())
    form_report = json.loads((out / "periksa" / "dpt_formulir.json").read_text())
    # Both renderings of the list read completely, and the planted defects make both FAIL.
    assert csv_report["rows"] == form_report["rows"] == truth_rows
    assert csv_report["status"] == form_report["status"] == "FAIL"
    assert "jumlah baris sama" in printed

    findings = pl.read_csv(out / "verifikasi" / "findings.csv", infer_schema=False)
    assert {"TMS-1", "U", "B"} <= set(findings["code"])
    # The import records on the rows exactly the problems the check reported, duplicates included.
    from pemilih.store.models import ImportBatch
    from pemilih.store.workspace import open_workspace
    open_workspace(ws)
    stored = ImportBatch.objects.get(kind="kpu").problem_count
    assert stored == len(csv_report["errors"]) > 0
    assert any(e["code"] == "NIK-DUPLICATE" for e in csv_report["errors"])
    # Every finding is waiting in the workspace as a proposal for review.
    from pemilih.store.review import proposals
    assert proposals(open_workspace(ws)).height == findings.height

    # Running it again reuses the regency and changes nothing in the workspace.
    assert main(["demo", "--out", str(out), "--scale", "0.02", "--seed", "11", "--workspace", str(ws)]) == 0
    again = capsys.readouterr().out
    assert "dipakai ulang" in again and "sudah ada, tidak berubah" in again
    assert "sudah dijalankan di ruang kerja ini; tidak diulang" in again


# The whole village cycle of the demo, its invariants after every step: test_demo_invariants.py.
