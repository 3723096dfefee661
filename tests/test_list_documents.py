"""The committee's decision (SK) and plenary minutes (BA) setting the DPS and the DPT, per
village (issue 14, What to build 1), and the announcements citing the decision.

A hand-made election of two lembang of Kecamatan Sesean; every expected value is written by hand:
- Buntu Lobo' (73.26.02.2003): family 1 (RT 001: voters 1 L, 2 P, 3 L) and family 2
  (RT 002: voters 4 P, 5 P); at most 3 voters a TPS, families together: TPS 001 = family 1
  (L 2, P 1), TPS 002 = family 2 (L 0, P 2); the DPS: L 2, P 3, 5 voters at 2 TPS.
- Parinding (73.26.02.2006): voters 6 P, 7 L, 8 P: TPS 001 (L 1, P 2).
Responses to the DPS: a new voter (P) joins family 2 in Buntu Lobo' (its TPS 002 then holds
L 0, P 3), voter 7 (L) of Parinding has died (TMS-1), voter 1's name is corrected.
"""
from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest

from pemilih.cycle import documents, election
from pemilih.cycle.common import Who, local_today
from pemilih.store.receive import import_result

from filemaker import responses_workbook

pytestmark = pytest.mark.postgres

A, B = "73.26.02.2003", "73.26.02.2006"
TODAY = local_today()
WHO = Who("Ketua Panitia", "PANITIA", "Rapat pleno panitia pemilihan")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")
ANNOUNCE_UNTIL, RESPONSES_UNTIL = TODAY + timedelta(days=5), TODAY + timedelta(days=6)
YEAR = (TODAY + timedelta(days=30)).year  # of the voting day
COMMITTEE_A = "Panitia Pemilihan Kepala Lembang Buntu Lobo'"
COMMITTEE_B = "Panitia Pemilihan Kepala Lembang Parinding"


def _voter(n, desa, nkk, sex, rt):
    return {"source_ref": f"dpt.csv::{n}", "file": "dpt.csv", "sheet": "", "row": n,
            "kecamatan": "SESEAN", "desa": {A: "BUNTU LOBO", B: "PARINDING"}[desa], "kode_desa": desa,
            "tps": "001", "no": str(n), "nkk": nkk, "nik": f"73260201018{n:05d}", "nama": f"PEMILIH {n}",
            "tempat_lahir": "RANTEPAO", "tanggal_lahir": "01-01-1980", "status_kawin": "S", "jenis_kelamin": sex,
            "alamat": "DUSUN A", "rt": rt, "rw": "001", "ktp_el": "S"}


LIST = [_voter(1, A, "7326020101000001", "L", "001"), _voter(2, A, "7326020101000001", "P", "001"),
        _voter(3, A, "7326020101000001", "L", "001"), _voter(4, A, "7326020101000002", "P", "002"),
        _voter(5, A, "7326020101000002", "P", "002"), _voter(6, B, "7326020101000004", "P", "001"),
        _voter(7, B, "7326020101000005", "L", "001"), _voter(8, B, "7326020101000005", "P", "001")]
HEADER = ["JENIS", "KUNCI", "NIK", "KODE", "KOLOM", "NILAI BARU", "BUKTI", "KODE DESA", "DESA", "KECAMATAN", "NKK",
          "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "STATUS KAWIN", "KTP-EL", "RT", "RW"]
RESPONSES = [
    {"JENIS": "TAMBAH", "NIK": "7326024101050001", "KODE DESA": A, "DESA": "BUNTU LOBO", "KECAMATAN": "SESEAN",
     "NKK": "7326020101000002", "NAMA": "LINA", "TANGGAL LAHIR": "01-01-2005", "JENIS KELAMIN": "P",
     "STATUS KAWIN": "B", "KTP-EL": "S", "RT": "002", "RW": "001", "BUKTI": "KTP-el dan KK"},
    {"JENIS": "HAPUS", "KUNCI": "dpt.csv::7", "KODE": "TMS-1", "BUKTI": "Surat keterangan kematian"},
    {"JENIS": "UBAH", "KUNCI": "dpt.csv::1", "KOLOM": "NAMA", "NILAI BARU": "YUSUF PATIKU", "BUKTI": "KTP-el"},
]


def long(day) -> str:
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def pdf_text(path, layout: bool = False) -> str:
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def words(text: str) -> str:
    return " ".join(text.split())


def rows_of(path) -> set[str]:
    return {words(line) for line in pdf_text(path, layout=True).splitlines()}


@pytest.fixture
def pilkalem(workspace, maker):
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="Operator", agency="DPML", reason="Data KPU")
    election.create(workspace, election.CreateRequest(
        "PILKALEM2027", "Pilkalem Serentak 2027", TODAY + timedelta(days=30), TODAY, (A, B),
        Who("Kadis", "DPML", "SK Bupati"), max_per_tps=3, announce_until=ANNOUNCE_UNTIL,
        responses_until=RESPONSES_UNTIL, dpt_set_on=TODAY + timedelta(days=8)))
    return workspace


