"""The DP3 programme (issue 16, What to build 3): focus villages with their agreement, cadres
with consent, trainings, activities by stage, the yearly reports per village and for the
regency, and the command.

Hand-made case. The list: 1,500 generated voters, voter i in village 73.26.01.(2001 + i % 15)
with sex "LP"[i % 2], so village A (i = 0, 15, 30, ..., 1485: 100 voters) has 50 L and 50 P
(i = 15k: L for even k, P for odd k); voter 15 (row 17 of the file, P) is then removed as TMS-1,
leaving A with 50 L and 49 P. Village B likewise 50 L and 50 P, unchanged.
Cadres of A: Ani P perempuan; Budi L disabilitas; Citra P disabilitas; Dodi L pemula
(recruited by Ani); Eka P muda; Frans L tokoh adat; Gita P tokoh agama: L 3, P 4, 7 of 25 (18
short). Cadres of B: Hana P tokoh masyarakat, Ivan L muda. Regency: L 4, P 5, 9 of 50 (41 short).
Activities of A: (perempuan P 12, umum L 5 P 3) and (disabilitas L 2 P 1, pemula L 4 P 6):
participants L 11, P 22, 33, in 2 activities of the year's stage.
"""
from __future__ import annotations

import re
from datetime import date

import openpyxl
import pytest
from test_ballots import pdf_text, words

from pemilih.cli import main
from pemilih.cycle import dp3
from pemilih.cycle.common import StepError, Who, local_today
from pemilih.domain import dp3 as rules

pytestmark = pytest.mark.postgres

A, B, C = "73.26.01.2001", "73.26.01.2002", "73.26.01.2003"
YEAR = local_today().year
JAN1 = date(YEAR, 1, 1)
KPU = Who("Operator KPU", "KPU", "Program DP3")
SIGNERS = ({"name": "Ketua Uji", "position": "Ketua", "agency": "KPU Kabupaten Toraja Utara"},
           {"name": "Kepala Uji", "position": "Kepala Lembang", "agency": "Lembang A"})
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
NAMES = ["Ani Rante", "Budi Tandi", "Citra Sampe", "Dodi Palullungan", "Eka Lembang", "Frans Bua", "Gita Rara",
         "Hana Toding", "Ivan Pakan"]


def _cadre(ws, name, sex, component, kode=A, by=None, phone=None, birth_year=None):
    return dp3.register(ws, dp3.CadreRequest(kode, JAN1, name, sex, component, JAN1, "formulir bertanda tangan", KPU,
                                             birth_year, phone, by))


