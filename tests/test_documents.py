"""Signable documents (issue 14, What to build 1): the document settings entered once, and
the hand-over minutes of the hand-back package built from them.

The hand-back is test_handback_pdpb's hand-made village cycle; every expected value below is
written by hand from that cycle: voter 3 (L) died (TMS-1), voter 4 (L) moved to TPS 002 of the
village (TMS-8), voter 5 (L) moved to the village Rantepao of the regency and had his name
corrected, voter 6 (L) had his birth date corrected, two adult new voters (one L, one P).
"""
from __future__ import annotations

import re
import subprocess
import zipfile
from datetime import date

import pytest
from test_handback_pdpb import HANDED_ON, _package, village  # noqa: F401 (the fixture)

from pemilih.cli import main
from pemilih.cycle import documents
from pemilih.cycle.common import StepError, Who
from pemilih.io.words_id import date_in_words

pytestmark = pytest.mark.postgres

KPU_FULL = "Komisi Pemilihan Umum Kabupaten Toraja Utara"
DPML_FULL = "Dinas Pemberdayaan Masyarakat Lembang Kabupaten Toraja Utara"
WHO = Who("Operator DPML", "DPML", "Pengaturan dokumen")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
# The number's month (in Roman numerals, written by hand) and year: those of the hand-back's day.
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
MONTH_OF = f"{ROMAN[HANDED_ON.month - 1]}/{HANDED_ON.year}"


def pdf_text(path, layout: bool = False) -> str:
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def minutes_of(package, tmp_path) -> str:
    target = tmp_path / "berita_acara.pdf"
    target.write_bytes(zipfile.ZipFile(package).read("berita_acara.pdf"))
    return target


def words(text: str) -> str:
    return " ".join(text.split())


def _set_signatories(ws):
    documents.record(ws, documents.SettingsRequest("DPML", WHO, signer="Yohanis Palimbong, S.Sos", nip="197001011990031002",
                                                   position="Kepala Dinas"))
    documents.record(ws, documents.SettingsRequest("KPU", WHO, signer="Marta Sampe Tondok", nip="19800202 200501 2 003"))
    documents.record(ws, documents.SettingsRequest("DPML", WHO, kind="ba_serah_terima",
                                                   pattern="{nomor}/BA-ST/DPMD/{bulan}/{tahun}"))


def test_minutes_are_signable(village, tmp_path):  # noqa: F811
    ws = village["ws"]
    _set_signatories(ws)
    made = _package(village, tmp_path)
    pdf = minutes_of(made.path, tmp_path)
    flat, laid = words(pdf_text(pdf)), pdf_text(pdf, layout=True)
    # the full title, wrapped over lines and never cut
    assert ("BERITA ACARA SERAH TERIMA DATA PEMILIH HASIL PEMILIHAN KEPALA LEMBANG SEBAGAI DATA DUKUNG "
            "PEMUTAKHIRAN DATA PEMILIH BERKELANJUTAN KABUPATEN TORAJA UTARA PERIODE 2026-12") in flat
    assert "..." not in flat.replace(". . .", "")
    # the number from DPML's pattern: first minutes of 2026, December in Roman numerals
    assert f"Nomor: 001/BA-ST/DPMD/{MONTH_OF}" in flat
    # the day in words as tests/test_io_pdf.py holds them to hand-made cases
    assert (f"Pada hari ini, {date_in_words(HANDED_ON)} ({HANDED_ON:%d-%m-%Y}), "
            "bertempat di Rantepao") in flat
    # agencies in full; signatories with name, position and NIP, grouped as a NIP is printed
    assert DPML_FULL in flat and KPU_FULL in flat
    assert "Yohanis Palimbong, S.Sos" in flat and "Marta Sampe Tondok" in flat
    assert "NIP. 19700101 199003 1 002" in flat and "NIP. 19800202 200501 2 003" in flat
    assert "( Yohanis Palimbong, S.Sos )" in flat and "( Marta Sampe Tondok )" in flat
    # TMS rows with their meaning in words; L and P columns (values by hand, see the docstring)
    rows = {" ".join(line.split()) for line in laid.splitlines()}
    assert any(r.startswith("No Uraian L P Jumlah") for r in rows)
    assert "1 Pemilih pada awal periode 8 1 9" in rows
    assert "2 Pemilih baru (B): pemilih baru 1 1 2" in rows
    assert "3 Tidak memenuhi syarat (TMS-1): meninggal 1 0 1" in rows
    assert "4 Pindah TPS dalam desa yang sama (TMS-8): salah penempatan 1 0 1" in rows  # wraps: "TPS" below
    assert "5 Pindah desa/lembang di dalam kabupaten (termasuk dalam 1 0 1" in rows
    assert "6 Pemilih dengan perbaikan data (U): ubah data 2 0 2" in rows
    assert "9 Pemilih pada akhir periode 8 2 10" in rows
    # the difference with KPU's recap, with the actual number (one voter moved village)
    assert ("Selisih dengan rekapitulasi KPU (rekap.xlsx) untuk periode yang sama: 1 pemilih pindah "
            "desa/lembang di dalam kabupaten dihitung di rekapitulasi sebagai TMS-4") in flat
    # page numbers, the manifest hash and the signer's fingerprint as before
    assert re.search(r"Halaman 1 dari [12]", flat)
    assert "Manifest ditandatangani secara elektronik" in flat
    assert not SIXTEEN_DIGITS.search(flat)


