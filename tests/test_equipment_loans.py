"""Equipment loans between KPU and the regency (issue 16, What to build 1): the register, the
request from the logistics per TPS, the agreement, the hand-over and the returns; lent =
returned + damaged + lost + outstanding per item and village; no loan beyond the register.

The election is made as in test_ballots: villages A and B with one TPS of 100 voters each, the
Pilkalem preset giving each TPS 1 ballot box and 4 booths (domain/logistics.py PRESETS). Every
expected figure below is worked out by hand from that and the register the tests record:
ballot boxes 3 good and 2 lightly damaged at Gudang Rantepao; booths 6 good at Gudang
Rantepao and 2 good at Gudang Sa'dan (so 3 boxes and 8 booths can be lent).
"""
from __future__ import annotations

import re
import subprocess
from datetime import date

import pytest

from pemilih.cycle import election
from pemilih.cycle import equipment_loan_papers as papers
from pemilih.cycle import equipment_loans as loans
from pemilih.cycle.common import StepError, Who
from pemilih.domain.equipment_loans import Returned, Tally, reconcile, return_problems

pytestmark = pytest.mark.postgres

A, B, C = "73.26.01.2001", "73.26.01.2002", "73.26.01.2003"
CODE = "PK27"
KPU = Who("Operator KPU", "KPU", "Uji")
DPML = Who("Operator DPML", "DPML", "Uji")
DAY, DUE = date(2027, 3, 1), date(2027, 4, 30)
SIXTEEN_DIGITS = re.compile(r"(?<![0-9])[0-9]{16}(?![0-9])")


