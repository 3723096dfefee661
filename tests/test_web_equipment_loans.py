"""Equipment loans in the browser (issue 16, What to build 1 and 4): KPU keeps the register,
signs the agreement and hands over; DPML requests and records returns; a village committee
sees its own village's loans only; the Rakor viewer sees the outstanding report. Figures by
hand as in test_equipment_loans: villages A and B, one TPS of 100 voters each, 1 ballot box
and 4 booths a TPS (Pilkalem preset); KPU holds 3 boxes and 8 booths in good condition."""
from __future__ import annotations

from datetime import date

import pytest
from test_web_ballots import _text

from pemilih.cycle import election
from pemilih.cycle.common import Who

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
CODE = "PK27"
BASE = "/kerja-sama/pinjam-pakai/"
LOAN = f"{BASE}{CODE}/"


@pytest.fixture
def site(website, maker):
    from pemilih.store.receive import import_result
    ws = website.ws
    import_result(ws, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    election.create(ws, election.CreateRequest(CODE, "Pilkalem Serentak 2027", date(2027, 3, 17), date(2027, 1, 15),
                                               (A, B), Who("DPML", "DPML", "SK Bupati")))
    who = Who("Panitia", "PANITIA", "Rapat pleno")
    for stage in ("DPS", "DPT"):
        election.set_list(ws, election.SetListRequest(CODE, stage, None, who, schedule_reason="Uji"))
    return website


def _loan(site):
    """Through the pages: KPU's register, DPML's request (B holds 1 booth), KPU's agreement
    and hand-over of everything agreed; returns (kpu, dpml) clients."""
    kpu, dpml = site.client("kpu"), site.client("dpml")
    for item, n in (("kotak_suara", "3"), ("bilik_suara", "8")):
        done = kpu.post(f"{BASE}inventaris/", {"barang": item, "gudang": "Gudang Rantepao", "kondisi": "baik",
                                               "jumlah": n})
        assert done.status_code == 302
    assert dpml.post(f"{LOAN}permintaan/", {f"punya-{B}-bilik_suara": "1"}).status_code == 302
    assert kpu.post(f"{LOAN}perjanjian/", {"tanggal": "2027-03-01", "kembali": "2027-04-30"}).status_code == 302
    assert kpu.post(f"{LOAN}serah-terima/", {"tanggal": "2027-03-10", "tempat": "Gudang Rantepao"}).status_code == 302
    return kpu, dpml


def test_kpu_and_dpml_run_the_loan_and_over_lending_is_refused(site, tmp_path):
    from pemilih.store.models import Event
    kpu, dpml = site.client("kpu"), site.client("dpml")
    page = kpu.get(BASE).content.decode()
    assert 'id="form-inventaris"' in page and "Inventaris belum dicatat." in page
    assert 'id="form-inventaris"' not in dpml.get(BASE).content.decode()
    kpu.post(f"{BASE}inventaris/", {"barang": "kotak_suara", "gudang": "Gudang Rantepao", "kondisi": "baik",
                                    "jumlah": "1"})
    html = kpu.get(BASE).content.decode()
    assert "Dapat dipinjamkan (kondisi baik, dikurangi yang masih dipinjam): kotak suara 1, bilik suara 0" in html
    form = dpml.get(LOAN).content.decode()
    assert f'name="punya-{A}-kotak_suara"' in form and 'id="form-perjanjian"' not in form
    assert dpml.post(f"{LOAN}permintaan/", {f"punya-{A}-bilik_suara": "dua"}).status_code == 400
    assert dpml.post(f"{LOAN}permintaan/", {}).status_code == 302
    before = Event.objects.count()
    over = kpu.post(f"{LOAN}perjanjian/", {"tanggal": "2027-03-01", "kembali": "2027-04-30"})
    assert over.status_code == 400
    text = over.content.decode()
    assert "kotak suara 2 buah melebihi yang tersedia di inventaris KPU dalam kondisi baik (1," in text
    assert "bilik suara 8 buah melebihi yang tersedia di inventaris KPU dalam kondisi baik (0," in text
    assert Event.objects.count() == before
    assert dpml.post(f"{LOAN}perjanjian/", {"tanggal": "2027-03-01", "kembali": "2027-04-30"}).status_code == 403


def test_returns_reconcile_and_more_than_lent_is_refused(site, tmp_path):
    kpu, dpml = _loan(site)
    village = f"{LOAN}desa/{A}/"
    page = dpml.get(village).content.decode()
    assert 'id="form-kembali"' in page and 'name="baik-bilik_suara"' in page
    too_many = dpml.post(f"{village}kembali/", {"tanggal": "2027-03-20", "baik-bilik_suara": "5"})
    assert too_many.status_code == 400
    assert ("bilik suara: dikembalikan 5 (baik 5 + rusak ringan 0 + rusak berat 0 + hilang 0) melebihi yang belum "
            "kembali (4 dari 4 dipinjam)") in too_many.content.decode()
    done = dpml.post(f"{village}kembali/", {"tanggal": "2027-03-20", "baik-kotak_suara": "1", "baik-bilik_suara": "2",
                                            "rusak_berat-bilik_suara": "1", "hilang-bilik_suara": "1"})
    assert done.status_code == 302
    assert kpu.post(f"{village}kembali/", {"tanggal": "2027-03-20"}).status_code == 403
    report = site.client("pemantau").get(BASE).content.decode()
    # kotak suara: 2 lent in 2 villages, 1 back good, 1 out; bilik suara: 7 lent, 2 good, 1 damaged, 1 lost, 3 out
    rows = report.split('id="tunggakan-barang"')[1].split("</table>")[0]
    cells = [c.split(">", 1)[1].split("<")[0] for c in rows.split("<td")[1:]]
    assert cells == ["kotak suara", "2", "2", "1", "0", "0", "1", "bilik suara", "2", "7", "2", "1", "1", "3"]
    assert 'id="form-inventaris"' not in report and f'href="{village}"' not in report
    listed = dpml.get(LOAN).content.decode()
    seqs = [int(part.split("/")[0]) for part in listed.split(f"{LOAN}dokumen/")[1:]]
    assert len(seqs) == 3  # the agreement, the hand-over, the return
    texts = [_text(kpu.get(f"{LOAN}dokumen/{seq}/").content, tmp_path) for seq in seqs]
    assert "PERJANJIAN PINJAM PAKAI PERLENGKAPAN PEMILIHAN" in texts[0]
    assert "BERITA ACARA SERAH TERIMA BARANG PINJAM PAKAI" in texts[1]
    assert "BERITA ACARA PENGEMBALIAN BARANG PINJAM PAKAI" in texts[2]
    assert kpu.get(f"{LOAN}dokumen/1/").status_code == 404  # not a loan event
    workbook = site.client("pemantau").get(f"{BASE}pinjam_pakai.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


def test_a_committee_sees_its_own_village_only(site):
    _loan(site)
    panitia = site.client("panitia", kode_desa=A)
    own = panitia.get(f"{LOAN}desa/{A}/")
    assert own.status_code == 200
    html = own.content.decode()
    assert 'id="form-kembali"' not in html and "Belum kembali" in html
    assert panitia.get(f"{LOAN}desa/{B}/").status_code == 403
    assert panitia.get(LOAN).status_code == 403
    assert panitia.get(f"{BASE}pinjam_pakai.xlsx").status_code == 403
    overview = panitia.get(BASE).content.decode()
    rows = overview.split('id="tunggakan-desa"')[1].split("</table>")[0]
    assert A in rows and B not in rows
    assert 'id="inventaris"' not in overview