def set_list(ws, stage, out, **extra):
    return election.set_list(ws, election.SetListRequest("PILKALEM2027", stage, str(out), WHO, processes=1, **extra))


def both_lists(ws, tmp_path):
    dps = set_list(ws, "DPS", tmp_path / "dps")
    sheet = responses_workbook(tmp_path / "tanggapan.xlsx", RESPONSES, HEADER)
    election.record_responses(ws, election.ResponsesRequest("PILKALEM2027", str(sheet), WHO))
    dpt = set_list(ws, "DPT", tmp_path / "dpt", schedule_reason="Uji: semua tahapan dalam satu hari")
    return dps, dpt


def by_name(paths) -> dict:
    return {p.name: p for p in paths}


def test_the_dps_decision_sets_the_villages_list(pilkalem, tmp_path):
    documents.record(pilkalem, documents.SettingsRequest("PANITIA", WHO, signer="Daniel Tangdiesak",
                                                         nip="198503152010011004", village=A))
    dps = set_list(pilkalem, "DPS", tmp_path / "dps")
    found = by_name(dps.paths)
    assert {"SK_DPS_7326022003_BUNTU_LOBO.pdf", "BA_DPS_7326022003_BUNTU_LOBO.pdf",
            "SK_DPS_7326022006_PARINDING.pdf", "BA_DPS_7326022006_PARINDING.pdf"} <= set(found)
    assert found["SK_DPS_7326022003_BUNTU_LOBO.pdf"].parent == tmp_path / "dps" / "keputusan"
    sk = found["SK_DPS_7326022003_BUNTU_LOBO.pdf"]
    flat = words(pdf_text(sk))
    # the committee's letterhead and the title with its number: the village's first SK-DPS
    number = f"001/SK-DPS/PANITIA/{('I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII', 'IX', 'X', 'XI', 'XII')[TODAY.month - 1]}/{TODAY.year}"
    assert flat.startswith(f"{COMMITTEE_A.upper()} Kecamatan Sesean Kabupaten Toraja Utara")
    assert (f"KEPUTUSAN {COMMITTEE_A.upper()} NOMOR: {number} TENTANG PENETAPAN DAFTAR PEMILIH SEMENTARA (DPS) "
            f"PEMILIHAN KEPALA LEMBANG BUNTU LOBO' TAHUN {YEAR}") in flat
    for basis in ("Undang-Undang Nomor 6 Tahun 2014 tentang Desa",
                  "Peraturan Menteri Dalam Negeri Nomor 112 Tahun 2014",
                  "terakhir dengan Peraturan Menteri Dalam Negeri Nomor 72 Tahun 2020",
                  "Peraturan Daerah Kabupaten Toraja Utara Nomor 6 Tahun 2014"):
        assert basis in flat
    assert "Menimbang" in flat and "Mengingat" in flat and "MEMUTUSKAN" in flat and "Menetapkan" in flat
    assert "KESATU : Menetapkan Daftar Pemilih Sementara (DPS) Pilkalem Serentak 2027 di Lembang Buntu Lobo'" in flat
    assert "berjumlah 5 pemilih (laki-laki 2, perempuan 3) pada 2 TPS" in flat
    assert re.search(rf"Memperhatikan : Berita Acara Rapat Pleno {COMMITTEE_A} Nomor 001/BA-DPS/PANITIA/", flat)
    rows = rows_of(sk)
    assert "No TPS L P Jumlah" in rows
    assert {"1 TPS 001 2 1 3", "2 TPS 002 0 2 2", "3 Jumlah 2 3 5"} <= rows
    # the announcement period and the response deadline from the election's schedule
    assert f"mulai {long(TODAY)} sampai dengan {long(ANNOUNCE_UNTIL)}" in flat
    assert f"paling lambat {long(RESPONSES_UNTIL)}" in flat
    # signed by the chairman as set, his NIP grouped
    assert f"Ditetapkan di Buntu Lobo' pada tanggal {TODAY:%d-%m-%Y}" in flat
    assert "( Daniel Tangdiesak )" in flat and "NIP. 19850315 201001 1 004" in flat
    # the signature never alone on a page: the last clause goes with it
    last = pdf_text(sk).split("\f")[-2]
    assert "Keputusan ini mulai berlaku pada tanggal ditetapkan." in last and "Ditetapkan di" in last
    assert not SIXTEEN_DIGITS.search(flat)

    other = words(pdf_text(found["SK_DPS_7326022006_PARINDING.pdf"]))
    # each village's committee numbers its own papers, and is signed by its own chairman (not set: dotted)
    assert COMMITTEE_B.upper() in other and f"NOMOR: {number}" in other
    assert "Daniel Tangdiesak" not in other and "NIP. ....." in other
    assert {"1 TPS 001 1 2 3", "2 Jumlah 1 2 3"} <= rows_of(found["SK_DPS_7326022006_PARINDING.pdf"])


