"""The ballots and equipment of each TPS on polling day (issue 14, What to build 3): counts
recorded with their balance checked, the minutes of the ballots per TPS, the equipment
receipts per village, and the command.

The election is made here by hand: 1,500 generated voters, voter i in village
73.26.01.(2001 + i % 15), so each village has 100 voters; a Pilkalem over villages A and B with
500 voters a TPS at most, so each has one TPS of 100 voters. Every expected figure below is
computed by hand from that and the Pilkalem preset (domain/logistics.py PRESETS: reserve 2.5%
of each TPS's voters rounded up; per TPS 1 ballot box, 4 booths, 2 bottles of ink, 1 set of
seals, 1 set of forms): reserve ceil(100 * 2.5 / 100) = ceil(2.5) = 3, ballots 100 + 3 = 103.
"""
from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from pemilih.cli import main
from pemilih.cycle import ballots, documents, election
from pemilih.cycle.common import StepError, Who

pytestmark = pytest.mark.postgres

A, B, C = "73.26.01.2001", "73.26.01.2002", "73.26.01.2003"
CODE = "PK27"
VOTING_DAY = date(2027, 3, 17)
VOTERS, BALLOTS = 100, 103  # per village (one TPS each); 100 + ceil(2.5)
KPPS = Who("Ketua KPPS", "PANITIA", "Hasil penghitungan")
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")
OFF = "Uji: tahapan pada hari yang sama"


