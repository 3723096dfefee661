"""A village committee's screens (issue 14): its home names its village and says the election's
stage, deadline and next step; the Pilkalem page shows no event numbers, code table or count
of villages to a one-village committee and stacks its table on a phone; a committee is offered
its election's code table only; event kinds read in Bahasa Indonesia.

Ground truth by hand: the region reference names 73.26.01.2010 `Limbong` (a desa of Toraja
Utara, whose desa are lembang, in kecamatan Rantepao); the generated list puts voter i in
73.26.01.(2001 + i % 15) named `LEMBANG {i % 15}` (a code the reference lacks); the dates are
typed into the election's form here.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from webcoklit import agree

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
LIMBONG = "73.26.01.2010"


@pytest.fixture
def site(website, maker, monkeypatch):
    from pemilih.store.receive import import_result
    from pemilih.web import tasks
    monkeypatch.setattr(tasks, "PDF_PROCESSES", 1)
    website.generated = maker.generated_kpu(60)
    import_result(website.ws, website.generated, actor="uji", agency="KPU", reason="uji")
    agree(website.ws, "1/PKS/UJI")
    return website


def _dmy(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def _create(client, **over):
    today = timezone.localdate()
    form = {"kode": "PK27", "nama": "Pemilihan Kepala Lembang 2027", "rezim": "PILKALEM",
            "hari": (today + timedelta(days=90)).isoformat(), "dps": today.isoformat(),
            "umumkan": (today + timedelta(days=2)).isoformat(), "tanggapan": (today + timedelta(days=4)).isoformat(),
            "dpt": (today + timedelta(days=8)).isoformat(),
            "maks_tps": "4", "cakupan": "pilih", "desa": [A, B], "alasan": "SK Bupati"}
    form.update(over)
    answer = client.post("/pilkalem/buat/", form)
    assert answer.status_code == 302, answer.content.decode()[:800]


def _set_dps(site, dpml):
    from pemilih.web.models import Job
    answer = dpml.post("/pilkalem/PK27/tetapkan/DPS/", {"pengumuman": "0"})
    assert answer.status_code == 302 and site.run_jobs() == 1
    job = Job.objects.get(pk=int(answer["Location"].split("/")[2]))
    assert job.status == Job.DONE, job.message


def _between(page: str, ident: str) -> str:
    return page.split(f'id="{ident}">')[1].split("</dd>")[0].strip()


# --- the home page -------------------------------------------------------------------------------

def test_a_committees_home_names_its_village_not_its_code_nor_the_log(site):
    page = site.client("panitia", kode_desa=LIMBONG).get("/beranda/").content.decode()
    assert "Lembang Limbong" in page
    assert "Kecamatan Rantepao, Kabupaten Toraja Utara" in page
    assert "peristiwa tercatat" not in page
    assert "Belum ada pemilihan yang tercatat untuk desa ini." in page
    # a village the reference lacks: the list's own spelling of it
    assert "Lembang 0" in site.client("panitia", kode_desa=A).get("/beranda/").content.decode()
    # others keep the regency's figures
    assert "peristiwa tercatat" in site.client("dpml").get("/beranda/").content.decode()


def test_a_committees_home_says_the_stage_its_deadline_and_the_next_step(site):
    today = timezone.localdate()
    dpml = site.client("dpml")
    _create(dpml)
    panitia = site.client("panitia", kode_desa=A)
    page = panitia.get("/beranda/").content.decode()
    assert _between(page, "tahapan-sekarang") == "Penyusunan DPS"
    assert _between(page, "batas-waktu") == _dmy(today)
    assert _between(page, "langkah-berikutnya") == (
        f"DPML menetapkan DPS pada {_dmy(today)}; sesudah itu DPS diumumkan sampai {_dmy(today + timedelta(days=2))}")
    assert "Pemilihan Kepala Lembang 2027" in page
    _set_dps(site, dpml)
    page = panitia.get("/beranda/").content.decode()
    assert _between(page, "tahapan-sekarang") == "Pengumuman DPS dan tanggapan masyarakat"
    assert _between(page, "batas-waktu") == _dmy(today + timedelta(days=4))
    assert _between(page, "langkah-berikutnya") == (
        f"Catat tanggapan masyarakat atas DPS paling lambat {_dmy(today + timedelta(days=4))}; "
        f"DPT ditetapkan pada {_dmy(today + timedelta(days=8))}")


def test_the_current_stage_on_each_day_of_a_schedule():
    from pemilih.domain.election_rules import Schedule, current_stage
    d = date(2027, 3, 1)
    planned = Schedule(d, date(2027, 3, 3), date(2027, 3, 5), date(2027, 3, 9), date(2027, 5, 30))
    late = current_stage(planned, date(2027, 3, 2), [])
    assert (late.name, late.deadline) == ("Penyusunan DPS", d)
    assert "terlambat; dijadwalkan 01-03-2027" in late.next_step
    assert current_stage(planned, date(2027, 3, 5), ["DPS"]).deadline == date(2027, 3, 5)
    waiting = current_stage(planned, date(2027, 3, 6), ["DPS"])
    assert (waiting.name, waiting.deadline) == ("Penyusunan DPT", date(2027, 3, 9))
    assert waiting.next_step == "DPML menetapkan DPT pada 09-03-2027; tanggapan atas DPS sudah ditutup 05-03-2027"
    polling = current_stage(planned, date(2027, 5, 30), ["DPS", "DPT"])
    assert (polling.name, polling.deadline) == ("Persiapan pemungutan suara", date(2027, 5, 30))
    after = current_stage(planned, date(2027, 5, 31), ["DPS", "DPT"])
    assert after.deadline is None and after.name == "Pemungutan suara sudah dilaksanakan"


# --- the Pilkalem page ----------------------------------------------------------------------------

def test_the_pilkalem_page_shows_a_committee_no_event_number_code_table_or_village_count(site):
    dpml = site.client("dpml")
    _create(dpml)
    _set_dps(site, dpml)
    page = site.client("panitia", kode_desa=A).get("/pilkalem/PK27/").content.decode()
    assert "peristiwa #" not in page
    assert "PILKALEM" not in page and "Tabel kode" not in page
    assert _between(page, "desa-panitia") == "Lembang 0"
    # the DPS count is the committee's own village's: voters i with i % 15 == 0 among 60
    assert "pemilih</p>" in page and ": 4 pemilih" in page
    listing = site.client("panitia", kode_desa=A).get("/pilkalem/").content.decode()
    assert "PILKALEM" not in listing
    # DPML keeps the code table
    assert "PILKALEM" in dpml.get("/pilkalem/PK27/").content.decode()
    assert "peristiwa #" not in dpml.get("/pilkalem/PK27/").content.decode()


def test_the_villages_table_stacks_into_cards_on_a_phone(site):
    dpml = site.client("dpml")
    _create(dpml)
    _set_dps(site, dpml)
    page = site.client("panitia", kode_desa=A).get("/pilkalem/PK27/").content.decode()
    table = page.split('id="tabel-desa"')[0].rsplit("<table", 1)[1]
    assert 'class="grid cards"' in table
    assert 'data-label="Unduh"' in page
    css = (Path(__file__).parents[1] / "src/pemilih/web/static/web/app.css").read_text()
    narrow = css.split("@media (max-width: 720px)")[1].split("@media print")[0]
    assert ".grid.cards thead { display:none; }" in narrow
    assert "content:attr(data-label)" in narrow


# --- code tables ----------------------------------------------------------------------------------

def test_a_committee_is_offered_its_elections_code_table_only(site):
    _create(site.client("dpml"))
    page = site.client("panitia", kode_desa=A).get("/coklit/?rezim=PEMILU2024").content.decode()
    for other in ("PEMILU2024", "PILKADA2018"):
        assert other not in page
    assert '<select name="rezim">' not in page
    assert 'name="rezim" value="PILKALEM"' in page
    # KPU's and DPML's operators still choose
    assert "PEMILU2024" in site.client("dpml").get("/coklit/").content.decode()


# --- event kinds in Bahasa Indonesia --------------------------------------------------------------

def test_every_event_kind_has_an_indonesian_label():
    from pemilih.store import events
    assert set(events.LABELS) == set(events.KINDS)
    assert events.label(events.LIST_SHARED) == "lembar kerja coklit diserahkan"
    assert events.label(events.DATA_TRANSFERRED) == "data pribadi dikirim"
    for text in events.LABELS.values():
        assert "-" not in text.split("(")[0], text  # no kind name ("list-shared") leaks through


def test_the_agreements_page_lists_transfers_in_indonesian(site, tmp_path):
    _create(site.client("dpml"))
    dpml = site.client("dpml")
    got = site.client("panitia", kode_desa=A).post(f"/coklit/{A}/unduh/")
    assert got.status_code == 200
    page = dpml.get("/perjanjian/").content.decode()
    assert "lembar kerja coklit diserahkan" in page
    assert "list-shared" not in page and "data-transferred" not in page


# --- what remained of the "Screens" (issue 14) ---------------------------------------------

def _first_row(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tr>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]


def test_the_pilkalem_listing_shows_a_committee_no_count_of_villages(site):
    """The election holds two villages (A and B, typed into the form here): DPML sees "2" in a
    Desa column; a committee of one of them sees no such column nor count."""
    dpml = site.client("dpml")
    _create(dpml)
    _set_dps(site, dpml)
    theirs = _first_row(dpml.get("/pilkalem/").content.decode())
    assert theirs[:3] == ["PK27", "Pemilihan Kepala Lembang 2027", "PILKALEM"] and theirs[4] == "2"
    listing = site.client("panitia", kode_desa=A).get("/pilkalem/").content.decode()
    head = listing.split("<thead>")[1].split("</thead>")[0]
    assert ">Desa<" not in head
    row = _first_row(listing)
    # code, name, voting day, the lists set (its own village's count: 4 of the 60 voters)
    assert len(row) == 4 and row[:2] == ["PK27", "Pemilihan Kepala Lembang 2027"] and row[3] == "DPS 4"


def test_a_committees_workbook_is_cut_with_its_elections_table_whatever_the_form_says(site):
    """The page offers a committee its election's table only; a form sent with another one
    (PEMILU2024, typed by hand) still gets a workbook under PILKALEM."""
    from pemilih.store import events
    from pemilih.store.models import Event
    _create(site.client("dpml"))
    got = site.client("panitia", kode_desa=A).post(f"/coklit/{A}/unduh/", {"rezim": "PEMILU2024"})
    assert got.status_code == 200
    shared = Event.objects.filter(kind=events.LIST_SHARED).order_by("-seq").first()
    assert shared.payload["regime"] == "PILKALEM" and shared.payload["kode_desa"] == A
