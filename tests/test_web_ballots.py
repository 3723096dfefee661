"""The ballots of a village's TPS in the browser (issue 14, What to build 3): the committee
records one TPS's counts on a form, the server refuses what breaks the balance (naming the TPS
and the numbers), and prints the minutes and the receipts; a committee reaches its own village
only. Expected figures by hand, as in test_ballots (100 voters a village, one TPS, reserve
ceil(2.5) = 3, 103 ballots)."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest

from pemilih.cycle import election
from pemilih.cycle.common import Who

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
CODE = "PK27"
PAGE = f"/pilkalem/{CODE}/{A}/surat-suara/"


@pytest.fixture
def site(website, maker):
    from pemilih.store.receive import import_result
    ws = website.ws
    import_result(ws, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    election.create(ws, election.CreateRequest(CODE, "Pilkalem Serentak 2027", date(2027, 3, 17), date(2027, 1, 15),
                                               (A, B), Who("DPML", "DPML", "SK Bupati")))
    election.create(ws, election.CreateRequest("TANPA-DPT", "Pilkalem lain", date(2027, 3, 17), date(2027, 1, 15),
                                               (A,), Who("DPML", "DPML", "SK Bupati")))
    who = Who("Panitia", "PANITIA", "Rapat pleno")
    for stage in ("DPS", "DPT"):
        election.set_list(ws, election.SetListRequest(CODE, stage, None, who, schedule_reason="Uji"))
    return website


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "dokumen.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def test_the_committee_records_its_tps_and_a_broken_balance_is_refused(site):
    from pemilih.store.models import Event
    panitia = site.client("panitia", kode_desa=A)
    page = panitia.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="diterima" value="103"' in html  # the logistics' figure, ready to confirm
    assert "data-balance" in html and "0 dari 1 TPS sudah dicatat." in html
    before = Event.objects.count()
    form = {"tps": "1", "diterima": "103", "dipakai": "80", "rusak": "2", "sisa": "20", "hadir": "80"}
    wrong = panitia.post(PAGE, form)
    assert wrong.status_code == 400
    assert ("TPS 001 LEMBANG 0 (73.26.01.2001): surat suara tidak seimbang: diterima 103, sedangkan dipakai 80 + "
            "rusak/keliru coblos 2 + sisa 20 = 102 (selisih 1)") in wrong.content.decode()
    over = panitia.post(PAGE, {**form, "sisa": "21", "hadir": "101"})
    assert over.status_code == 400
    assert "pemilih yang hadir (101) melebihi pemilih terdaftar di DPT dan DPTb (100)" in over.content.decode()
    typed = panitia.post(PAGE, {**form, "rusak": "dua"})
    assert typed.status_code == 400 and "jumlah rusak/keliru coblos: isi bilangan bulat" in typed.content.decode()
    assert Event.objects.count() == before
    done = panitia.post(PAGE, {**form, "sisa": "21"})
    assert done.status_code == 302 and done["Location"] == PAGE + "?tps=1"
    html = panitia.get(done["Location"]).content.decode()
    assert "1 dari 1 TPS sudah dicatat." in html and ">seimbang<" in html
    assert Event.objects.filter(kind="ballots-recorded").count() == 1


def test_a_committee_reaches_its_own_village_only_and_a_list_not_set_is_said(site):
    other = site.client("panitia", kode_desa=B)
    assert other.get(PAGE).status_code == 403
    assert other.post(f"/pilkalem/{CODE}/{A}/surat-suara/tanda-terima/").status_code == 403
    assert site.client("kpu").get(PAGE).status_code == 403
    dpml = site.client("dpml")
    assert dpml.get(PAGE).status_code == 200
    assert dpml.get(f"/pilkalem/{CODE}/73.26.01.2009/surat-suara/").status_code == 404  # not in the election
    early = dpml.get(f"/pilkalem/TANPA-DPT/{A}/surat-suara/")
    assert early.status_code == 400 and "DPT TANPA-DPT belum ditetapkan" in early.content.decode()
    detail = dpml.get(f"/pilkalem/{CODE}/").content.decode()
    assert f'href="/pilkalem/{CODE}/{A}/surat-suara/"' in detail


def test_the_minutes_and_the_receipts_are_printed_on_request(site, tmp_path):
    panitia = site.client("panitia", kode_desa=A)
    assert panitia.get(f"/pilkalem/{CODE}/{A}/surat-suara/berita-acara/").status_code == 405
    blank = panitia.post(f"/pilkalem/{CODE}/{A}/surat-suara/berita-acara/", {"tps": "1"})
    assert blank.status_code == 200 and blank["Content-Type"] == "application/pdf"
    text = _text(blank.content, tmp_path)
    assert "Nomor: 001/BA-SS/PANITIA/III/2027" in text and "seimbang / TIDAK SEIMBANG" in text
    panitia.post(PAGE, {"tps": "1", "diterima": "103", "dipakai": "70", "rusak": "0", "sisa": "33", "hadir": "71"})
    filled = _text(panitia.post(f"/pilkalem/{CODE}/{A}/surat-suara/berita-acara/", {"tps": "1"}).content, tmp_path)
    assert "Nomor: 001/BA-SS/PANITIA/III/2027" in filled and "103 = 70 + 0 + 33, seimbang" in filled
    assert panitia.post(f"/pilkalem/{CODE}/{A}/surat-suara/berita-acara/", {"tps": "7"}).status_code == 404
    receipts = panitia.post(f"/pilkalem/{CODE}/{A}/surat-suara/tanda-terima/")
    assert receipts.status_code == 200
    text = _text(receipts.content, tmp_path)
    assert "TANDA TERIMA LOGISTIK PEMUNGUTAN SUARA" in text and "Nomor: 001/TT-LOG/PANITIA/III/2027" in text