def test_the_dps_minutes_record_the_plenary_meeting(pilkalem, tmp_path):
    found = by_name(set_list(pilkalem, "DPS", tmp_path / "dps").paths)
    ba = found["BA_DPS_7326022003_BUNTU_LOBO.pdf"]
    flat = words(pdf_text(ba))
    assert "BERITA ACARA RAPAT PLENO PENETAPAN DAFTAR PEMILIH SEMENTARA (DPS)" in flat
    assert re.search(r"Nomor: 001/BA-DPS/PANITIA/[IVX]+/\d{4}", flat)
    assert f"Pada hari ini, {DAYS[TODAY.weekday()]} tanggal " in flat and f"({TODAY:%d-%m-%Y})" in flat
    assert "bertempat di Buntu Lobo'" in flat and "Kabupaten Toraja Utara" in flat
    assert f"selaku {COMMITTEE_A}, telah melaksanakan rapat pleno" in flat
    assert {"1 TPS 001 2 1 3", "2 TPS 002 0 2 2", "3 Jumlah 2 3 5"} <= rows_of(ba)
    assert f"mulai {long(TODAY)} sampai dengan {long(ANNOUNCE_UNTIL)}" in flat
    assert f"paling lambat {long(RESPONSES_UNTIL)}" in flat
    # the decision it leads to, by its number
    assert re.search(rf"ditetapkan dengan Keputusan {COMMITTEE_A} Nomor 001/SK-DPS/PANITIA/", flat)
    # chairman, secretary and a member, names dotted when not set, each with a NIP line
    assert "Ketua Panitia" in flat and "Sekretaris" in flat and "Anggota" in flat
    assert flat.count("NIP. ........................") == 3
    assert not SIXTEEN_DIGITS.search(flat)


