"""`pemilih review`: load, list, accept, reject and undo from the command line."""
from __future__ import annotations

import pytest
from test_review import FINDINGS, LIST, REGISTRY

from pemilih.cli import main
from pemilih.io.findings import write_csv, write_xlsx
from pemilih.store.receive import import_result

pytestmark = pytest.mark.postgres


@pytest.fixture
def ws_args(workspace, maker, store_location, monkeypatch, tmp_path):
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="KPU", agency="KPU", reason="awal")
    import_result(workspace, maker.registry(REGISTRY, name="dk.csv"), actor="D", agency="DISDUKCAPIL",
                  reason="ekstrak")
    monkeypatch.setenv("DATABASE_URL", store_location[1])
    path = tmp_path / "findings.csv"
    write_csv(FINDINGS, str(path))
    return ["--workspace", str(store_location[0])], str(path)


def _run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_load_list_accept_and_undo(ws_args, capsys, workspace):
    from pemilih.store.projection import current_list
    ws, path = ws_args
    code, out, _ = _run(capsys, "review", "muat", path, *ws)
    assert code == 0 and "Dimuat 4 usulan baru" in out
    code, out, _ = _run(capsys, "review", "muat", path, *ws)
    assert code == 0 and "Tidak ada usulan baru: 4" in out

    code, out, _ = _run(capsys, "review", "daftar", "--kode", "U", *ws)
    assert code == 0 and "terbuka 2" in out and "YOHANES PATIKU" in out
    assert "1995-01-11" not in out  # birth dates are personal data: masked
    assert "7326014507890001" not in out

    code, out, _ = _run(capsys, "review", "terima", "--skor-min", "0.95", "--kode", "U",
                        "--alasan", "Sesuai KK", "--oleh", "Rina", *ws)
    assert code == 0 and "1 usulan diterima" in out and "1 perubahan" in out
    seq = int(out.split("peristiwa #")[1].split(")")[0])
    listed = current_list(workspace).to_dicts()
    assert [r["tanggal_lahir"] for r in listed if r["source_ref"] == "dpt.csv::4"] == ["1995-01-11"]

    code, out, _ = _run(capsys, "review", "tolak", "--kunci", "k-b", "--alasan", "Sudah pindah", *ws)
    assert code == 0 and "1 usulan ditolak" in out
    code, out, _ = _run(capsys, "review", "daftar", "--status", "ditolak", *ws)
    assert "k-b" in out and "k-u-tgl" not in out and "ditolak #" in out

    code, out, _ = _run(capsys, "review", "batal", "--peristiwa", str(seq), "--alasan", "Keliru", *ws)
    assert code == 0 and f"Keputusan #{seq} dibatalkan" in out
    listed = current_list(workspace).to_dicts()
    assert [r["tanggal_lahir"] for r in listed if r["source_ref"] == "dpt.csv::4"] == ["1995-01-10"]


def test_findings_xlsx_with_indonesian_headers_loads_as_the_csv(ws_args, capsys, tmp_path):
    """findings.xlsx is for people (headers in Bahasa Indonesia); review reads it back."""
    from python_calamine import CalamineWorkbook
    ws, _ = ws_args
    path = tmp_path / "findings.xlsx"
    write_xlsx(FINDINGS, str(path))
    header = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("temuan").to_python()[0]
    assert "KUNCI TEMUAN" in header and "finding_key" not in header
    code, out, _ = _run(capsys, "review", "muat", str(path), *ws)
    assert code == 0 and "Dimuat 4 usulan baru" in out
    code, out, _ = _run(capsys, "review", "daftar", "--kode", "U", *ws)
    assert code == 0 and "terbuka 2" in out and "YOHANES PATIKU" in out


def test_expected_failures_are_messages_not_tracebacks(ws_args, capsys, tmp_path):
    ws, path = ws_args
    code, _, err = _run(capsys, "review", "terima", "--kode", "U", "--alasan", "x", *ws)
    assert code == 1 and "Tidak ada temuan terbuka" in err and "Traceback" not in err
    code, _, err = _run(capsys, "review", "terima", "--alasan", "x", *ws)
    assert code == 1 and "Pilih temuan" in err
    code, _, err = _run(capsys, "review", "batal", "--peristiwa", "999", "--alasan", "x", *ws)
    assert code == 1 and "bukan keputusan" in err
    code, _, err = _run(capsys, "review", "muat", str(tmp_path / "tidak-ada.csv"), *ws)
    assert code == 2 and "tidak dapat dibaca" in err
    bad = tmp_path / "lain.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = _run(capsys, "review", "muat", str(bad), *ws)
    assert code == 1 and "kolom hilang" in err
    with pytest.raises(SystemExit):  # argparse: --alasan is required for a decision
        main(["review", "tolak", "--kode", "U", *ws])