def words(path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


# --- the rule, by hand ----------------------------------------------------------------------------

def test_reconciliation_per_item_and_village_by_hand():
    lent = {(A, "kotak_suara"): 1, (A, "bilik_suara"): 4, (B, "bilik_suara"): 3}
    back = [((A, "bilik_suara"), Returned(good=2, light=1)),
            ((B, "bilik_suara"), Returned(heavy=1, lost=1)),
            ((A, "kotak_suara"), Returned(good=1))]
    got = reconcile(lent, back)
    # damaged returns count as damaged, never as returned in good condition
    assert got == {(A, "kotak_suara"): Tally(1, 1, 0, 0), (A, "bilik_suara"): Tally(4, 2, 1, 0),
                   (B, "bilik_suara"): Tally(3, 0, 1, 1)}
    assert [got[k].outstanding for k in lent] == [0, 1, 1]
    for t in got.values():
        assert t.lent == t.returned + t.damaged + t.lost + t.outstanding


def test_returning_more_than_is_out_is_refused_by_the_rule():
    out = Tally(lent=4, returned=2, damaged=1)  # 1 still out
    assert return_problems(out, Returned(good=1), "A") == []
    assert return_problems(out, Returned(good=1, lost=1), "Desa A, bilik suara") == [
        "Desa A, bilik suara: dikembalikan 2 (baik 1 + rusak ringan 0 + rusak berat 0 + hilang 1) melebihi yang "
        "belum kembali (1 dari 4 dipinjam)"]
    assert return_problems(out, Returned(good=-1), "A") == ["A, kembali baik: jumlah tidak boleh negatif (-1)"]


# --- the steps on an election ---------------------------------------------------------------------

@pytest.fixture
def polled(workspace, maker):
    from pemilih.store.receive import import_result
    import_result(workspace, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    who = Who("Panitia", "PANITIA", "Rapat pleno")
    election.create(workspace, election.CreateRequest(CODE, "Pilkalem Serentak 2027", date(2027, 3, 17),
                                                      date(2027, 1, 15), (A, B), Who("DPML", "DPML", "SK Bupati")))
    for stage in ("DPS", "DPT"):
        election.set_list(workspace, election.SetListRequest(CODE, stage, None, who, schedule_reason="Uji"))
    return workspace


def _register(ws):
    for item, store, condition, quantity in (("kotak_suara", "Gudang Rantepao", "baik", 3),
                                             ("kotak_suara", "Gudang Rantepao", "rusak_ringan", 2),
                                             ("bilik_suara", "Gudang Rantepao", "baik", 6),
                                             ("bilik_suara", "Gudang Sa'dan", "baik", 2)):
        loans.record_inventory(ws, loans.InventoryRequest(item, store, condition, quantity, KPU))


def _lent(ws):
    """Register, request (B holds 1 booth), agreement from it, both hand-overs."""
    _register(ws)
    loans.request(ws, loans.LoanRequest(CODE, {(B, "bilik_suara"): 1}, DPML))
    loans.agree(ws, loans.AgreementRequest(CODE, DAY, DUE, KPU))
    loans.hand_over(ws, loans.HandoverRequest(CODE, DAY, "Gudang Rantepao", KPU,
                                              {(A, "kotak_suara"): 1, (A, "bilik_suara"): 4}))
    loans.hand_over(ws, loans.HandoverRequest(CODE, DAY, "Gudang Rantepao", KPU))


def test_the_request_is_the_logistics_need_less_what_the_villages_hold(polled):
    _register(polled)
    _seq, rows = loans.request(polled, loans.LoanRequest(CODE, {(B, "bilik_suara"): 1}, DPML))
    assert [(r["kode_desa"], r["item"], r["need"], r["held"], r["requested"]) for r in rows] == [
        (A, "kotak_suara", 1, 0, 1), (A, "bilik_suara", 4, 0, 4),
        (B, "kotak_suara", 1, 0, 1), (B, "bilik_suara", 4, 1, 3)]
    with pytest.raises(StepError) as wrong:
        loans.request(polled, loans.LoanRequest(CODE, {(C, "bilik_suara"): 1, (A, "tinta"): 2}, DPML))
    assert "desa 73.26.01.2003 tidak menyelenggarakan pemilihan PK27" in str(wrong.value)
    assert "barang 'tinta' tidak dipinjamkan" in str(wrong.value)


def test_over_lending_is_refused_and_nothing_is_recorded(polled):
    from pemilih.store.models import Event
    _register(polled)
    assert loans.free(loans.book_of(polled)) == {"kotak_suara": 3, "bilik_suara": 8}
    before = Event.objects.count()
    with pytest.raises(StepError, match=re.escape(
            "Perjanjian PK27: kotak suara 4 buah melebihi yang tersedia di inventaris KPU dalam kondisi baik (3,")):
        loans.agree(polled, loans.AgreementRequest(CODE, DAY, DUE, KPU, quantities={(A, "kotak_suara"): 4}))
    with pytest.raises(StepError, match="Belum ada perjanjian pinjam pakai untuk PK27"):
        loans.hand_over(polled, loans.HandoverRequest(CODE, DAY, "Gudang", KPU))
    assert Event.objects.count() == before
    # a loan of 3 boxes leaves none for another: the second agreement's hand-over is refused
    loans.agree(polled, loans.AgreementRequest(CODE, DAY, DUE, KPU, quantities={(A, "kotak_suara"): 3}))
    loans.hand_over(polled, loans.HandoverRequest(CODE, DAY, "Gudang", KPU, {(A, "kotak_suara"): 2}))
    with pytest.raises(StepError, match=re.escape(
            "Serah terima PK27, desa 73.26.01.2001: kotak suara 2 melebihi yang disepakati dan belum diserahkan "
            "(1 dari 3 menurut perjanjian")):
        loans.hand_over(polled, loans.HandoverRequest(CODE, DAY, "Gudang", KPU, {(A, "kotak_suara"): 2}))
    assert loans.free(loans.book_of(polled)) == {"kotak_suara": 1, "bilik_suara": 8}


def test_the_loan_reconciles_per_item_and_village(polled):
    _lent(polled)
    assert loans.free(loans.book_of(polled)) == {"kotak_suara": 1, "bilik_suara": 1}  # 3 - 2, 8 - 7
    loans.give_back(polled, loans.ReturnRequest(CODE, A, date(2027, 3, 20), DPML, {
        "kotak_suara": Returned(good=1), "bilik_suara": Returned(good=2, light=1)}))
    loans.give_back(polled, loans.ReturnRequest(CODE, B, date(2027, 3, 21), DPML, {
        "bilik_suara": Returned(heavy=1, lost=1)}))
    with pytest.raises(StepError) as wrong:
        loans.give_back(polled, loans.ReturnRequest(CODE, A, date(2027, 3, 22), DPML, {
            "bilik_suara": Returned(good=2)}))
    assert str(wrong.value) == (
        "Pengembalian PK27, desa 73.26.01.2001, bilik suara: dikembalikan 2 (baik 2 + rusak ringan 0 + rusak berat 0 "
        "+ hilang 0) melebihi yang belum kembali (1 dari 4 dipinjam)")
    with pytest.raises(StepError, match="desa 73.26.01.2003 tidak menyelenggarakan pemilihan PK27"):
        loans.give_back(polled, loans.ReturnRequest(CODE, C, date(2027, 3, 22), DPML, {"bilik_suara": Returned(1)}))
    rows = {(r["kode_desa"], r["item"]): (r["dipinjam"], r["kembali_baik"], r["rusak"], r["hilang"],
                                          r["belum_kembali"]) for r in loans.report_rows(polled, CODE)}
    assert rows == {(A, "kotak_suara"): (1, 1, 0, 0, 0), (A, "bilik_suara"): (4, 2, 1, 0, 1),
                    (B, "kotak_suara"): (1, 0, 0, 0, 1), (B, "bilik_suara"): (3, 0, 1, 1, 1)}
    items = {s["item"]: (s["desa"], s["dipinjam"], s["kembali_baik"], s["rusak"], s["hilang"], s["belum_kembali"])
             for s in loans.by_item(loans.report_rows(polled))}
    assert items == {"kotak_suara": (2, 2, 1, 0, 0, 1), "bilik_suara": (2, 7, 2, 2, 1, 2)}
    # booths: 8 good - 2 out - 3 damaged or lost the register does not know of yet
    assert loans.free(loans.book_of(polled)) == {"kotak_suara": 2, "bilik_suara": 3}
    loans.record_inventory(polled, loans.InventoryRequest("bilik_suara", "Gudang Rantepao", "baik", 4, KPU))
    assert loans.free(loans.book_of(polled))["bilik_suara"] == 4  # (4 + 2) - 2 out: the register knows now
    # as of a day before the returns: everything lent is out
    early = loans.report_rows(polled, on=date(2027, 3, 19))
    assert sum(r["belum_kembali"] for r in early) == 9
    lines = dict(loans.rakor_lines(polled, date(2027, 3, 31)))
    assert lines["Pinjam pakai: belum kembali"] == "kotak suara 1, bilik suara 2 (2 desa)"
    assert lines["Pinjam pakai: kembali rusak / hilang"] == "kotak suara 0 / 0, bilik suara 2 / 1"


def test_an_agreement_under_way_is_not_replaced(polled):
    _lent(polled)
    with pytest.raises(StepError, match="sudah dilaksanakan"):
        loans.agree(polled, loans.AgreementRequest(CODE, DAY, DUE, KPU))


def test_the_documents_and_the_workbook(polled, tmp_path):
    from pemilih.cycle import documents
    documents.record(polled, documents.SettingsRequest("KPU", KPU, signer="Marta Contoh", nip="198002022005012002"))
    _lent(polled)
    loans.give_back(polled, loans.ReturnRequest(CODE, A, date(2027, 3, 20), DPML, {"bilik_suara": Returned(good=1)}))
    loans.give_back(polled, loans.ReturnRequest(CODE, A, date(2027, 3, 21), DPML, {
        "bilik_suara": Returned(good=1, light=1, lost=1)}))
    done = papers.print_all(polled, CODE, tmp_path)
    assert [p.name for p in done.agreement] == ["PERJANJIAN_PINJAM_PAKAI_PK27.pdf"]
    assert len(done.handovers) == 2 and len(done.returns) == 2
    text = words(done.agreement[0])
    assert "PERJANJIAN PINJAM PAKAI PERLENGKAPAN PEMILIHAN" in text
    assert "Nomor: 001/PP/KPU/III/2027" in text
    assert "dikembalikan selambat-lambatnya tanggal 30-04-2027" in text
    assert "Jumlah seluruhnya: kotak suara 2 buah; bilik suara 7 buah." in text
    assert "( Marta Contoh )" in text and "NIP. 19800202 200501 2 002" in text
    assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text
    first = words(done.handovers[0])
    assert "BERITA ACARA SERAH TERIMA BARANG PINJAM PAKAI" in first and "Nomor: 001/BA-STPP/KPU/III/2027" in first
    assert "Jumlah seluruhnya: kotak suara 1 buah; bilik suara 4 buah." in first
    second = words(done.handovers[1])
    assert "Nomor: 002/BA-STPP/KPU/III/2027" in second
    assert "Jumlah seluruhnya: kotak suara 1 buah; bilik suara 3 buah." in second
    laid = subprocess.run(["pdftotext", "-layout", str(done.returns[1]), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "BERITA ACARA PENGEMBALIAN BARANG PINJAM PAKAI" in " ".join(laid.split())
    row = next(line.split() for line in laid.splitlines() if re.match(r"\s*1\s+bilik suara", line))
    # A lent 4; B 1 given back before; C 1 good, D 1 light, E 0 heavy, F 1 lost; G 0 still out
    assert row[-7:] == ["4", "1", "1", "1", "0", "1", "0"]
    for path in [*done.agreement, *done.handovers, *done.returns]:
        assert not SIXTEEN_DIGITS.search(words(path))
    from openpyxl import load_workbook
    book = load_workbook(done.workbook, read_only=True)
    assert book.sheetnames == ["Inventaris", "Tunggakan per Desa", "Tunggakan per Barang"]
    sheet = [[c for c in r] for r in book["Tunggakan per Desa"].iter_rows(values_only=True)]
    assert sheet[0] == ["Pemilihan", "Kode Desa", "Desa/Lembang", "Barang", "Dipinjam", "Kembali Baik",
                        "Kembali Rusak", "Hilang", "Belum Kembali"]
    assert [r[1:2] + r[3:] for r in sheet[1:]] == [
        [A, "kotak suara", "1", "0", "0", "0", "1"], [A, "bilik suara", "4", "2", "1", "1", "0"],
        [B, "kotak suara", "1", "0", "0", "0", "1"], [B, "bilik suara", "3", "0", "0", "0", "3"]]
    stock = [list(r) for r in book["Inventaris"].iter_rows(values_only=True)]
    assert stock[1:] == [["kotak suara", "Gudang Rantepao", "baik", "3"],
                         ["kotak suara", "Gudang Rantepao", "rusak ringan", "2"],
                         ["bilik suara", "Gudang Rantepao", "baik", "6"], ["bilik suara", "Gudang Sa'dan", "baik", "2"]]


def test_command_round_trip(polled, store_location, capsys, monkeypatch, tmp_path):
    from pemilih.cli import main
    folder, url = store_location
    if url:
        monkeypatch.setenv("DATABASE_URL", url)
    base = ["--workspace", str(folder)]
    for item, condition, quantity in (("kotak_suara", "baik", 3), ("bilik_suara", "baik", 8)):
        assert main(["logistik", "inventaris", *base, "--barang", item, "--gudang", "Gudang Rantepao", "--kondisi",
                     condition, "--jumlah", str(quantity)]) == 0
    assert main(["logistik", "permintaan", *base, "--pemilihan", CODE, "--punya", f"{B}:bilik_suara=1"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[-5:-1] == [f"{A:<15} kotak_suara       1      0      1", f"{A:<15} bilik_suara       4      0      4",
                             f"{B:<15} kotak_suara       1      0      1", f"{B:<15} bilik_suara       4      1      3"]
    assert main(["logistik", "pinjam", *base, "--tanggal", "2027-03-01", "--kembali-paling-lambat", "2027-04-30",
                 "--jumlah", f"{A}:kotak_suara=9"]) == 1
    assert "kotak suara 9 buah melebihi yang tersedia di inventaris KPU dalam kondisi baik (3," in (
        capsys.readouterr().err)
    assert main(["logistik", "pinjam", *base, "--tanggal", "2027-03-01", "--kembali-paling-lambat", "2027-04-30"]) == 0
    assert "Perjanjian pinjam pakai 001/PP/KPU/III/2027 tercatat" in capsys.readouterr().out
    assert main(["logistik", "serah-terima", *base, "--tanggal", "2027-03-10", "--tempat", "Gudang Rantepao"]) == 0
    assert main(["logistik", "kembali", *base, "--desa", "7326012001", "--tanggal", "2027-03-20", "--baik",
                 "kotak_suara=1", "bilik_suara=2", "--rusak-berat", "bilik_suara=1", "--hilang", "bilik_suara=1"]) == 0
    assert main(["logistik", "kembali", *base, "--desa", B, "--tanggal", "2027-03-20", "--baik", "bilik_suara=4"]) == 1
    assert ("Pengembalian PK27, desa 73.26.01.2002, bilik suara: dikembalikan 4 (baik 4 + rusak ringan 0 + rusak "
            "berat 0 + hilang 0) melebihi yang belum kembali (3 dari 3 dipinjam)") in capsys.readouterr().err
    assert main(["logistik", "kembali", *base, "--desa", B, "--tanggal", "2027-03-20", "--baik", "bilik=x"]) == 1
    assert "'bilik=x' tidak terbaca: tulis BARANG=N" in capsys.readouterr().err
    assert main(["logistik", "tunggakan", *base]) == 0
    report = capsys.readouterr().out.splitlines()
    assert [line.split() for line in report[1:5]] == [
        [A, "kotak", "suara", "1", "1", "0", "0", "0"], [A, "bilik", "suara", "4", "2", "1", "1", "0"],
        [B, "kotak", "suara", "1", "0", "0", "0", "1"], [B, "bilik", "suara", "3", "0", "0", "0", "3"]]
    assert report[5] == ("Jumlah kotak suara: dipinjam 2 di 2 desa, kembali baik 1, rusak 0, hilang 0, "
                         "belum kembali 1.")
    assert main(["logistik", "cetak", *base, "--out", str(tmp_path / "cetak")]) == 0
    names = sorted(p.name for p in (tmp_path / "cetak").iterdir())
    assert [n.split("_PK27")[0] for n in names] == ["BA_PENGEMBALIAN_PINJAM_PAKAI", "BA_SERAH_TERIMA_PINJAM_PAKAI",
                                                    "PERJANJIAN_PINJAM_PAKAI", "pinjam_pakai.xlsx"]


def test_the_demo_lends_and_gets_back_all_but_the_last_village(polled, tmp_path):
    from pemilih.commands.demo_cycle import Cycle, _equipment_loans
    c = Cycle(tmp_path, polled, tmp_path / "kpu", {"dates": {"pilkalem_voting_day": "2027-03-17"}}, date(2027, 1, 10))
    done = _equipment_loans(c)
    # A (first) holds 2 booths: lends 1 box, 2 booths, gives back 1 booth lightly damaged;
    # B (last) lends 1 box and 4 booths and gives nothing back
    assert done["barang"] == {
        "kotak_suara": {"desa": 2, "dipinjam": 2, "kembali_baik": 1, "rusak": 0, "hilang": 0, "belum_kembali": 1},
        "bilik_suara": {"desa": 2, "dipinjam": 6, "kembali_baik": 1, "rusak": 1, "hilang": 0, "belum_kembali": 4}}
    assert done["lembang"] == 2 and done["pengembalian"] == 1
    assert {k: len(v) for k, v in done["dokumen"].items()} == {
        "perjanjian_pinjam_pakai": 1, "ba_serah_terima_pinjam_pakai": 1, "ba_pengembalian_pinjam_pakai": 1}