@pytest.fixture
def programme(workspace, maker):
    from pemilih.store import changes, events
    from pemilih.store.receive import import_result
    import_result(workspace, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    row = changes.voters(["dpt_7326.csv::17"]).get("dpt_7326.csv::17")  # voter 15: village A, P
    assert (row["kode_desa"], row["jenis_kelamin"]) == (A, "P")
    changes.record(events.REVIEW_ACCEPTED, [changes.remove(row, "TMS-1", "akta kematian")], actor="uji",
                   agency="KPU", reason="uji")
    for kode in (A, B):
        dp3.designate(workspace, dp3.LokusRequest(YEAR, kode, ("partisipasi_rendah", "rawan_bencana"),
                                                  f"{kode[-4:]}/PKS/DP3/{YEAR}", JAN1, SIGNERS, KPU))
    _, ani = _cadre(workspace, NAMES[0], "P", "perempuan", phone="081234567890", birth_year=1995)
    for name, sex, comp in zip(NAMES[1:7], "LPLPLP", ["disabilitas", "disabilitas", "pemula", "muda", "tokoh_adat",
                                                       "tokoh_agama"]):
        _cadre(workspace, name, sex, comp, by=ani if comp == "pemula" else None)
    _cadre(workspace, NAMES[7], "P", "tokoh_masyarakat", kode=B)
    _cadre(workspace, NAMES[8], "L", "muda", kode=B)
    dp3.train(workspace, dp3.TrainingRequest(A, JAN1, "Bimtek kader DP3", (f"{A}/K001", f"{A}/K002", f"{A}/K003"),
                                             KPU))
    for people in ({"perempuan": {"P": 12}, "umum": {"L": 5, "P": 3}},
                   {"disabilitas": {"L": 2, "P": 1}, "pemula": {"L": 4, "P": 6}}):
        dp3.record_activity(workspace, dp3.ActivityRequest(A, JAN1, "sosialisasi", "Tolak politik uang", people, KPU))
    return workspace


def test_the_stages_and_the_rules():
    assert [rules.stage_of(y) for y in (2021, 2022, 2023, 2024, 2027)] == [
        "Pengetahuan", "Kepedulian", "Kesukarelaan", "Demokrasi prosedural dan substantif",
        "Demokrasi prosedural dan substantif"]
    assert rules.TARGET_CADRES == 25
    assert list(rules.COMPONENTS) == ["perempuan", "disabilitas", "pemula", "muda", "tokoh_masyarakat", "tokoh_adat",
                                      "tokoh_agama"]
    with pytest.raises(ValueError):
        rules.stage_of(2020)
    assert rules.count_rows({"muda": {"L": 2, "P": 1}, "umum": {"P": 4}})[-1] == ("Jumlah", 2, 5, 7)


def test_cadres_and_participants_are_counted_by_sex_and_component(programme):
    result = dp3.report(programme, YEAR)
    a, b = result.villages
    assert (a.kode_desa, b.kode_desa) == (A, B)
    assert a.cadre_rows() == [("Perempuan", 0, 1, 1), ("Penyandang disabilitas", 1, 1, 2), ("Pemilih pemula", 1, 0, 1),
                              ("Pemilih muda", 0, 1, 1), ("Tokoh masyarakat", 0, 0, 0), ("Tokoh adat", 1, 0, 1),
                              ("Tokoh agama", 0, 1, 1), ("Jumlah", 3, 4, 7)]
    assert (a.cadre_total, a.shortfall, a.recruited, a.trained, len(a.trainings)) == (7, 18, 1, 3, 1)
    assert a.participant_rows()[-1] == ("Jumlah", 11, 22, 33)
    assert dict((r[0], r[1:]) for r in a.participant_rows())["Masyarakat umum"] == (5, 3, 8)
    assert a.by_stage == {rules.stage_of(YEAR): (2, 11, 22)}
    assert (a.voters_before, a.voters_after) == ((50, 50, 100), (50, 49, 99))
    assert (b.voters_before, b.voters_after) == ((50, 50, 100), (50, 50, 100))
    total = result.totals()
    assert total.cadre_rows()[-1] == ("Jumlah", 4, 5, 9)
    assert dict((r[0], r[1:]) for r in total.cadre_rows())["Pemilih muda"] == (1, 1, 2)
    assert (total.voters_before, total.voters_after) == ((100, 100, 200), (100, 99, 199))
    assert dp3.rakor_lines(programme, local_today()) == [
        (f"Lokus DP3 tahun {YEAR} (tahap {rules.stage_of(YEAR)})", "2 desa"),
        ("Kader DP3", "9 dari target 50 (L 4, P 5); direkrut kader lain 1"),
        ("Pelatihan kader DP3", "1 pelatihan, 3 kader hadir"),
        ("Kegiatan DP3", "2 kegiatan, 33 peserta (L 11, P 22)")]


def test_bad_records_are_refused_naming_the_field(programme):
    from pemilih.store.models import Event
    before = Event.objects.count()
    cases = [
        (lambda: dp3.designate(programme, dp3.LokusRequest(YEAR, C, (), "", JAN1, SIGNERS[:1], KPU)),
         ["alasan penetapan lokus wajib diisi", "nomor perjanjian kerja sama", "penanda tangan perjanjian sedikitnya dua"]),
        (lambda: dp3.designate(programme, dp3.LokusRequest(YEAR, C, ("banjir",), "1/PKS", JAN1, SIGNERS, KPU)),
         ["alasan 'banjir' tidak dikenal"]),
        (lambda: _cadre(programme, "Nama 7326011234567890", "P", "perempuan"), ["nama kader tidak boleh memuat angka"]),
        (lambda: _cadre(programme, "Joni", "L", "perempuan"), ["komponen perempuan dengan jenis kelamin L"]),
        (lambda: _cadre(programme, "Joni", "X", "ksatria"), ["jenis kelamin harus L atau P, bukan 'X'",
                                                          "komponen 'ksatria' tidak dikenal"]),
        (lambda: _cadre(programme, "Joni", "L", "muda", kode=C), [f"Desa {C} belum ditetapkan sebagai lokus DP3"]),
        (lambda: _cadre(programme, "Joni", "L", "muda", by=f"{B}/K001"), [f"kader perekrut {B}/K001 tidak terdaftar"]),
        (lambda: dp3.record_activity(programme, dp3.ActivityRequest(A, JAN1, "sosialisasi", "x", {"umum": {"L": -1}},
                                                                    KPU)),
         ["peserta Masyarakat umum L: isi bilangan bulat 0 sampai 100000, bukan -1"]),
        (lambda: dp3.train(programme, dp3.TrainingRequest(A, JAN1, "Bimtek", (f"{B}/K001",), KPU)),
         [f"kader {B}/K001 tidak terdaftar di desa ini"]),
    ]
    for call, messages in cases:
        with pytest.raises(StepError) as refused:
            call()
        for message in messages:
            assert message in str(refused.value)
        assert not SIXTEEN_DIGITS.search(str(refused.value))
    assert Event.objects.count() == before


def test_a_withdrawal_hides_the_personal_data_and_keeps_the_counts(programme, tmp_path):
    dp3.withdraw(programme, f"{A}/K001", JAN1, "surat kader", KPU)
    with pytest.raises(StepError, match="data pribadinya tidak dicatat lagi"):
        dp3.correct(programme, f"{A}/K001", {"name": "Ani Kembali"}, KPU)
    dp3.correct(programme, f"{A}/K002", {"name": "Budi Tandi Allo"}, KPU)  # a correction: a new event
    a = dp3.report(programme, YEAR, kode_desa=A).villages[0]
    assert a.cadre_rows()[-1] == ("Jumlah", 3, 4, 7) and a.withdrawn == 1
    lines = {line["cadre"]: line for line in dp3.roster_lines(a)}
    assert lines[f"{A}/K001"] | {} == {**lines[f"{A}/K001"], "name": dp3.WITHDRAWN, "phone": "", "birth_year": "",
                                       "consent": ""}
    assert lines[f"{A}/K002"]["name"] == "Budi Tandi Allo"
    paths = dp3.print_reports(programme, dp3.PrintRequest(YEAR, str(tmp_path), KPU, kode_desa=A))
    roster = openpyxl.load_workbook(next(p for p in paths if p.suffix == ".xlsx"))["Kader"]
    cells = " ".join(str(c.value) for row in roster.iter_rows() for c in row if c.value is not None)
    assert "Ani Rante" not in cells and "081234567890" not in cells and "1995" not in cells
    assert "Budi Tandi Allo" in cells and dp3.WITHDRAWN in cells


def test_the_reports_read_back_and_name_no_cadre(programme, tmp_path):
    from pemilih.cycle import documents
    documents.record(programme, documents.SettingsRequest("KPU", KPU, signer="Ketua KPU Uji",
                                                          nip="198501012010011001"))
    paths = dp3.print_reports(programme, dp3.PrintRequest(YEAR, str(tmp_path), KPU))
    assert [p.name for p in paths] == [f"LAPORAN_DP3_{YEAR}_KABUPATEN.pdf", f"LAPORAN_DP3_{YEAR}_KABUPATEN.xlsx",
                                       f"LAPORAN_DP3_{YEAR}_7326012001.pdf", f"LAPORAN_DP3_{YEAR}_7326012002.pdf"]
    regency = words(pdf_text(paths[0], layout=True))
    assert "Nomor: 001/LAP-DP3/KPU/" in regency
    assert "LAPORAN TAHUNAN PROGRAM DESA PEDULI PEMILU DAN PEMILIHAN (DP3)" in regency
    assert "Jumlah 4 5 9" in regency and "tercatat 9, kurang 41" in regency
    assert "( Ketua KPU Uji )" in regency and "NIP. 19850101 201001 1 001" in regency
    assert "Pemilih pada awal program 100 100 200" in regency and "Selisih 0 -1 -1" in regency
    village = words(pdf_text(paths[2], layout=True))
    assert "Perempuan 0 1 1" in village and "Penyandang disabilitas 1 1 2" in village and "Jumlah 3 4 7" in village
    assert f"Tahap {rules.stage_of(YEAR)}: 2 kegiatan 11 22 33" in village
    assert f"Pemilih pada awal program ({JAN1:%d-%m-%Y}) 50 50 100" in village
    assert "Selisih 0 -1 -1" in village
    assert "( Ketua Uji )" in village and "( Kepala Uji )" in village  # the agreement's signatories
    book = openpyxl.load_workbook(paths[1])
    assert book.sheetnames == ["Lokus", "Kader per Komponen", "Peserta per Komponen", "Kegiatan"]
    lokus = list(book["Lokus"].iter_rows(values_only=True))
    header = lokus[2]
    row = dict(zip(header, lokus[3]))
    assert (row["KODE DESA"], row["KADER L"], row["KADER P"], row["KADER JML"], row["KURANG"]) == (A, "3", "4", "7",
                                                                                                   "18")
    assert (row["PEMILIH AWAL JML"], row["PEMILIH AKHIR P"], row["PESERTA JML"]) == ("100", "49", "33")
    for path in paths:
        text = words(pdf_text(path, layout=True)) if path.suffix == ".pdf" else " ".join(
            str(c.value) for s in openpyxl.load_workbook(path) for r in s.iter_rows() for c in r if c.value)
        assert not any(name in text for name in NAMES), path.name
        assert not SIXTEEN_DIGITS.search(text) and "081234567890" not in text and "1995" not in text
    again = dp3.print_reports(programme, dp3.PrintRequest(YEAR, str(tmp_path / "lagi"), KPU))
    assert "Nomor: 001/LAP-DP3/KPU/" in words(pdf_text(again[0], layout=True))  # printed again: the same number


def test_command_round_trip(programme, store_location, capsys, monkeypatch, tmp_path):
    folder, url = store_location
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    base = ["--workspace", str(folder)]
    day = JAN1.strftime("%d-%m-%Y")
    assert main(["dp3", "lokus", *base, "--tahun", str(YEAR), "--desa", "7326012003", "--kriteria", "rawan_konflik",
                 "--perjanjian", "3/PKS/DP3", "--tanggal-perjanjian", day, "--penanda-tangan",
                 "Ketua Uji|Ketua|KPU", "Kepala Tiga|Kepala Lembang|Lembang C"]) == 0
    assert f"Desa 7326012003 ditetapkan sebagai lokus DP3 tahun {YEAR}" in capsys.readouterr().out
    assert main(["dp3", "kader", *base, "--desa", C, "--nama", "Joni Sampe", "--jk", "L", "--komponen", "muda",
                 "--tanggal", day, "--persetujuan-tanggal", day, "--persetujuan-cara", "formulir"]) == 0
    assert f"Kader {C}/K001 terdaftar" in capsys.readouterr().out
    assert main(["dp3", "kegiatan", *base, "--desa", C, "--tanggal", day, "--jenis", "diskusi", "--topik", "Hoaks",
                 "--peserta", "muda:3:4", "tokoh_adat:2:0"]) == 0
    assert "9 peserta" in capsys.readouterr().out
    assert main(["dp3", "kegiatan", *base, "--desa", C, "--tanggal", day, "--jenis", "diskusi", "--topik", "Hoaks",
                 "--peserta", "umum:0:0"]) == 1
    assert "kegiatan tanpa peserta" in capsys.readouterr().err
    assert main(["dp3", "pelatihan", *base, "--desa", C, "--tanggal", day, "--judul", "Bimtek", "--kader",
                 f"{C}/K001"]) == 0
    assert main(["dp3", "cabut", *base, "--kader", f"{C}/K001", "--tanggal", day, "--cara", "lisan"]) == 0
    capsys.readouterr()
    assert main(["dp3", "laporan", *base, "--tahun", str(YEAR)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2].split() == [A, "7", "3", "4", "18", "1", "2", "33", "100", "99"]
    assert lines[4].split() == [C, "1", "1", "0", "24", "1", "1", "9", "100", "100"]
    assert lines[5].split() == ["JUMLAH", "10", "5", "5", "65", "2", "3", "42", "300", "299"]
    assert main(["dp3", "laporan", *base, "--tahun", str(YEAR), "--desa", C, "--out", str(tmp_path / "c")]) == 0
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [f"LAPORAN_DP3_{YEAR}_7326012003.pdf",
                                                                   f"LAPORAN_DP3_{YEAR}_7326012003.xlsx"]
    assert "Joni Sampe" not in words(pdf_text(tmp_path / "c" / f"LAPORAN_DP3_{YEAR}_7326012003.pdf", layout=True))