def test_the_dpt_papers_give_the_changes_since_the_dps(pilkalem, tmp_path):
    _dps, dpt = both_lists(pilkalem, tmp_path)
    found = by_name(dpt.paths)
    sk = found["SK_DPT_7326022003_BUNTU_LOBO.pdf"]
    flat = words(pdf_text(sk))
    assert re.search(r"NOMOR: 001/SK-DPT/PANITIA/[IVX]+/\d{4} TENTANG PENETAPAN DAFTAR PEMILIH TETAP \(DPT\)", flat)
    assert "berjumlah 6 pemilih (laki-laki 2, perempuan 4) pada 2 TPS" in flat
    assert {"1 TPS 001 2 1 3", "2 TPS 002 0 3 3", "3 Jumlah 2 4 6"} <= rows_of(sk)
    assert "paling lambat" not in flat  # the DPT invites no responses
    ba = found["BA_DPT_7326022003_BUNTU_LOBO.pdf"]
    rows = rows_of(ba)
    assert {"1 Pemilih pada DPS 2 3 5", "2 Pemilih baru yang ditambahkan 0 1 1",
            "3 Pemilih yang dicoret (tidak memenuhi syarat) 0 0 0", "4 Pemilih dengan perbaikan data 1 0 1",
            "5 Pemilih pada DPT 2 4 6"} <= rows
    rows_b = rows_of(found["BA_DPT_7326022006_PARINDING.pdf"])
    assert {"1 TPS 001 0 2 2", "1 Pemilih pada DPS 1 2 3", "2 Pemilih baru yang ditambahkan 0 0 0",
            "3 Pemilih yang dicoret (tidak memenuhi syarat) 1 0 1", "4 Pemilih dengan perbaikan data 0 0 0",
            "5 Pemilih pada DPT 0 2 2"} <= rows_b
    for path in found.values():
        if path.suffix == ".pdf":
            assert not SIXTEEN_DIGITS.search(pdf_text(path)), path.name


def test_reprinting_keeps_the_numbers(pilkalem, tmp_path):
    from pemilih.cycle.election import publish
    from pemilih.store import elections
    first = by_name(set_list(pilkalem, "DPS", tmp_path / "a").paths)
    e = elections.election(pilkalem, "PILKALEM2027")
    made = elections.SetList(elections.latest(e, "DPS"), elections.rows_of(elections.latest(e, "DPS")), [])
    again = by_name(publish(made, e, tmp_path / "b", processes=1, ws=pilkalem, who=WHO))
    for name, kind in (("SK_DPS_7326022003_BUNTU_LOBO.pdf", "001/SK-DPS/"), ("BA_DPS_7326022006_PARINDING.pdf",
                                                                              "001/BA-DPS/")):
        before, after = (re.search(r"Nomor: (\S+)", words(pdf_text(f[name])), re.I)[1] for f in (first, again))
        assert before.startswith(kind) and after == before


def test_the_announcement_cites_the_decision(pilkalem, tmp_path):
    found = by_name(set_list(pilkalem, "DPS", tmp_path / "dps").paths)
    number = re.search(r"NOMOR: (\S+)", words(pdf_text(found["SK_DPS_7326022003_BUNTU_LOBO.pdf"])))[1]
    flat = words(pdf_text(found["DPS_7326022003_BUNTU_LOBO.pdf"]))
    assert f"Ditetapkan dengan Keputusan {COMMITTEE_A} Nomor {number}." in flat
    assert "Kabupaten Toraja Utara" in flat
    assert f"Diumumkan {long(TODAY)} sampai dengan {long(ANNOUNCE_UNTIL)}" in flat
    assert not SIXTEEN_DIGITS.search(flat)
    # the same sheet printed on demand (the web) cites the same decision
    page = election.village_announcement(pilkalem, "PILKALEM2027", A, "DPS", tmp_path / "web")
    assert f"Ditetapkan dengan Keputusan {COMMITTEE_A} Nomor {number}." in words(pdf_text(page))


def test_a_list_set_without_its_papers_issues_no_number(pilkalem, tmp_path):
    """`--tanpa-keputusan`: the list is set and announced, nothing numbered; the papers are
    printed later from the election page, numbered then."""
    from pemilih.store import events
    from pemilih.store.models import Event
    dps = set_list(pilkalem, "DPS", tmp_path / "dps", papers=False)
    assert not (tmp_path / "dps" / "keputusan").exists()
    assert any(p.name.startswith("DPS_") and p.suffix == ".pdf" for p in dps.paths)  # announced all the same
    assert not Event.objects.filter(kind=events.DOCUMENT_ISSUED).exists()
