"""The village-cycle commands as an operator types them: exit codes, messages, no tracebacks."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pemilih.cli import main
from pemilih.cycle.common import local_today

DAY = local_today()

CSV = """KECAMATAN,KELURAHAN/DESA,KODE DESA,TPS,NO,NKK,NIK,NAMA,TEMPAT LAHIR,TANGGAL LAHIR,STATUS PERKAWINAN,JENIS KELAMIN,ALAMAT,RT,RW,DISABILITAS,KTP-EL,KETERANGAN
SESEAN,BORI RAMBU SALU,73.26.02.2003,001,1,7326020101000001,7326020101800001,YOHANIS,RANTEPAO,01-01-1980,S,L,DUSUN A,001,001,,S,
SESEAN,BORI RAMBU SALU,73.26.02.2003,001,2,7326020101000001,7326024101820002,MARTHA,RANTEPAO,01-01-1982,S,P,DUSUN A,001,001,,S,
SESEAN,BORI RAMBU SALU,73.26.02.2003,001,3,7326020101000002,7326020101900003,MARKUS,MAKALE,01-01-1990,B,L,DUSUN B,002,001,,B,
"""


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "dpt.csv").write_text(CSV, encoding="utf-8")
    return tmp_path


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_agreement_election_handback_apply_recap_through_the_command_line(files, capsys):
    dpml, kpu = files / "dpml", files / "kpu"
    assert _run(capsys, "receive", files / "dpt.csv", "--workspace", dpml, "--alasan", "DPT")[0] == 0
    code, _, err = _run(capsys, "handback", "--workspace", dpml, "--out", files / "paket", "--periode", "2027-Q1",
                        "--perjanjian", "PKS-9")
    assert code == 1 and "tidak tercatat" in err and "Traceback" not in err
    code, out, _ = _run(capsys, "agreement", "catat", "--workspace", dpml, "--nomor", "PKS-9", "--dari", "01-01-2026",
                        "--sampai", "31-12-2030", "--tujuan", "Pilkalem", "--dasar-hukum", "UU 7/2017",
                        "--retensi", "3 bulan")
    assert code == 0 and "PKS-9 dicatat" in out
    with pytest.raises(SystemExit) as stopped:  # argparse: a date the operator mistyped
        main(["election", "buat", "--workspace", str(dpml), "--kode", "PK", "--nama", "Pilkalem",
              "--hari", "32-13-2027", "--dps", "15-01-2027", "--desa", "73.26.02.2003"])
    assert stopped.value.code == 2 and "tidak dikenali" in capsys.readouterr().err
    code, out, _ = _run(capsys, "election", "buat", "--workspace", dpml, "--kode", "PK", "--nama", "Pilkalem",
                        "--hari", f"{DAY + timedelta(days=100):%d-%m-%Y}", "--dps", f"{DAY + timedelta(days=40):%d-%m-%Y}",
                        "--desa", "73.26.02.2003", "--maks-tps", "2")
    assert code == 0 and "1 desa" in out
    code, _, err = _run(capsys, "election", "dpt", "--workspace", dpml, "--kode", "PK", "--out", files / "dpt")
    assert code == 1 and "DPS lebih dulu" in err
    # the DPS is scheduled in 40 days: set on any other day only with a reason, kept on the event
    code, _, err = _run(capsys, "election", "dps", "--workspace", dpml, "--kode", "PK", "--out", files / "dps")
    scheduled = f"DPS dijadwalkan ditetapkan pada {DAY + timedelta(days=40):%d-%m-%Y}"
    assert code == 1 and scheduled in err and "Traceback" not in err
    off = ("--alasan-jadwal", "Uji: di luar jadwal")
    code, out, _ = _run(capsys, "election", "dps", "--workspace", dpml, "--kode", "PK", "--out", files / "dps", *off)
    assert code == 0 and "3 pemilih, 2 TPS" in out
    assert len(list((files / "dps" / "pengumuman").glob("*.pdf"))) == 1
    code, out, _ = _run(capsys, "election", "dpt", "--workspace", dpml, "--kode", "PK", "--out", files / "dpt", *off)
    assert code == 0 and {p.name for p in (files / "dpt").iterdir()} >= {"logistik.xlsx", "logistik.pdf"}
    code, out, _ = _run(capsys, "handback", "--workspace", dpml, "--out", files / "paket", "--periode", "2027-Q1",
                        "--perjanjian", "PKS-9")
    assert code == 0 and "Paket ditulis" in out
    package = next((files / "paket").glob("*.zip"))
    code, _, err = _run(capsys, "apply", package, "--workspace", kpu)
    assert code == 1 and "Belum ada kunci publik DPML yang terdaftar" in err
    code, public, _ = _run(capsys, "kunci", "tampil", "--workspace", dpml)  # DPML hands its key to KPU
    (files / "dpml.pub").write_text(public)
    assert _run(capsys, "kunci", "daftar", "--berkas", files / "dpml.pub", "--workspace", kpu)[0] == 0
    code, _, err = _run(capsys, "apply", package, "--workspace", kpu)
    assert code == 1 and "daftar yang tidak ada" in err
    assert _run(capsys, "receive", files / "dpt.csv", "--workspace", kpu, "--lembaga", "KPU", "--alasan", "DPT")[0] == 0
    code, out, _ = _run(capsys, "apply", package, "--workspace", kpu)
    assert code == 0
    code, out, _ = _run(capsys, "recap", "--workspace", kpu, "--dari", "01-01-2026", "--sampai", "31-12-2030",
                        "--out", files / "rekap")
    assert code == 0 and "awal 3 " in out and "akhir 3 " in out
    assert len(list((files / "rekap").glob("rekap_*.xlsx"))) == 1
    Path(package).write_bytes(b"not a zip")
    code, _, err = _run(capsys, "apply", package, "--workspace", kpu)
    assert code == 1 and "bukan berkas zip" in err and "Traceback" not in err
