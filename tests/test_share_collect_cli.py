"""`pemilih share` and `pemilih collect` from the command line: output and exit status."""
from __future__ import annotations

import openpyxl
import pytest
from test_share_collect import NEW_NIK, NUMBER, _list_rows, _terms

from pemilih.cli import main
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.store.agreements import record_agreement
from pemilih.store.receive import import_result

pytestmark = pytest.mark.postgres
SINGKI = "COKLIT_7326011006_SINGKI.xlsx"


@pytest.fixture
def ws_args(workspace, maker, store_location, monkeypatch):
    import_result(workspace, maker.kpu(_list_rows(), name="dpt.csv"), actor="KPU", agency="KPU", reason="awal")
    record_agreement(workspace, _terms(), actor="Kepala DPML", agency="KPU", reason="PKS")
    monkeypatch.setenv("DATABASE_URL", store_location[1])
    return ["--workspace", str(store_location[0])]


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_share_then_collect(ws_args, capsys, tmp_path):
    out = tmp_path / "lembar"
    code, text, err = _run(capsys, "share", "--out", out, "--perjanjian", NUMBER, "--tanggal", "01-06-2026",
                           "--pelaku", "Yusuf", "--instansi", "DPML", *ws_args)
    assert (code, err) == (0, "")
    assert "3 lembar kerja (8 pemilih) ditulis" in text and "perjanjian 001/PKS/KPU-DPML/2026" in text
    assert "1 pemilih belum punya desa" in text and "tidak dibagikan: dpt.csv::10" in text
    assert sorted(p.name for p in out.iterdir()) == ["COKLIT_7326011001_LAANG_TANDUK.xlsx", SINGKI,
                                                    "COKLIT_7326012010_LIMBONG.xlsx"]

    good = tmp_path / "kembali" / SINGKI
    good.parent.mkdir()
    fill_workbook(out / SINGKI, good, statuses={"dpt.csv::3": "TMS-1", "dpt.csv::4": "U"},
                  corrections={"dpt.csv::4": {"nama": "YOHANES PATIKU"}},
                  new_voters=[{"nik": NEW_NIK, "nama": "LINA SAMPE", "tanggal_lahir": "01-01-2006"}])
    code, text, _ = _run(capsys, "collect", good.parent, "--alasan", "Coklit", *ws_args)
    assert code == 0
    assert f"{SINGKI}: diterima (peristiwa #" in text and "): TMS-1 1, U 1, B 1" in text
    code, text, _ = _run(capsys, "collect", good, *ws_args)
    assert code == 0 and "sudah dikumpulkan sebelumnya" in text


def test_refused_conflicting_and_unreadable_workbooks(ws_args, capsys, tmp_path):
    out = tmp_path / "lembar"
    assert _run(capsys, "share", "--out", out, "--perjanjian", NUMBER, "--tanggal", "01-06-2026", *ws_args)[0] == 0
    wb = openpyxl.load_workbook(out / SINGKI)
    wb["TPS 001"]["D5"] = "7326014507890099"
    wb["PEMILIH BARU"]["B5"], wb["PEMILIH BARU"]["C5"] = "7326015001950003", "MARTHA SAMPE"
    wb["PEMILIH BARU"]["E5"] = "10-01-1995"
    edited = tmp_path / "diedit.xlsx"
    wb.save(edited)
    code, text, _ = _run(capsys, "collect", edited, *ws_args)
    assert code == 1 and "diedit.xlsx: ditolak, ruang kerja tidak berubah (1 masalah):" in text
    assert "  - diedit.xlsx:TPS 001:D5 NIK, pemilih no. 1 NE' RANTE: sel terkunci diubah" in text
    assert "7326014507890099" not in text

    wb["TPS 001"]["D5"] = "7326014507890001"  # put back: now only the known NIK is left
    wb.save(edited)
    code, text, _ = _run(capsys, "collect", edited, *ws_args)
    assert code == 1 and "diedit.xlsx: diterima (peristiwa #" in text and "konflik (1), tidak diterapkan:" in text
    assert "PEMILIH BARU:B5 NIK: NIK 732601********** sudah ada di daftar" in text
    assert "7326015001950003" not in text

    code, text, _ = _run(capsys, "collect", out / "COKLIT_7326012010_LIMBONG.xlsx", "--desa", "73.26.01.1006",
                         *ws_args)
    assert code == 1 and "lembar kerja untuk desa 73.26.01.2010 (LIMBONG), bukan 73.26.01.1006" in text

    junk = tmp_path / "bukan.xlsx"
    junk.write_text("bukan lembar kerja")
    code, text, _ = _run(capsys, "collect", junk, out / "COKLIT_7326012010_LIMBONG.xlsx", *ws_args)
    assert code == 2 and "bukan.xlsx: tidak dapat dibaca" in text
    assert "COKLIT_7326012010_LIMBONG.xlsx: diterima" in text  # the others are still collected


def test_share_without_agreement_exits_1(ws_args, capsys, tmp_path):
    code, _, err = _run(capsys, "share", "--out", tmp_path / "x", "--perjanjian", "TIDAK-ADA", *ws_args)
    assert code == 1 and "Perjanjian nomor 'TIDAK-ADA' tidak tercatat" in err


def test_share_takes_the_latest_elections_villages_and_refuses_one_outside(ws_args, capsys, tmp_path):
    """Issue 12 (defect 7): with an election in the workspace only its villages are shared
    (UU 27/2022); without one, every village the agreement covers (test_share_then_collect)."""
    code, _, err = _run(capsys, "election", "buat", "--kode", "PK27", "--nama", "Pilkalem", "--hari", "17-03-2027",
                        "--dps", "15-01-2027", "--desa", "73.26.01.1006", *ws_args)
    assert code == 1 and "bukan di kelurahan (kode 1xxx): 73.26.01.1006" in err  # SINGKI is a kelurahan
    assert _run(capsys, "election", "buat", "--kode", "PK27", "--nama", "Pilkalem", "--hari", "17-03-2027",
                "--dps", "15-01-2027", "--desa", "73.26.01.2010", *ws_args)[0] == 0
    out = tmp_path / "lembar"
    code, text, err = _run(capsys, "share", "--out", out, "--perjanjian", NUMBER, "--tanggal", "01-06-2026", *ws_args)
    assert (code, err) == (0, "") and "1 lembar kerja (2 pemilih) ditulis" in text and "Pemilihan PK27" in text
    assert [p.name for p in out.iterdir()] == ["COKLIT_7326012010_LIMBONG.xlsx"]
    code, _, err = _run(capsys, "share", "--out", tmp_path / "luar", "--perjanjian", NUMBER, "--tanggal", "01-06-2026",
                        "--desa", "73.26.01.1006", *ws_args)
    assert code == 1 and "Desa 73.26.01.1006 tidak menyelenggarakan pemilihan PK27" in err
