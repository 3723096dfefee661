"""Disdukcapil's verification minutes (issue 14): `BERITA ACARA VERIFIKASI DATA PEMILIH`, its
number, the agencies in full, each code's count with its meaning in words and L/P, signature
blocks with NIP, no NIK.

Ground truth, by hand: nine findings on a list of five rows (a L, b P, c P, d L, e of unknown sex)
and two registry records for new voters (one L, one P):
TMS-1 a, b (L 1, P 1); TMS-4 c (P 1); U a twice and c once (L 2, P 1); B two (L 1, P 1);
NIK-LENGTH e (sex unknown: total only). Together 9 (L 4, P 4).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date

import polars as pl
import pytest

from pemilih.cycle import documents
from pemilih.cycle.common import Who

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext tidak terpasang")

DISDUKCAPIL_FULL = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Toraja Utara"
DPML_FULL = "Dinas Pemberdayaan Masyarakat Lembang Kabupaten Toraja Utara"
PANITIA_FULL = "Panitia Pemilihan Kepala Lembang Kabupaten Toraja Utara"
WHO = Who("Verifikator Disdukcapil", "DISDUKCAPIL", "Berita acara verifikasi")
DAY = date(2027, 3, 1)
NIKS = {r: f"732601450590{i:04d}" for i, r in enumerate("abcdexy")}
RECORDS = pl.DataFrame({"source_ref": ["dpt.csv::2", "dpt.csv::3", "dpt.csv::4", "dpt.csv::5", "dpt.csv::6"],
                        "nik": [NIKS[r] for r in "abcde"], "jenis_kelamin": ["L", "P", "P", "L", "?"]})
REGISTRY = pl.DataFrame({"nik": [NIKS[r] for r in "abcdxy"],
                         "jenis_kelamin": ["LAKI-LAKI", "PEREMPUAN", "PEREMPUAN", "LAKI-LAKI", "LAKI-LAKI",
                                           "PEREMPUAN"]})
FINDINGS = pl.DataFrame(
    [("TMS-1", "dpt.csv::2", NIKS["a"]), ("TMS-1", "dpt.csv::3", NIKS["b"]), ("TMS-4", "dpt.csv::4", NIKS["c"]),
     ("U", "dpt.csv::2", NIKS["a"]), ("U", "dpt.csv::2", NIKS["a"]), ("U", "dpt.csv::4", NIKS["c"]),
     ("B", None, NIKS["x"]), ("B", None, NIKS["y"]), ("NIK-LENGTH", "dpt.csv::6", None)],
    schema={"code": pl.String, "source_ref": pl.String, "registry_nik": pl.String}, orient="row")
EXPECTED = {  # code: (its meaning, L, P, total), by hand
    "TMS-1": ("meninggal", 1, 1, 2), "TMS-4": ("pindah domisili", 0, 1, 1), "U": ("ubah data", 2, 1, 3),
    "B": ("pemilih baru", 1, 1, 2), "NIK-LENGTH": ("NIK tidak 16 digit", 0, 0, 1)}


def _minutes(ws, tmp_path, receiver="DPML") -> str:
    from pemilih.cycle import verify_minutes
    from pemilih.engine.findings_counts import with_sex
    csv = tmp_path / "findings.csv"
    csv.write_text("hasil yang sama\n", encoding="utf-8")
    verified = verify_minutes.Verified("Daftar pemilih: dpt.csv (berkas tanggal 01-03-2027), 5 baris",
                                       "Data kependudukan (ekstrak): siak.csv, 6 baris", 5, 4, 0)
    path = verify_minutes.write(
        ws, tmp_path / "ba_verifikasi.pdf", findings=FINDINGS, coded=with_sex(FINDINGS, RECORDS, REGISTRY),
        regime="PILKALEM", on=date(2027, 3, 17), dps_set_on=date(2027, 1, 15), verified=verified,
        findings_csv=str(csv), who=WHO, day=DAY, place="Rantepao", receiver=receiver,
        regency="Kabupaten Toraja Utara")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def _signatories(ws):
    documents.record(ws, documents.SettingsRequest("DISDUKCAPIL", WHO, signer="Daniel Sampe, S.Kom.",
                                                   nip="197505052000031003"))
    documents.record(ws, documents.SettingsRequest("DPML", Who("Operator DPML", "DPML", "uji"),
                                                   signer="Yohanis Palimbong, S.Sos", nip="197001011990031002"))


def test_minutes_count_each_code_with_its_meaning_and_sex(workspace, tmp_path):
    _signatories(workspace)
    text = _minutes(workspace, tmp_path)
    flat = " ".join(text.split())
    assert "BERITA ACARA VERIFIKASI DATA PEMILIH" in flat
    assert "Nomor: 001/BA-VER/DISDUKCAPIL/III/2027" in flat
    assert DISDUKCAPIL_FULL.upper() in flat  # the letterhead
    assert DISDUKCAPIL_FULL in flat and DPML_FULL in flat  # the parties, in full
    assert "Senin tanggal satu bulan Maret tahun dua ribu dua puluh tujuh" in flat  # 1 March 2027, in words
    for code, (meaning, men, women, total) in EXPECTED.items():
        line = next(line for line in text.splitlines() if f"{code}: {meaning}" in line and "(" not in line
                    and ";" not in line)
        assert line.split()[-3:] == [str(men), str(women), str(total)], code
        assert f"{code}: {meaning};" in flat  # what the code means and does
    assert "Jumlah temuan 9 (L 4, P 4)" in flat
    assert "dpt.csv" in flat and "5 baris" in flat  # the list verified
    assert "( Daniel Sampe, S.Kom. )" in flat and "NIP. 19750505 200003 1 003" in flat
    assert "( Yohanis Palimbong, S.Sos )" in flat and "NIP. 19700101 199003 1 002" in flat
    assert "PIHAK PERTAMA" in flat and "PIHAK KEDUA" in flat
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text)  # no NIK in clear
    for nik in NIKS.values():
        assert nik[:12] not in text


def test_the_number_is_kept_and_the_committee_can_receive(workspace, tmp_path):
    first = _minutes(workspace, tmp_path)
    again = _minutes(workspace, tmp_path, receiver="PANITIA")  # the same findings: the same number
    assert "Nomor: 001/BA-VER/DISDUKCAPIL/III/2027" in first and "Nomor: 001/BA-VER/DISDUKCAPIL/III/2027" in again
    assert PANITIA_FULL in " ".join(again.split())
    assert "NIP. ....." in first  # a signatory not set: dotted, to be written in


def test_verify_command_prints_the_minutes_beside_the_findings(tmp_path, capsys):
    """`pemilih verify` on files (no workspace: the number is a dotted line): test_verify_cli's
    list, where the dead voter (L) is TMS-1 and the Excel-mangled copy of a man's row TMS-2."""
    from test_verify_cli import _write

    from pemilih.cli import main
    lst, reg, *_ = _write(tmp_path)
    out = tmp_path / "hasil"
    assert main(["verify", "--list", str(lst), "--registry", str(reg), "--on", "2027-03-17", "--dps", "2027-01-15",
                 "--out", str(out)]) == 0
    assert "ba_verifikasi.pdf" in capsys.readouterr().out
    text = subprocess.run(["pdftotext", "-layout", str(out / "ba_verifikasi.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "BERITA ACARA VERIFIKASI DATA PEMILIH" in flat and "Nomor: ....." in flat
    assert DISDUKCAPIL_FULL in flat and DPML_FULL in flat
    for label in ("TMS-1: meninggal", "TMS-2: ganda"):
        line = next(line for line in text.splitlines() if label in line and ";" not in line)
        assert line.split()[-3:] == ["1", "0", "1"], label
    assert "dpt.csv" in flat and "disdukcapil.csv" in flat and "NIP." in flat
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text)