def test_the_difference_stated_is_the_recaps(village, tmp_path):  # noqa: F811
    """The recap in the same package (rekap.xlsx, read back) counts B and TMS-4 one higher than
    the minutes: the voter who moved to Rantepao."""
    import io

    from python_calamine import CalamineWorkbook
    made = _package(village, tmp_path)
    book = CalamineWorkbook.from_filelike(io.BytesIO(zipfile.ZipFile(made.path).read("rekap.xlsx")))
    grid = book.get_sheet_by_name("Per Desa").to_python()
    header = grid[3]
    b, tms4 = header.index("PEMILIH BARU (B)") + 2, header.index("TMS-4 PINDAH DOMISILI") + 2  # the JML columns
    districts = [r for r in grid if str(r[0]).startswith("JUMLAH KEC.")]
    assert sum(r[b] for r in districts) == 3 and sum(r[tms4] for r in districts) == 1
    assert made.counts["B"] == 2 and "TMS-4" not in made.counts
    flat = words(pdf_text(minutes_of(made.path, tmp_path)))
    assert "Karena itu B dan TMS-4 di rekapitulasi masing-masing 1 lebih besar daripada di berita acara ini" in flat


def test_defaults_without_settings_come_from_the_regency(village, tmp_path):  # noqa: F811
    made = _package(village, tmp_path)
    flat = words(pdf_text(minutes_of(made.path, tmp_path)))
    assert DPML_FULL in flat and KPU_FULL in flat
    assert f"Nomor: 001/BA-ST/DPML/{MONTH_OF}" in flat
    assert "NIP. ........................" in flat  # to fill in by hand
    assert "Kepala DPML" not in flat and "Ketua KPU Kabupaten" not in flat


def test_the_running_number_counts_the_years_minutes(village, tmp_path):  # noqa: F811
    _package(village, tmp_path / "a")
    second = _package(village, tmp_path / "b")
    year = date.today().year
    flat = words(pdf_text(minutes_of(second.path, tmp_path)))
    # both hand-backs are recorded this year; the minutes are dated HANDED_ON's year
    expected = "002" if year == HANDED_ON.year else "001"
    assert f"Nomor: {expected}/BA-ST/DPML/{MONTH_OF}" in flat


def test_settings_are_checked():
    with pytest.raises(StepError, match="18 angka"):
        documents.SettingsRequest("DPML", WHO, nip="1970").values()
    with pytest.raises(StepError, match="nomor"):
        documents.SettingsRequest("DPML", WHO, kind="ba_serah_terima", pattern="BA/{tahun}").values()
    with pytest.raises(StepError, match="tidak dikenal"):
        documents.SettingsRequest("DPML", WHO, kind="ba_serah_terima", pattern="{nomor}/{bulan_ini}").values()
    with pytest.raises(StepError, match="Tidak ada yang diatur"):
        documents.SettingsRequest("DPML", WHO).values()
    assert documents.number({}, "KPU", "sk_dpt", date(2027, 2, 3), 12) == "012/SK-DPT/KPU/II/2027"


def test_command_round_trip(store_location, capsys, monkeypatch):
    folder, url = store_location
    folder = str(folder)
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    assert main(["dokumen", "atur", "--workspace", folder, "--untuk", "KPU", "--penandatangan", "Marta Sampe Tondok",
                 "--nip", "19800202 200501 2 003", "--jabatan", "Ketua", "--instansi", "KPU"]) == 0
    assert main(["dokumen", "atur", "--workspace", folder, "--untuk", "KPU", "--jenis", "sk_dpt",
                 "--pola", "{nomor}/PL.01-Kpt/7326/{tahun}", "--instansi", "KPU"]) == 0
    assert main(["dokumen", "atur", "--workspace", folder, "--untuk", "KPU", "--nip", "123"]) != 0
    capsys.readouterr()
    assert main(["dokumen", "daftar", "--workspace", folder]) == 0
    out = capsys.readouterr().out
    assert "  Penandatangan: Marta Sampe Tondok\n" in out
    assert "  NIP: 19800202 200501 2 003\n" in out
    assert "  Pola nomor sk_dpt: {nomor}/PL.01-Kpt/7326/{tahun}\n" in out
    assert "  Penandatangan: " + "." * 36 + " (bawaan)" in out  # DPML: nothing set


def test_a_document_keeps_its_number_and_the_next_one_counts_on(village):  # noqa: F811
    ws = village["ws"]
    _set_signatories(ws)
    day = date(2027, 2, 3)
    first = documents.issue(ws, "PANITIA", "sk_dps", day, "E1/DPS/73.26.01.2001", WHO)
    again = documents.issue(ws, "PANITIA", "sk_dps", day, "E1/DPS/73.26.01.2001", WHO)
    other = documents.issue(ws, "PANITIA", "sk_dps", day, "E1/DPS/73.26.01.2002", WHO)
    minutes = documents.issue(ws, "PANITIA", "ba_dps", day, "E1/DPS/73.26.01.2001", WHO)
    assert first == again == "001/SK-DPS/PANITIA/II/2027"
    assert other == "002/SK-DPS/PANITIA/II/2027"
    assert minutes == "001/BA-DPS/PANITIA/II/2027"  # each kind counts on its own
    next_year = documents.issue(ws, "PANITIA", "sk_dps", date(2028, 1, 5), "E2/DPS/73.26.01.2001", WHO)
    assert next_year == "001/SK-DPS/PANITIA/I/2028"