def pdf_text(path, layout: bool = False) -> str:
    cmd = ["pdftotext"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def polled(workspace, maker):
    """A Pilkalem over A and B with its DPT set (one TPS of 100 voters each)."""
    from pemilih.store.receive import import_result
    import_result(workspace, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    who = Who("Panitia", "PANITIA", "Rapat pleno")
    election.create(workspace, election.CreateRequest(CODE, "Pilkalem Serentak 2027", VOTING_DAY, date(2027, 1, 15),
                                                      (A, B), Who("DPML", "DPML", "SK Bupati")))
    for stage in ("DPS", "DPT"):
        election.set_list(workspace, election.SetListRequest(CODE, stage, None, who, schedule_reason=OFF))
    return workspace


def _record(ws, kode=A, tps=1, received=BALLOTS, used=80, spoiled=2, unused=21, came=80):
    return ballots.record(ws, ballots.RecordRequest(CODE, kode, tps, received, used, spoiled, unused, came, KPPS))


def test_the_tps_get_the_logistics_figures(polled):
    places = ballots.tps_of(polled, CODE)
    assert [(p.kode_desa, p.tps, p.voters, p.registered, p.reserve, p.ballots) for p in places] == [
        (A, 1, VOTERS, VOTERS, 3, BALLOTS), (B, 1, VOTERS, VOTERS, 3, BALLOTS)]
    assert places[0].amounts | {} == {"pemilih": 100, "cadangan": 3, "surat_suara": 103, "kotak_suara": 1,
                                      "bilik_suara": 4, "tinta": 2, "segel": 1, "formulir": 1}
    assert all(p.recorded is None for p in places)


def test_counts_that_break_a_rule_are_refused_naming_the_tps_and_the_numbers(polled):
    from pemilih.store.models import Event
    before = Event.objects.count()
    cases = [
        # 103 received, 80 + 2 + 20 = 102 accounted for
        (dict(unused=20), "TPS 001 LEMBANG 0 (73.26.01.2001): surat suara tidak seimbang: diterima 103, sedangkan "
                          "dipakai 80 + rusak/keliru coblos 2 + sisa 20 = 102 (selisih 1)"),
        (dict(used=81, unused=20, came=80), "surat suara dipakai (81) melebihi pemilih yang hadir (80)"),
        (dict(used=80, came=101), "pemilih yang hadir (101) melebihi pemilih terdaftar di DPT dan DPTb (100)"),
        (dict(spoiled=-1, unused=24), "jumlah rusak/keliru coblos tidak boleh negatif (-1)"),
    ]
    for change, message in cases:
        with pytest.raises(StepError) as refused:
            _record(polled, **change)
        assert message in str(refused.value)
    with pytest.raises(StepError, match="TPS 002 tidak ada di DPT PK27 desa 73.26.01.2001"):
        _record(polled, tps=2)
    with pytest.raises(StepError, match="Desa 73.26.01.2003 tidak menyelenggarakan pemilihan PK27"):
        _record(polled, kode=C)
    assert Event.objects.count() == before  # nothing recorded


def test_the_latest_record_of_a_tps_holds(polled):
    _record(polled, used=80, spoiled=2, unused=21, came=80)
    seq, place = _record(polled, used=90, spoiled=0, unused=13, came=91)
    assert (place.count.received, place.count.used, place.count.spoiled, place.count.unused, place.count.came) == (
        103, 90, 0, 13, 91)
    assert place.recorded.seq == seq
    others = [p for p in ballots.tps_of(polled, CODE) if p.kode_desa == B]
    assert others[0].recorded is None


def test_the_minutes_before_and_after_the_counts(polled, tmp_path):
    documents.record(polled, documents.SettingsRequest("PANITIA", Who("DPML", "DPML", "Penandatangan"),
                                                       signer="Daniel Rante", nip="198501012010011001", village=A))
    place = ballots.find_tps(polled, CODE, A, 1)
    blank = ballots.print_minutes(polled, CODE, place, tmp_path / "kosong", KPPS)
    text = words(pdf_text(blank))
    assert "BERITA ACARA SERAH TERIMA DAN PENGGUNAAN SURAT SUARA" in text
    assert "Nomor: 001/BA-SS/PANITIA/III/2027" in text
    assert "PANITIA PEMILIHAN KEPALA LEMBANG LEMBANG 0" in text  # the village's committee (as the list spells it)
    assert "memerlukan 103 lembar surat suara: 100 pemilih DPT ditambah cadangan 3" in text
    assert "Keseimbangan A = B + C + D: 103 = ............ + ............ + ............, seimbang / TIDAK SEIMBANG" in text
    assert "( Daniel Rante )" in text and "NIP. 19850101 201001 1 001" in text
    assert "Ketua KPPS TPS 001" in text and "NIP. " + "." * 24 in text

    _record(polled, used=80, spoiled=2, unused=21, came=80)
    place = ballots.find_tps(polled, CODE, A, 1)
    filled = ballots.print_minutes(polled, CODE, place, tmp_path / "isi", KPPS)
    text, laid = words(pdf_text(filled)), pdf_text(filled, layout=True)
    assert "Nomor: 001/BA-SS/PANITIA/III/2027" in text  # printed again: the same number
    assert "Keseimbangan A = B + C + D: 103 = 80 + 2 + 21, seimbang" in text
    assert "TIDAK SEIMBANG" not in text
    rows = {" ".join(line.split()[1:-1]): line.split()[-1] for line in laid.splitlines()
            if re.match(r"\s*[1-7] ", line)}
    assert rows["Surat suara diterima KPPS, termasuk cadangan (A)"] == "103"
    assert rows["Surat suara dipakai (dicoblos pemilih) (B)"] == "80"
    assert rows["Surat suara rusak atau keliru coblos (C)"] == "2"
    assert rows["Surat suara sisa, tidak dipakai (D)"] == "21"
    assert rows["Jumlah B + C + D"] == "103"
    assert rows["Pemilih yang hadir menggunakan hak pilih (daftar hadir)"] == "80"
    assert rows["Pemilih terdaftar di DPT dan DPTb TPS ini"] == "100"
    assert "Pemilih terdaftar yang tidak hadir: 20." in text
    assert not SIXTEEN_DIGITS.search(text)


def test_an_unbalanced_count_is_said_so():
    from pemilih.domain.ballots import BallotCount
    from pemilih.io.ballot_minutes_pdf import balance_line
    assert balance_line(BallotCount(103, 80, 2, 20, 80), 103) == (
        "Keseimbangan A = B + C + D: 103 = 80 + 2 + 20, TIDAK SEIMBANG")


def test_the_receipts_list_the_items_with_their_quantities(polled, tmp_path):
    out = ballots.print_all(polled, ballots.PrintRequest(CODE, str(tmp_path), KPPS))
    assert [p.name for p in out.minutes] == ["BA_SURAT_SUARA_7326012001_TPS001.pdf",
                                             "BA_SURAT_SUARA_7326012002_TPS001.pdf"]
    assert [p.name for p in out.receipts] == ["TANDA_TERIMA_LOGISTIK_7326012001.pdf",
                                              "TANDA_TERIMA_LOGISTIK_7326012002.pdf"]
    laid = pdf_text(out.receipts[0], layout=True)
    text = words(laid)
    assert "TANDA TERIMA LOGISTIK PEMUNGUTAN SUARA" in text
    assert "Nomor: 001/TT-LOG/PANITIA/III/2027" in text  # delivered the day before polling: 16-03-2027
    assert "Pada tanggal 16-03-2027" in text
    items = {}
    for line in laid.splitlines():
        found = re.match(r"\s*([1-6]) +(.+?) {2,}(lembar|buah|botol|set) +(\d+)\s*$", line)
        if found:
            items[found.group(2).strip()] = (found.group(3), int(found.group(4)))
    assert items == {"Surat Suara (100 pemilih DPT + cadangan 3)": ("lembar", 103), "Kotak Suara": ("buah", 1),
                     "Bilik Suara": ("buah", 4), "Tinta": ("botol", 2), "Segel": ("set", 1), "Formulir": ("set", 1)}
    assert "yang menyerahkan" in text and "yang menerima" in text and text.count("NIP.") == 2
    assert "Halaman 1 dari 1" in text
    other = words(pdf_text(out.receipts[1]))
    assert "Nomor: 001/TT-LOG/PANITIA/III/2027" in other  # another village's committee: its own numbers


def test_command_round_trip(polled, store_location, capsys, monkeypatch, tmp_path):
    folder, url = store_location
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    base = ["--workspace", str(folder)]
    assert main(["surat-suara", "catat", *base, "--pemilihan", CODE, "--desa", "7326012002", "--tps", "1",
                 "--diterima", "103", "--dipakai", "85", "--rusak", "1", "--sisa", "17", "--hadir", "86"]) == 0
    assert "TPS 001 LEMBANG 1 (73.26.01.2002) tercatat" in capsys.readouterr().out
    assert main(["surat-suara", "catat", *base, "--desa", B, "--tps", "1", "--diterima", "103", "--dipakai", "85",
                 "--rusak", "1", "--sisa", "15", "--hadir", "86"]) == 1
    assert "diterima 103, sedangkan dipakai 85 + rusak/keliru coblos 1 + sisa 15 = 101 (selisih 2)" in (
        capsys.readouterr().err)
    assert main(["surat-suara", "daftar", *base]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split() == [A, "1", "100", "103", "-", "-", "-", "-", "-", "belum", "dicatat"]
    assert listed[2].split() == [B, "1", "100", "103", "103", "85", "1", "17", "86", "seimbang"]
    assert listed[3] == "1 dari 2 TPS sudah dicatat."
    assert main(["surat-suara", "cetak", *base, "--out", str(tmp_path / "cetak"), "--desa", B]) == 0
    printed = sorted(p.relative_to(tmp_path / "cetak").as_posix() for p in (tmp_path / "cetak").rglob("*.pdf"))
    assert printed == ["ba_surat_suara/BA_SURAT_SUARA_7326012002_TPS001.pdf",
                       "tanda_terima_logistik/TANDA_TERIMA_LOGISTIK_7326012002.pdf"]
    text = words(pdf_text(tmp_path / "cetak" / printed[0]))
    assert "Keseimbangan A = B + C + D: 103 = 85 + 1 + 17, seimbang" in text
