"""Voter education (issue 16, What to build 2): participants counted by sex and segment, the
villages ranked by need, the activities recorded as events, the report and the command.

Every expected figure is worked out by hand from the hand-made cases below.

The small list (two villages): A has 4 voters, B has 2.
  A1 born 2008-01-01: 16 on 14-02-2024 -> first-time; KTP-el B.
  A2 born 1990-01-01; disability 1.
  A3 born 2007-02-15: 16 on 14-02-2024 (17 the next day) -> first-time; disability 0 (none).
  A4 born 2007-02-14: 17 on 14-02-2024 -> not first-time.
  A5 born 1970-03-03: struck TMS-1, so not on the list; A counts 1 struck.
  B1 born 2009-05-05 -> first-time; KTP-el B.   B2 born 1980-01-01; KTP-el B.
Shares: first-time A 2/4 = 50%, B 1/2 = 50%; without KTP-el A 1/4 = 25%, B 2/2 = 100%;
disability A 1/4 = 25%, B 0%; struck A 1/(4+1) = 20%, B 0/2 = 0%.
Score (share / largest share, mean x 100): A (1 + 0.25 + 1 + 1) / 4 = 81.25; B (1 + 1 + 0 + 0) / 4 = 50.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
from datetime import date

import polars as pl
import pytest

from pemilih.cli import main
from pemilih.cycle.common import StepError, Who, local_today
from pemilih.domain.voter_education import Attendance, attendance_problems, tally

A, B = "73.26.01.2001", "73.26.01.2002"
KPU = Who("Petugas KPU", "KPU", "Pendidikan pemilih")
DAY, TODAY = date(2025, 5, 12), date(2025, 6, 1)  # the record's day, and "today" for the date check
PLACE = "Simulasi di A"
JPEG = b"\xff\xd8\xff\xe0" + b"foto uji" * 10


# --- the participants, by hand ------------------------------------------------------------------

def test_participants_that_add_up_by_sex_and_segment_pass():
    assert attendance_problems(Attendance(10, 15, {"pemula": (10, 5), "perempuan": (0, 10)}), place=PLACE) == []


@pytest.mark.parametrize("attendance, said", [
    # segments' L: 10, the activity's L: 11
    (Attendance(11, 15, {"pemula": (10, 5), "perempuan": (0, 10)}),
     "Simulasi di A: peserta laki-laki menurut segmen berjumlah 10, sedangkan peserta laki-laki (L) 11 (selisih 1); "
     "setiap peserta dihitung sekali"),
    # a participant counted in two segments: segments' P 5 + 10 + 5 = 20, the activity's P 15
    (Attendance(10, 15, {"pemula": (10, 5), "perempuan": (0, 10), "muda": (0, 5)}),
     "peserta perempuan menurut segmen berjumlah 20, sedangkan peserta perempuan (P) 15 (selisih 5)"),
    (Attendance(2, 3, {"perempuan": (2, 3)}), "segmen Perempuan memuat 2 peserta laki-laki"),
    (Attendance(-1, 3, {"umum": (-1, 3)}), "Simulasi di A: jumlah peserta laki-laki (L) tidak boleh negatif (-1)"),
    (Attendance(1, 0, {"lansia": (1, 0)}), "segmen 'lansia' tidak dikenal"),
    (Attendance(1.5, 0, {"umum": (1, 0)}), "jumlah peserta laki-laki (L) harus bilangan bulat, bukan 1.5"),
    (Attendance(0, 0, {"umum": (0, 0)}), "kegiatan tanpa peserta tidak dicatat"),
    (Attendance(3, 0, {}), "peserta menurut segmen belum diisi"),
])
def test_participants_that_do_not_add_up_are_refused_naming_the_numbers(attendance, said):
    found = attendance_problems(attendance, place=PLACE)
    assert any(said in line for line in found), found


def test_a_tally_adds_activities_by_sex_and_segment():
    t = tally([Attendance(10, 15, {"pemula": (10, 5), "perempuan": (0, 10)}),
               Attendance(3, 4, {"pemula": (1, 1), "umum": (2, 3)})])
    assert (t.activities, t.men, t.women, t.total) == (2, 13, 19, 32)
    assert t.by_segment["pemula"] == (11, 6) and t.by_segment["perempuan"] == (0, 10)
    assert t.by_segment["umum"] == (2, 3) and t.by_segment["disabilitas"] == (0, 0)


# --- the targeting table, by hand -----------------------------------------------------------------

def _listed() -> pl.DataFrame:
    return pl.DataFrame({
        "kode_desa": [A, A, A, A, B, B], "kecamatan": ["RANTEPAO"] * 6, "desa": ["DESA A"] * 4 + ["DESA B"] * 2,
        "tanggal_lahir": ["2008-01-01", "1990-01-01", "2007-02-15", "2007-02-14", "2009-05-05", "1980-01-01"],
        "ktp_el": ["B", "S", "S", "S", "B", "B"], "disabilitas": [None, "1", "0", None, None, None]})


def test_the_villages_are_ranked_by_the_shares_the_list_shows():
    from pemilih.engine.education_targets import targets
    found = targets(_listed(), since=date(2024, 2, 14), removed=pl.DataFrame({"kode_desa": [A]}))
    rows = {r["kode_desa"]: r for r in found.table.iter_rows(named=True)}
    assert found.table["kode_desa"].to_list() == [A, B]
    assert (rows[A]["pemula"], rows[A]["pemula_pct"], rows[B]["pemula"], rows[B]["pemula_pct"]) == (2, 50.0, 1, 50.0)
    assert (rows[A]["pemula_peringkat"], rows[B]["pemula_peringkat"]) == (1, 1)  # equal shares, one rank
    assert (rows[A]["tanpa_ktpel_pct"], rows[B]["tanpa_ktpel_pct"]) == (25.0, 100.0)
    assert (rows[A]["tanpa_ktpel_peringkat"], rows[B]["tanpa_ktpel_peringkat"]) == (2, 1)
    assert (rows[A]["disabilitas"], rows[B]["disabilitas"]) == (1, 0)
    assert (rows[A]["tms"], rows[A]["tms_pct"], rows[B]["tms_pct"]) == (1, 20.0, 0.0)
    assert rows[A]["skor"] == pytest.approx(81.25) and rows[B]["skor"] == pytest.approx(50.0)
    assert (rows[A]["peringkat"], rows[B]["peringkat"]) == (1, 2)
    assert found.missing == {"tidak_hadir": "belum ada penggunaan surat suara TPS yang dicatat"}


def test_turnout_counts_where_recorded_and_missing_columns_are_said():
    from pemilih.engine.education_targets import targets
    listed = _listed().with_columns(pl.lit(None, dtype=pl.String).alias("disabilitas"))
    turnout = pl.DataFrame({"kode_desa": [B, B], "came": [1, 0], "registered": [1, 1]})
    found = targets(listed, since=date(2024, 2, 14), turnout=turnout)
    rows = {r["kode_desa"]: r for r in found.table.iter_rows(named=True)}
    # B: 2 registered, 1 came -> 50% did not come; A has no record: the factor is left out of its score
    assert (rows[B]["tidak_hadir"], rows[B]["tidak_hadir_pct"]) == (1, 50.0)
    assert rows[A]["tidak_hadir_pct"] is None
    # A: pemula 1, ktp 0.25 -> 62.5; B: pemula 1, ktp 1, not came 1 -> 100
    assert rows[A]["skor"] == pytest.approx(62.5) and rows[B]["skor"] == pytest.approx(100.0)
    assert found.table["kode_desa"].to_list() == [B, A]
    assert set(found.missing) == {"disabilitas", "tms"}


# --- recorded as events ---------------------------------------------------------------------------

def _voter(n: int, desa: str, born: str, ktp: str = "S", dis: str | None = None) -> dict:
    return {"source_ref": f"dpt.csv::{n + 1}", "file": "dpt.csv", "sheet": "", "row": n + 1, "kecamatan": "RANTEPAO",
            "desa": "DESA A" if desa == A else "DESA B", "kode_desa": desa, "tps": "001", "no": str(n),
            "nkk": f"73260101010000{n:02d}", "nik": f"73260101018{n:05d}", "nama": f"PEMILIH {n}",
            "tempat_lahir": "RANTEPAO", "tanggal_lahir": born, "status_kawin": "B", "jenis_kelamin": "LP"[n % 2],
            "alamat": "DUSUN A", "rt": "001", "rw": "001", "disabilitas": dis, "ktp_el": ktp, "keterangan": None}


@pytest.fixture
def listed(workspace, maker):
    from pemilih.store import changes, events
    from pemilih.store.receive import import_result
    rows = [_voter(1, A, "2008-01-01", "B"), _voter(2, A, "1990-01-01", dis="1"), _voter(3, A, "2007-02-15", dis="0"),
            _voter(4, A, "2007-02-14"), _voter(5, A, "1970-03-03"), _voter(6, B, "2009-05-05", "B"),
            _voter(7, B, "1980-01-01", "B")]
    import_result(workspace, maker.kpu(rows, name="dpt.csv"), actor="uji", agency="KPU", reason="uji")
    row = changes.voters(["dpt.csv::6"]).get("dpt.csv::6")
    changes.record(events.REVIEW_ACCEPTED, [changes.remove(row, "TMS-1", "Akta kematian")],
                   actor="Verifikator", agency="DISDUKCAPIL", reason="Meninggal dunia")
    return workspace


def _request(**kw):
    from pemilih.cycle import voter_education as step
    values = dict(day=DAY, kode_desa=A, kind="simulasi", topic="Tata cara mencoblos", segments=("pemula", "perempuan"),
                  attendance=Attendance(10, 15, {"pemula": (10, 5), "perempuan": (0, 10)}), who=KPU)
    return step.RecordRequest(**(values | kw))


def test_a_record_is_refused_whole_naming_what_is_wrong(listed):
    from pemilih.cycle import voter_education as step
    from pemilih.store.models import Event
    before = Event.objects.count()
    cases = [
        (dict(kode_desa="73.26.01.2999"), "desa/lembang '73.26.01.2999' tidak dikenal"),
        (dict(day=date(2025, 6, 2)), "tanggal kegiatan 02-06-2025 belum tiba"),
        (dict(kind="rapat"), "jenis kegiatan 'rapat' tidak dikenal"),
        (dict(segments=()), "sasaran kegiatan (segmen) belum dipilih"),
        (dict(attendance=Attendance(11, 15, {"pemula": (10, 5), "perempuan": (0, 10)})),
         "Simulasi pemungutan suara di DESA A (73.26.01.2001) pada 12-05-2025: peserta laki-laki menurut segmen "
         "berjumlah 10, sedangkan peserta laki-laki (L) 11 (selisih 1)"),
        (dict(photos=(("catatan.txt", b"bukan foto"),)), "Berkas foto 'catatan.txt' bukan JPEG, PNG atau PDF"),
        (dict(corrects=999), "kegiatan nomor 999 yang hendak dikoreksi tidak ada"),
    ]
    for change, said in cases:
        with pytest.raises(StepError) as refused:
            step.record(listed, _request(**change), today=TODAY)
        assert said in str(refused.value)
    assert Event.objects.count() == before


def test_an_activity_its_correction_and_its_withdrawal_are_events(listed):
    from pemilih.cycle import voter_education as step
    from pemilih.store.models import Event
    seq, first = step.record(listed, _request(photos=(("foto 1.jpg", JPEG),), materials="Surat suara contoh"),
                             today=TODAY)
    assert first.id == seq and first.attendance.total == 25
    digest = hashlib.sha256(JPEG).hexdigest()
    assert first.photos == ({"name": "foto 1.jpg", "size": len(JPEG), "sha256": digest},)
    assert step.photo(listed, first, digest) == ("foto 1.jpg", JPEG)
    # corrected: 12 men, not 10 (one event more; the photo stays with the activity)
    seq2, fixed = step.record(listed, _request(attendance=Attendance(12, 15, {"pemula": (12, 5), "perempuan": (0, 10)}),
                                               corrects=first.id), today=TODAY)
    assert seq2 > seq and fixed.id == first.id and fixed.attendance.men == 12 and fixed.records == 2
    assert fixed.photos == first.photos
    _s, other = step.record(listed, _request(kode_desa=B, kind="daring", segments=("umum",),
                                             attendance=Attendance(3, 4, {"umum": (3, 4)})), today=TODAY)
    result = step.report(listed)
    assert [(k, t.activities, t.men, t.women) for k, _kec, _desa, t in result.villages] == [(A, 1, 12, 15), (B, 1, 3, 4)]
    assert [(k, t.men, t.women) for k, t in result.kinds] == [("simulasi", 12, 15), ("daring", 3, 4)]
    assert (result.total.activities, result.total.men, result.total.women) == (2, 15, 19)
    assert result.total.by_segment["pemula"] == (12, 5) and result.total.by_segment["umum"] == (3, 4)
    step.withdraw(listed, other.id, KPU)
    assert [a.id for a in step.activities(listed)] == [first.id]
    assert Event.objects.filter(kind="education-recorded").count() == 4  # nothing edited, nothing deleted
    lines = dict(step.rakor_lines(listed, local_today()))  # the removal is an event of today
    assert lines["Kegiatan pendidikan pemilih"] == "1 kegiatan di 1 desa/lembang"
    assert lines["Peserta pendidikan pemilih"] == "27 (L 12, P 15)"
    assert lines["Jenis kegiatan"] == "Simulasi pemungutan suara 1"


def test_the_targeting_of_the_workspace_reads_the_list_and_the_removals(listed):
    from pemilih.cycle import voter_education as step
    found = step.targeting(listed, local_today())
    rows = {r["kode_desa"]: r for r in found.table.iter_rows(named=True)}
    assert (rows[A]["pemilih"], rows[A]["pemula"], rows[A]["tms"], rows[B]["tanpa_ktpel"]) == (4, 2, 1, 2)
    assert rows[A]["skor"] == pytest.approx(81.25) and rows[B]["skor"] == pytest.approx(50.0)
    assert "tidak_hadir" in found.missing


# --- the command, end to end ------------------------------------------------------------------------

def _pdf_text(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def test_the_command_records_lists_ranks_and_reports(listed, tmp_path, capsys):
    from openpyxl import load_workbook
    ws = ["--workspace", str(listed.path)]
    photo = tmp_path / "kegiatan.jpg"
    photo.write_bytes(JPEG)
    assert main(["pendidikan", "catat", "--desa", A, "--tanggal", "12-05-2025", "--jenis", "simulasi", "--tema",
                 "Tata cara mencoblos", "--sasaran", "pemula", "perempuan", "--laki", "10", "--perempuan", "15",
                 "--peserta", "pemula:10:5", "perempuan:0:10", "--foto", str(photo), "--oleh", "Petugas", *ws]) == 0
    said = capsys.readouterr().out
    assert "peserta 25 (L 10, P 15), 1 foto." in said
    assert main(["pendidikan", "catat", "--desa", A, "--tanggal", "12-05-2025", "--jenis", "simulasi", "--tema",
                 "X", "--sasaran", "pemula", "--laki", "1", "--perempuan", "0", "--peserta", "pemula:2:0", *ws]) != 0
    assert "berjumlah 2, sedangkan peserta laki-laki (L) 1" in capsys.readouterr().err
    assert main(["pendidikan", "daftar", *ws]) == 0
    assert "1 kegiatan, peserta 25 (L 10, P 15)." in capsys.readouterr().out
    out = tmp_path / "hasil"
    assert main(["pendidikan", "sasaran", "--out", str(out), *ws]) == 0
    said = capsys.readouterr().out
    assert re.search(r"1 73\.26\.01\.2001\s+DESA A\s+4\s+81,3", said)
    assert "Faktor Tidak hadir memilih tidak dipakai" in said
    sheet = load_workbook(out / "sasaran_pendidikan_pemilih.xlsx").active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = next(r for r in rows if r[0] == "PERINGKAT")
    first = dict(zip(header, rows[rows.index(header) + 1]))
    assert (first["KODE DESA"], first["SKOR"], first["PEMILIH PEMULA (% DARI PEMILIH)"]) == (A, "81,3", "50,0")
    assert main(["pendidikan", "laporan", "--desa", A, "--out", str(out), "--oleh", "Petugas", *ws]) == 0
    book = load_workbook(out / "kegiatan_pendidikan_pemilih.xlsx")
    activity = [[c.value for c in r] for r in book["Kegiatan"].iter_rows()]
    head = activity[2]
    values = dict(zip(head, activity[3]))
    assert (values["KODE DESA"], values["L"], values["P"], values["Pemilih pemula L"], values["Perempuan P"]) == (
        A, "10", "15", "10", "10")
    text = _pdf_text(out / "laporan_pendidikan_pemilih_7326012001.pdf")
    assert "LAPORAN KEGIATAN PENDIDIKAN PEMILIH" in text and "LAP-DIKLIH" in text
    assert "1 kegiatan dengan 25 peserta (laki-laki 10, perempuan 15)" in text
    assert "Pemilih pemula 10 5 15" in text and "Perempuan 0 10 10" in text
    assert "Mengetahui, Ketua Panitia" in text and "NIP." in text
