"""Printed PDFs (announcement sheets, logistics, minutes), read back with poppler's pdftotext.

Expected values are written by hand here: masked identifiers, ages on a chosen voting day,
counts per TPS, Indonesian day and month names of known dates, numbers in words.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from pemilih.io import announcement_pdf
from pemilih.io.announcement_pdf import write_announcements
from pemilih.io.logistics_pdf import param_lines, write_logistics_pdf
from pemilih.io.minutes_pdf import write_minutes
from pemilih.io.pdf_common import fit, thousands, wrap
from pemilih.io.words_id import date_in_words, day_and_date, long_date, number_words

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
VOTING_DAY = date(2027, 4, 12)  # a Monday: 1 Jan 2027 is a Friday, 12 April is 101 days later
COLUMNS = ["kecamatan", "desa", "kode_desa", "tps", "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir",
           "jenis_kelamin", "status_kawin", "alamat", "rt", "rw", "keterangan"]


def text(pdf: Path, page: int | None = None, layout: bool = True) -> str:
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + (["-f", str(page), "-l", str(page)] if page else [])
    return subprocess.run(cmd + [str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def flat(value: str) -> str:
    return " ".join(value.split())


def voter(nik: str, nama: str, born: str, sex: str, tps: str = "1", desa: str = "PANTANAKAN LOLO",
          kode: str = "73.26.01.2001", nkk: str = "7326010101230001", keterangan: str = "") -> dict:
    return {"kecamatan": "RANTEPAO", "desa": desa, "kode_desa": kode, "tps": tps, "nkk": nkk, "nik": nik,
            "nama": nama, "tempat_lahir": "RANTEPAO", "tanggal_lahir": born, "jenis_kelamin": sex,
            "status_kawin": "S", "alamat": "Dusun Tongkonan", "rt": "3", "rw": "01", "keterangan": keterangan}


# Village A: TPS 1 has 2 men and 1 woman, TPS "002" 2 women; village B (a kelurahan): 1 man.
VOTERS = [
    voter("7326011204090001", "Yohanis Pakiding", "12-04-2009", "L"),  # 18 on the day (birthday)
    voter("7326011304090002", "Marthen Sumule", "13-04-2009", "L"),  # 17: birthday the day after
    voter("7326016902080003", "Agustina Limbong", "29-02-2008", "P", keterangan="7326019999990009"),  # 19
    voter("7326014105900004", "Ruth Sampe Bua'", "01-05-1990", "P", tps="002"),  # 36
    voter("7326015512850005", "Ester (Indo') Pasolang", "31-02-1985", "P", tps="002"),  # unreadable date
    voter("7326052503700006", "Samuel Tandirerung", "25-03-1970", "L", desa="RANTEPAO", kode="73.26.01.1005",
          nkk="7326050303030003"),  # 57
]


def frame(rows: list[dict], **extra) -> pl.DataFrame:
    table = pl.DataFrame(rows, schema=dict.fromkeys(COLUMNS, pl.String))
    return table.with_columns(**{k: pl.lit(v) for k, v in extra.items()})


def announce(tmp_path: Path, rows=VOTERS, processes: int = 1, **kwargs) -> list[Path]:
    table = rows if isinstance(rows, pl.DataFrame) else frame(rows)
    return write_announcements(table, tmp_path, title="Pengumuman Daftar Pemilih", stage="DPS",
                               election_name="Pemilihan Kepala Lembang Serentak 2027", voting_day=VOTING_DAY,
                               processes=processes, **kwargs)


# --- pdf_common and words_id (masking: tests/test_masking.py) -------------------------

def test_thousands_and_wrap():
    assert [thousands(v) for v in (0, 999, 1000, 190231, 1234567, None, "x")] == \
        ["0", "999", "1.000", "190.231", "1.234.567", "", "x"]
    lines = wrap("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh", 60, "Helvetica", 10)
    assert " ".join(lines) == "satu dua tiga empat lima enam tujuh delapan sembilan sepuluh"
    assert all(stringWidth(line, "Helvetica", 10) <= 60 for line in lines) and len(lines) > 1


@pytest.mark.parametrize("value", ["Patandianan Pasang Kalua' Sarungallo", "WWWWWWWWWWWWWWWWWWWW", "i" * 200])
def test_fit_cuts_to_the_width_reportlab_measures(value):
    cut = fit(value, 80, "Helvetica", 7.5)
    assert stringWidth(cut, "Helvetica", 7.5) <= 80
    assert cut.endswith("...") and value.startswith(cut[:-3])
    assert fit("Rante", 80, "Helvetica", 7.5) == "Rante"


@pytest.mark.parametrize("day, words", [
    (date(1945, 8, 17), "Jumat tanggal tujuh belas bulan Agustus tahun seribu sembilan ratus empat puluh lima"),
    (date(2024, 2, 14), "Rabu tanggal empat belas bulan Februari tahun dua ribu dua puluh empat"),
    (date(2000, 1, 1), "Sabtu tanggal satu bulan Januari tahun dua ribu"),
    (date(2022, 12, 25), "Minggu tanggal dua puluh lima bulan Desember tahun dua ribu dua puluh dua"),
    (date(2027, 4, 12), "Senin tanggal dua belas bulan April tahun dua ribu dua puluh tujuh"),
    (date(2024, 11, 28), "Kamis tanggal dua puluh delapan bulan November tahun dua ribu dua puluh empat"),
    (date(2023, 10, 31), "Selasa tanggal tiga puluh satu bulan Oktober tahun dua ribu dua puluh tiga"),
])
def test_dates_in_words(day, words):
    assert date_in_words(day) == words


def test_short_dates_and_numbers_in_words():
    assert day_and_date(date(1945, 8, 17)) == "Jumat, 17 Agustus 1945"
    assert long_date(date(2023, 3, 5)) == "5 Maret 2023"
    assert [long_date(date(2023, m, 1)).split()[1] for m in (5, 6, 7, 9)] == ["Mei", "Juni", "Juli", "September"]
    cases = {0: "nol", 10: "sepuluh", 11: "sebelas", 19: "sembilan belas", 20: "dua puluh", 100: "seratus",
             110: "seratus sepuluh", 111: "seratus sebelas", 215: "dua ratus lima belas", 1000: "seribu",
             1001: "seribu satu", 2027: "dua ribu dua puluh tujuh", 11000: "sebelas ribu",
             100000: "seratus ribu", 1_000_000: "satu juta",
             190231: "seratus sembilan puluh ribu dua ratus tiga puluh satu"}
    assert {n: number_words(n) for n in cases} == cases


# --- announcement sheets -----------------------------------------------------------------

def test_one_file_per_village_named_by_stage_code_and_name(tmp_path):
    paths = announce(tmp_path)
    assert [p.name for p in paths] == ["DPS_7326011005_RANTEPAO.pdf", "DPS_7326012001_PANTANAKAN_LOLO.pdf"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)  # no .tmp left
    named = announcement_pdf.file_name("DPTb", "73.26.03.2010", "Sa'dan Pebulian")
    assert named == "DPTb_7326032010_SADAN_PEBULIAN.pdf"
    assert announcement_pdf.file_name("DPS", "../../etc", "X/Y") == "DPS_etc_X_Y.pdf"


def test_stage_names(tmp_path):
    table = frame(VOTERS[:1])
    [pdf] = write_announcements(table, tmp_path, title="Pengumuman", stage="DPTb", election_name="Pilkalem",
                                voting_day=VOTING_DAY, processes=1, signed_on=date(2027, 3, 1))
    assert pdf.name == "DPTb_7326012001_PANTANAKAN_LOLO.pdf"
    body = text(pdf)
    assert "DAFTAR PEMILIH TAMBAHAN (DPTb)" in body and "PANTANAKAN LOLO, 1 Maret 2027" in body


def test_villages_without_code_and_same_name_do_not_overwrite(tmp_path):
    rows = [voter("7326010101900001", "A", "01-01-1990", "L", kode="", desa="TONGA RIU"),
            voter("7326010101900002", "B", "01-01-1990", "L", kode="", desa="TONGA-RIU")]
    paths = announce(tmp_path, rows)
    assert [p.name for p in paths] == ["DPS_RANTEPAO_TONGA_RIU.pdf", "DPS_RANTEPAO_TONGA_RIU_2.pdf"]
    assert all(p.exists() for p in paths)


def test_identifiers_masked_no_birth_date_no_disability(tmp_path):
    rows = frame(VOTERS, disabilitas="TUNADAKSA-1,6")
    paths = announce(tmp_path, rows)
    for pdf in paths:
        for layout in (True, False):
            body = text(pdf, layout=layout)
            assert not SIXTEEN_DIGITS.search(body), pdf.name
            assert "TUNADAKSA" not in body and "1,6" not in body
            for v in VOTERS:
                assert v["nik"] not in body and v["nkk"] not in body
                assert v["tanggal_lahir"] not in body
    village_a = text(paths[1])
    assert village_a.count("732601**********") == 2 * 5 + 1  # NKK and NIK of 5 voters, the NIK in KETERANGAN
    assert "732605**********" in text(paths[0])


def test_birth_date_in_the_birthplace_column_is_left_out(tmp_path):
    row = voter("7326010101900001", "Lukas Parinding", "01-05-1990", "L")
    row["tempat_lahir"] = "RANTEPAO, 01-05-1990"
    body = text(announce(tmp_path, [row])[0])
    assert "01-05-1990" not in body and "1990" not in body
    assert _row(body, "Lukas Parinding")[5:7] == ["RANTEPAO", "36"]


def test_each_tps_on_its_own_pages_with_its_counts(tmp_path):
    pdf = announce(tmp_path)[1]
    assert pages(pdf) == 2
    first, second = text(pdf, 1), text(pdf, 2)
    assert "TPS 001" in first and "TPS 002" not in first
    assert "TPS 002" in second and "TPS 001" not in second
    assert "JUMLAH : L = 2, P = 1, TOTAL = 3" in first
    assert "JUMLAH : L = 0, P = 2, TOTAL = 2" in second
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in second
    for page in (first, second):
        assert "DAFTAR PEMILIH SEMENTARA (DPS)" in page and "Pemilihan Kepala Lembang Serentak 2027" in page
        assert "Kecamatan : RANTEPAO" in page and "Desa/Lembang : PANTANAKAN LOLO" in page
        assert "Senin, 12 April 2027" in page and "Ketua Panitia Pemilihan" in page
    assert "Kelurahan : RANTEPAO" in text(announce(tmp_path)[0])


def _row(page_text: str, name: str) -> list[str]:
    [line] = [ln for ln in page_text.splitlines() if name in ln]
    return line.split()


def test_ages_on_voting_day_and_cells(tmp_path):
    pdf = announce(tmp_path)[1]
    first, second = text(pdf, 1), text(pdf, 2)
    # No, NKK, NIK, name words..., place, age, sex, status, address..., RT, RW
    assert _row(first, "Yohanis Pakiding")[:8] == ["1", "732601**********", "732601**********", "Yohanis",
                                                   "Pakiding", "RANTEPAO", "18", "L"]
    assert _row(first, "Marthen Sumule")[6] == "17"
    assert _row(first, "Agustina Limbong")[6] == "19"
    assert _row(second, "Ruth Sampe Bua'")[7] == "36"
    unreadable = _row(second, "Ester (Indo') Pasolang")
    assert unreadable[7:9] == ["P", "S"]  # no age between the birthplace and the sex
    assert _row(first, "Yohanis Pakiding")[-2:] == ["003", "001"]


def test_long_tps_runs_over_pages_and_numbering_is_exact(tmp_path):
    for count in (1, 29, 30, 33, 39, 40, 78, 79, 100):
        rows = [voter(f"73260101019{i:05d}", f"Pemilih {i}", "01-01-1980", "LP"[i % 2]) for i in range(count)]
        out = tmp_path / str(count)
        [pdf] = announce(out, rows)
        n = pages(pdf)
        seen = []
        for page in range(1, n + 1):
            body = text(pdf, page)
            assert "TPS 001" in body and f"Halaman {page} dari {n}" in body
            seen += [int(m) for m in re.findall(r"^\s*(\d+)\s+732601\*{10}", body, re.M)]
        assert seen == list(range(1, count + 1)), count
        men = (count + 1) // 2
        assert f"JUMLAH : L = {men}, P = {count - men}, TOTAL = {count}" in text(pdf, n)
        assert "Ketua Panitia Pemilihan" in text(pdf, n)


def test_awkward_text_is_printed_safely(tmp_path):
    rows = [voter("7326010101900001", "Nguyễn Rante (Ambe') \\ Édouard", "01-01-1990", "L"),
            voter("7326010101900002", "Patandianan Pasang Kalua' Sarungallo Tandirerung Pongsibanne", "01-01-1990",
                  "L")]
    body = text(announce(tmp_path, rows)[0])
    assert "Nguy?n Rante (Ambe') \\ Édouard" in body
    assert "Patandianan Pasang Kalua' Sarungallo Tandirerung Pongsibanne" not in body
    assert re.search(r"Patandianan Pasang[^\n]*\.\.\.", body)


def test_worker_processes_give_the_same_files_and_report_progress(tmp_path):
    rows = VOTERS + [voter("7326030101900007", "Lukas Parinding", "01-01-1990", "L", desa="TONGA RIU",
                           kode="73.26.03.2007")]
    calls = []
    alone = announce(tmp_path / "one", rows)
    together = announce(tmp_path / "two", rows, processes=2, progress=calls.append)
    assert [p.name for p in alone] == [p.name for p in together]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(alone, together))
    assert calls == [1, 2, 3]


def test_missing_column_is_refused(tmp_path):
    with pytest.raises(ValueError, match="tanggal_lahir"):
        announce(tmp_path, frame(VOTERS).drop("tanggal_lahir"))


# --- logistics ------------------------------------------------------------------------------

NUMERIC = ["pemilih", "cadangan", "surat_suara", "kotak_suara", "bilik_suara", "tinta", "segel", "formulir"]


def logistics(path: Path, per_tps_rows: list[tuple]) -> Path:
    per_tps = pl.DataFrame(per_tps_rows, orient="row", schema=["kecamatan", "desa", "kode_desa", "tps", *NUMERIC])
    per_village = per_tps.group_by("kecamatan", "desa", "kode_desa", maintain_order=True).agg(pl.col(NUMERIC).sum())
    per_kecamatan = per_tps.group_by("kecamatan", maintain_order=True).agg(pl.col(NUMERIC).sum())
    total = per_tps.select(pl.col(NUMERIC).sum()).row(0, named=True)
    return write_logistics_pdf(per_tps, per_village, per_kecamatan, total, path, title="Logistik Pilkalem 2027",
                               params={"reserve_percent": 2.5, "ballot_boxes": 1, "booths": 4})


def test_logistics_rows_subtotals_and_parameters(tmp_path):
    pdf = logistics(tmp_path / "logistik.pdf", [
        ("SESEAN", "SESEAN MATALLO", "73.26.02.2001", 1, 1234, 31, 1265, 1, 4, 2, 1, 1),
        ("RANTEPAO", "PANTANAKAN LOLO", "73.26.01.2001", 2, 250, 7, 257, 1, 4, 2, 1, 1),
        ("RANTEPAO", "PANTANAKAN LOLO", "73.26.01.2001", 1, 300, 8, 308, 1, 4, 2, 1, 1),
    ])
    body = text(pdf)
    assert not SIXTEEN_DIGITS.search(body)
    assert "Cadangan surat suara (% per TPS, dibulatkan ke atas)" in body and ": 2,5" in body
    assert "Bilik suara per TPS" in body
    lines = [flat(ln) for ln in body.splitlines() if ln.strip()]
    expected = [
        "RANTEPAO PANTANAKAN LOLO 73.26.01.2001 001 300 8 308 1 4 2 1 1",
        "RANTEPAO PANTANAKAN LOLO 73.26.01.2001 002 250 7 257 1 4 2 1 1",
        "Jumlah PANTANAKAN LOLO 73.26.01.2001 550 15 565 2 8 4 2 2",
        "Jumlah Kecamatan RANTEPAO 550 15 565 2 8 4 2 2",
        "SESEAN SESEAN MATALLO 73.26.02.2001 001 1.234 31 1.265 1 4 2 1 1",
        "Jumlah SESEAN MATALLO 73.26.02.2001 1.234 31 1.265 1 4 2 1 1",
        "Jumlah Kecamatan SESEAN 1.234 31 1.265 1 4 2 1 1",
        "JUMLAH KABUPATEN 1.784 46 1.830 3 12 6 3 3",
    ]
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected
    assert "Halaman 1 dari 1" in body


@dataclass(frozen=True)
class Params:
    reserve_percent: Decimal = Decimal("2.50")
    ink_bottles: int = 2
    preset: str | None = None
    per_box: float = 1.0
    extra_rule: Decimal = Decimal("3")


def test_logistics_parameters_from_a_dataclass():
    assert param_lines(Params()) == [("Cadangan surat suara (% per TPS, dibulatkan ke atas)", "2,5"),
                                     ("Botol tinta per TPS", "2"), ("Jenis pemilihan", "-"), ("Per box", "1"),
                                     ("Extra rule", "3")]
    assert param_lines({"max_per_tps": 1000, "reserve_percent": 2.0}) == [
        ("Pemilih per TPS paling banyak", "1.000"), ("Cadangan surat suara (% per TPS, dibulatkan ke atas)", "2")]


def test_logistics_over_several_pages(tmp_path):
    rows = [("KEC", f"DESA {v:02d}", f"73.26.01.2{v:03d}", t, 100, 3, 103, 1, 4, 2, 1, 1)
            for v in range(30) for t in (1, 2, 3)]
    pdf = logistics(tmp_path / "logistik.pdf", rows)
    n = pages(pdf)
    assert n > 1
    for page in range(1, n + 1):
        body = text(pdf, page)
        assert "Kecamatan" in body and "Surat Suara" in body and f"Halaman {page} dari {n}" in body
    assert "JUMLAH KABUPATEN 9.000 270 9.270 90 360 180 90 90" in flat(text(pdf, n))


# --- minutes --------------------------------------------------------------------------------

SHA = "0123456789012345678abcdef0123456789abcdef0123456789abcdef0123456"  # a 19-digit run at the start


def minutes(path: Path, **changes) -> Path:
    content = dict(
        title="Berita Acara Serah Terima Data Pemilih", number="007/BA-DPML/IV/2027", place="Kantor DPML, Rantepao",
        day=date(2027, 4, 12),
        parties=[{"name": "Yohanis Pakiding", "role": "Kepala Seksi", "agency": "DPML Kabupaten Toraja Utara"},
                 {"name": "Ruth Sampe Bua'", "role": "Ketua", "agency": "KPU Kabupaten Toraja Utara"},
                 {"name": "Samuel Limbong", "role": "Kepala Bidang", "agency": "Disdukcapil Toraja Utara"}],
        counts=[("Pemilih pada awal periode", 190231), ("Pemilih baru (B)", 4427), ("TMS", 2002)],
        manifest_sha256=SHA, notes=["Diserahkan pada flashdisk.", "NIK 7326014505900001 dikoreksi."])
    content.update(changes)
    return write_minutes(path, **content)


def test_minutes_content(tmp_path):
    pdf = minutes(tmp_path / "berita_acara.pdf")
    body = text(pdf)
    words = flat(body)
    assert "BERITA ACARA SERAH TERIMA DATA PEMILIH" in words and "Nomor: 007/BA-DPML/IV/2027" in words
    assert ("Pada hari ini, Senin tanggal dua belas bulan April tahun dua ribu dua puluh tujuh (12-04-2027), "
            "bertempat di Kantor DPML, Rantepao") in words
    for name, ordinal in (("Yohanis Pakiding", "PERTAMA"), ("Ruth Sampe Bua'", "KEDUA"), ("Samuel Limbong", "KETIGA")):
        assert name in words and f"( {name} )" in words and f"disebut PIHAK {ordinal}." in words
    assert "1 Pemilih pada awal periode 190.231" in words and "2 Pemilih baru (B) 4.427" in words
    assert "3 TMS 2.002" in words
    [hash_line] = [ln for ln in body.splitlines() if "01234567 89012345" in ln]
    assert "".join(hash_line.split()) == SHA
    assert "732601**********" in words
    assert not SIXTEEN_DIGITS.search(body) and not SIXTEEN_DIGITS.search(text(pdf, layout=False))
    assert "Halaman 1 dari 1" in body


def test_minutes_over_two_pages_and_a_bad_hash(tmp_path):
    pdf = minutes(tmp_path / "ba.pdf", counts=[(f"Kategori {i}", i * 10) for i in range(1, 41)])
    n = pages(pdf)
    assert n == 2 and "Halaman 1 dari 2" in text(pdf, 1) and "Halaman 2 dari 2" in text(pdf, 2)
    assert "40 Kategori 40 400" in flat(text(pdf))
    with pytest.raises(ValueError):
        minutes(tmp_path / "bad.pdf", manifest_sha256="7326014505900001")
    assert not (tmp_path / "bad.pdf").exists() and not (tmp_path / "bad.pdf.tmp").exists()


def test_the_notice_names_the_regency_and_only_a_list_open_to_responses_invites_them(tmp_path):
    """Issue 12: the DPS's notice prints its announcement period and the response deadline; a
    notice without them (the DPT's) invites no responses. 15 Jan 2027 is a Friday."""
    dps = announce(tmp_path / "dps", announced=(date(2027, 1, 15), date(2027, 1, 17)),
                   responses_until=date(2027, 1, 18))[1]
    for page in (1, 2):  # every TPS's sheet
        body = flat(text(dps, page))
        assert "Pemilihan Kepala Lembang Serentak 2027 - Kabupaten Toraja Utara" in body
        assert "Diumumkan Jumat, 15 Januari 2027 sampai dengan Minggu, 17 Januari 2027." in body
        assert ("Tanggapan dan perbaikan data disampaikan kepada panitia pemilihan paling lambat "
                "Senin, 18 Januari 2027.") in body
        assert "tanggapan paling lambat Senin, 18 Januari 2027" in body  # the footer, on every page
    final = write_announcements(frame(VOTERS), tmp_path / "dpt", title="Pengumuman DPT", stage="DPT",
                                election_name="Pilkalem", voting_day=VOTING_DAY, processes=1)[1]
    body = flat(text(final))
    assert "Kabupaten Toraja Utara" in body
    assert "anggapan" not in body and "Diumumkan" not in body
