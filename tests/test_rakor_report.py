"""The Rakor report (issue 14): KPU's letterhead and number, kecamatan in the order of their
Kemendagri codes, a TPS count, every measure of rekap.xlsx (belum KTP-el too), KPU's signature
block with NIP, page numbers; and rekap.xlsx in the same order with the TPS count.

Ground truth, by hand: six voters in three kecamatan whose names sort otherwise than their codes:
TIKALA (73.26.01): a L TPS 001, b P TPS 002, c L TPS 002 without KTP-el;
KESU (73.26.02): d P TPS 001;
AWAN (73.26.04): e L TPS 001, f P TPS 003 without KTP-el.
Nothing changes in the period: at the start and at the end the same six.
"""
from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pytest

from pemilih.cycle import documents
from pemilih.cycle import recap as step
from pemilih.cycle.common import Who, local_today

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext tidak terpasang")

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
KPU_FULL = "Komisi Pemilihan Umum Kabupaten Toraja Utara"
SIGNER, NIP = "Marta Sampe Tondok, S.H.", "198002022005012002"
WHO = Who("Operator KPU", "KPU", "Laporan Rakor")
VOTERS = [  # kecamatan, code, desa, village code, TPS, sex, KTP-el
    ("TIKALA", "73.26.01", "BUNTU TIKALA", "73.26.01.2001", "001", "L", "S"),
    ("TIKALA", "73.26.01", "BUNTU TIKALA", "73.26.01.2001", "002", "P", "S"),
    ("TIKALA", "73.26.01", "BUNTU TIKALA", "73.26.01.2001", "002", "L", "B"),
    ("KESU", "73.26.02", "LEMBANG KESU", "73.26.02.2001", "001", "P", "S"),
    ("AWAN", "73.26.04", "LEMBANG AWAN", "73.26.04.2001", "001", "L", "S"),
    ("AWAN", "73.26.04", "LEMBANG AWAN", "73.26.04.2001", "003", "P", "B"),
]
IN_CODE_ORDER = ["TIKALA", "KESU", "AWAN"]  # by name it would be AWAN, KESU, TIKALA


def _row(i, kecamatan, desa, kode_desa, tps, sex, ktp_el) -> dict:
    return {"source_ref": f"dpt.csv::{i + 2}", "file": "dpt.csv", "sheet": "", "row": i + 2,
            "kecamatan": kecamatan, "desa": desa, "kode_desa": kode_desa, "tps": tps, "no": str(i + 1),
            "nkk": f"73260110010{i:05d}", "nik": f"73260145059{i:05d}", "nama": f"PEMILIH {i}",
            "tempat_lahir": "RANTEPAO", "tanggal_lahir": "1990-05-05", "status_kawin": "S", "jenis_kelamin": sex,
            "alamat": "DUSUN 1", "rt": "001", "rw": "001", "disabilitas": None, "ktp_el": ktp_el,
            "keterangan": None}


def _report(workspace, maker, tmp_path):
    from pemilih.store.receive import import_result
    rows = [_row(i, kec, desa, code, tps, sex, ktp) for i, (kec, _k, desa, code, tps, sex, ktp) in enumerate(VOTERS)]
    import_result(workspace, maker.kpu(rows, name="dpt.csv"), actor="uji", agency="KPU", reason="DPT")
    documents.record(workspace, documents.SettingsRequest("KPU", WHO, signer=SIGNER, nip=NIP))
    today = local_today()
    out = step.run(workspace, step.RecapRequest(today, today, "PEMILU2024", out_dir=str(tmp_path / "rekap"), who=WHO))
    text = subprocess.run(["pdftotext", "-layout", str(out.report), "-"], capture_output=True, text=True,
                          check=True).stdout
    return out, text, rows


def test_report_has_kpu_heading_number_and_signature(workspace, maker, tmp_path):
    out, text, rows = _report(workspace, maker, tmp_path)
    flat = " ".join(text.split())
    today = local_today()
    assert KPU_FULL.upper() in flat  # the letterhead
    assert "LAPORAN RAPAT KOORDINASI PEMUTAKHIRAN DATA PEMILIH" in flat
    assert f"Nomor: 001/LAP-RAKOR/KPU/{ROMAN[today.month - 1]}/{today.year}" in flat
    # KPU's chairman signs: position, agency in full, name, NIP as printed
    assert "Ketua" in flat and KPU_FULL in flat
    assert f"( {SIGNER} )" in flat and "NIP. 19800202 200501 2 002" in flat
    pages = [p for p in text.split("\f") if p.strip()]
    assert all(f"Halaman {i} dari {len(pages)}" in text for i in range(1, len(pages) + 1))
    for r in rows:
        assert r["nik"] not in text and r["nkk"] not in text
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text)
    # printed again: the same number (one per period and code table)
    again = step.write_pdf(out.recap, tmp_path / "lagi.pdf", ws=workspace, who=WHO)
    again_text = subprocess.run(["pdftotext", str(again), "-"], capture_output=True, text=True, check=True).stdout
    assert f"001/LAP-RAKOR/KPU/{ROMAN[today.month - 1]}/{today.year}" in again_text


def test_report_lists_kecamatan_in_code_order_with_tps_and_belum_ktp_el(workspace, maker, tmp_path):
    _out, text, _rows = _report(workspace, maker, tmp_path)
    table = [line.split() for line in text.splitlines() if re.match(r"^\s*\d+\s+(TIKALA|KESU|AWAN)\s", line)]
    assert [t[1] for t in table] == IN_CODE_ORDER
    # No, kecamatan, code, villages, TPS, then awal, baru, TMS-1..8, jumlah TMS, U, JK jadi L, JK jadi P,
    # belum KTP-el, akhir L, akhir P, akhir
    zeros = ["0"] * 8
    assert table[0][2:] == ["73.26.01", "1", "2", "3", "0", *zeros, "0", "0", "0", "0", "1", "2", "1", "3"]
    assert table[1][2:] == ["73.26.02", "1", "1", "1", "0", *zeros, "0", "0", "0", "0", "0", "0", "1", "1"]
    assert table[2][2:] == ["73.26.04", "1", "2", "2", "0", *zeros, "0", "0", "0", "0", "1", "1", "1", "2"]
    total = next(line.split() for line in text.splitlines() if line.strip().startswith("JUMLAH"))
    assert total[1:] == ["3", "5", "6", "0", *zeros, "0", "0", "0", "0", "2", "3", "3", "6"]
    # the header (its labels wrap over lines): the columns of TPS and without KTP-el are there
    lines = text.splitlines()
    header = " ".join(lines[:next(i for i, line in enumerate(lines) if re.match(r"^\s*1\s+TIKALA", line))])
    assert "Belum" in header.split() and "KTP-el" in header.split() and "TPS" in header.split()
    flat = " ".join(text.split())
    assert "belum KTP-el 2" in flat and "di 5 TPS" in flat  # the totals line


def test_workbook_follows_the_same_order_with_tps(workspace, maker, tmp_path):
    out, _text, _rows = _report(workspace, maker, tmp_path)
    book = openpyxl.load_workbook(out.path, read_only=True)
    per_kec = [list(r) for r in book["Per Kecamatan"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(per_kec) if r[0] == "KECAMATAN")
    assert per_kec[head][:4] == ["KECAMATAN", "KODE KECAMATAN", "JUMLAH DESA", "JUMLAH TPS"]
    data = per_kec[head + 2:]
    assert [r[:4] for r in data] == [["TIKALA", "73.26.01", 1, 2], ["KESU", "73.26.02", 1, 1],
                                     ["AWAN", "73.26.04", 1, 2], ["JUMLAH KABUPATEN", "", "", 5]]
    per_desa = [list(r) for r in book["Per Desa"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(per_desa) if r[0] == "KECAMATAN")
    assert per_desa[head][:4] == ["KECAMATAN", "DESA/KELURAHAN", "KODE DESA", "JUMLAH TPS"]
    assert [r[:4] for r in per_desa[head + 2:]] == [
        ["TIKALA", "BUNTU TIKALA", "73.26.01.2001", 2], ["JUMLAH KEC. TIKALA", "", "", 2],
        ["KESU", "LEMBANG KESU", "73.26.02.2001", 1], ["JUMLAH KEC. KESU", "", "", 1],
        ["AWAN", "LEMBANG AWAN", "73.26.04.2001", 2], ["JUMLAH KEC. AWAN", "", "", 2],
        ["JUMLAH KABUPATEN", "", "", 5]]
