"""Coklit in the browser: a village's workbook downloaded, edited and collected back, each
agency within its scope. Ground truth is the hand-made list of tests/webcoklit.py and the
changes typed into the workbook by hand."""
from __future__ import annotations

import io
import re

import pytest
from python_calamine import CalamineWorkbook

from webcoklit import AGREEMENT, NIKS, A, B, agree, edit_workbook, receive, store_tables

pytestmark = pytest.mark.postgres


@pytest.fixture
def site(website, maker):
    receive(website.ws, maker)
    agree(website.ws)
    return website


def _download(client, kode, tmp_path, name=None):
    response = client.post(f"/coklit/{kode}/unduh/")
    assert response.status_code == 200, response.content.decode()[:500]
    path = tmp_path / (name or re.search(r'filename="([^"]+)"', response["Content-Disposition"]).group(1))
    path.write_bytes(response.content)
    return path


def _upload(client, path, name=None):
    from django.core.files.uploadedfile import SimpleUploadedFile
    upload = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post("/coklit/kumpul/", {"berkas": upload})


def _niks_in(path) -> set[str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    found = set()
    for sheet in book.sheet_names:
        if sheet.startswith("TPS"):
            found |= {str(c) for row in book.get_sheet_by_name(sheet).to_python() for c in row
                      if re.fullmatch(r"\d{16}", str(c))}
    return found


def _shared_events():
    from pemilih.store import projection
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=projection.LIST_SHARED).order_by("seq"))


def test_page_lists_villages_in_scope(site):
    dpml = site.client("dpml").get("/coklit/").content.decode()
    assert "LEMBANG SATU" in dpml and "LEMBANG DUA" in dpml and AGREEMENT in dpml
    assert f"/coklit/{A}/unduh/" in dpml and f"/coklit/{B}/unduh/" in dpml
    own = site.client("panitia", kode_desa=A).get("/coklit/").content.decode()
    assert "LEMBANG SATU" in own and "LEMBANG DUA" not in own and f"/coklit/{B}/unduh/" not in own
    assert site.client("kpu").get("/coklit/").status_code == 403
    assert site.client("disdukcapil").post(f"/coklit/{A}/unduh/").status_code == 403


def test_download_is_a_workbook_the_library_collects(site, tmp_path):
    from pemilih.store.collect import ACCEPTED

    from filemaker import collect_books as collect
    path = _download(site.client("dpml"), A, tmp_path)
    assert path.name == "COKLIT_7326012001_LEMBANG_SATU.xlsx"
    every_nik = {n for niks in NIKS.values() for n in niks}
    assert _niks_in(path) & every_nik == set(NIKS[A])  # that village's voters, no other's
    [event] = _shared_events()
    assert (event.agency, event.payload["kode_desa"], event.payload["agreement"]) == ("DPML", A, AGREEMENT)
    assert event.actor.endswith("via web")
    assert not list((site.ws.path / "web" / "unggahan").glob("coklit-*"))  # no copy left on the server
    [out] = collect(site.ws, [path], village=A, actor="uji", agency="PANITIA", reason="uji", processes=1)
    assert (out.status, out.kode_desa, out.problems) == (ACCEPTED, A, [])
    page = site.client("dpml").get("/coklit/").content.decode()
    row = page.split(f'<td class="mono">{A}</td>')[1].split("</tr>")[0]
    assert '<span class="ok">diterima</span>' in row  # its last collected workbook


def test_committee_cannot_download_or_collect_another_village(site, tmp_path, dump_db):
    committee = site.client("panitia", kode_desa=A)
    state = store_tables(dump_db(site.ws))
    refused = committee.post(f"/coklit/{B}/unduh/")
    assert refused.status_code == 403 and not _shared_events()
    assert store_tables(dump_db(site.ws)) == state
    other = _download(site.client("dpml"), B, tmp_path)
    edited = edit_workbook(other, tmp_path / "lain.xlsx", cells={("dpt.csv::5", "STATUS"): "TMS-1"})
    state = store_tables(dump_db(site.ws))
    page = _upload(committee, edited).content.decode()
    assert "Ditolak" in page and "Ruang kerja tidak berubah" in page
    assert f"lain.xlsx:-:-: lembar kerja untuk desa {B} (LEMBANG DUA), bukan {A}" in page
    assert store_tables(dump_db(site.ws)) == state
    assert not list((site.ws.path / "web" / "unggahan").iterdir())


def test_edited_workbook_collected_through_the_web_changes_the_list(site, tmp_path):
    from pemilih.store.projection import current_list
    committee = site.client("panitia", kode_desa=A)
    shared = _download(committee, A, tmp_path)
    edited = edit_workbook(shared, tmp_path / "kembali.xlsx", cells={
        ("dpt.csv::3", "STATUS"): "TMS-1", ("dpt.csv::3", "KETERANGAN"): "Akta kematian 3/2026",
        ("dpt.csv::4", "NAMA BARU"): "YOHANES PATIKU"})
    page = _upload(committee, edited, name="hasil coklit.xlsx").content.decode()
    assert "hasil_coklit.xlsx" in page and "Diterima" in page
    assert "peristiwa #" not in page  # no internal event number on a committee's page (issue 14)
    counts = dict(re.findall(r"<dt>([A-Z0-9-]+)</dt><dd class=\"num\">(\d+)</dd>", page))
    assert counts == {"TMS-1": "1", "U": "1"}
    now = {r["source_ref"]: r for r in current_list(site.ws).to_dicts()}
    assert sorted(now) == ["dpt.csv::2", "dpt.csv::4", "dpt.csv::5", "dpt.csv::6", "dpt.csv::7"]
    assert now["dpt.csv::4"]["nama"] == "YOHANES PATIKU"
    from pemilih.store import projection
    from pemilih.store.models import Event
    [event] = Event.objects.filter(kind=projection.COKLIT_COLLECTED)
    assert (event.agency, event.payload["file"]) == ("PANITIA", "hasil_coklit.xlsx")
    again = _upload(committee, edited, name="hasil coklit.xlsx").content.decode()
    assert "Sudah dikumpulkan sebelumnya" in again


def test_edited_locked_cell_is_refused_naming_the_cell(site, tmp_path, dump_db):
    committee = site.client("panitia", kode_desa=A)
    shared = _download(committee, A, tmp_path)
    edited = edit_workbook(shared, tmp_path / "salah.xlsx", cells={("dpt.csv::2", "NIK"): "7326010204850009"})
    state = store_tables(dump_db(site.ws))
    page = _upload(committee, edited).content.decode()
    assert "Ditolak" in page and "salah.xlsx:TPS 001:D5 NIK, pemilih no. 1 MARKUS TANDI: sel terkunci diubah" in page
    assert store_tables(dump_db(site.ws)) == state


MIXED = {("dpt.csv::2", "STATUS"): "TMS-1", ("dpt.csv::3", "STATUS"): "U",
         ("dpt.csv::3", "JENIS KELAMIN BARU"): "W", ("dpt.csv::4", "NAMA BARU"): "YOHANES PATIKU"}
MIXED_LINE = ("campur.xlsx:TPS 001:U6 JENIS KELAMIN BARU, pemilih no. 2 NE&#x27; RANTE: JENIS KELAMIN &#x27;W&#x27; "
              "tidak dikenal; gunakan L atau P")


def _pending_folder(site):
    return site.ws.path / "web" / "coklit-tertunda"


def _choice_token(page: str) -> str:
    tokens = set(re.findall(r'name="token" value="([0-9a-f]{32})"', page))
    assert len(tokens) == 1, page
    return tokens.pop()


def test_a_workbook_with_wrong_rows_offers_the_choice_and_takes_the_right_rows(site, tmp_path, dump_db):
    from pemilih.store.projection import current_list
    committee = site.client("panitia", kode_desa=A)
    mixed = edit_workbook(_download(committee, A, tmp_path), tmp_path / "campur.xlsx", cells=MIXED)
    state = store_tables(dump_db(site.ws))
    page = _upload(committee, mixed).content.decode()
    assert "Ditolak" in page and MIXED_LINE in page
    assert "Ambil baris yang benar sekarang" in page and "Perbaiki dulu" in page
    assert store_tables(dump_db(site.ws)) == state  # checked only: nothing taken before the choice
    token = _choice_token(page)
    assert [p.name for p in (_pending_folder(site) / token).iterdir()] == ["campur.xlsx"]
    assert site.client("dpml").post("/coklit/kumpul/pilih/", {"token": token, "pilihan": "ambil"}).status_code == 200
    assert store_tables(dump_db(site.ws)) == state  # another session cannot use it

    taken = committee.post("/coklit/kumpul/pilih/", {"token": token, "pilihan": "ambil"}).content.decode()
    assert "Diterima sebagian" in taken and "2 baris diambil, 1 baris ditinggal" in taken and MIXED_LINE in taken
    counts = dict(re.findall(r"<dt>([A-Z0-9-]+)</dt><dd class=\"num\">(\d+)</dd>", taken))
    assert counts == {"TMS-1": "1", "U": "1"}
    now = {r["source_ref"]: r for r in current_list(site.ws).to_dicts()}
    assert "dpt.csv::2" not in now and now["dpt.csv::4"]["nama"] == "YOHANES PATIKU"
    assert (now["dpt.csv::3"]["nama"], now["dpt.csv::3"]["jenis_kelamin"]) == ("NE' RANTE", "P")
    assert not list(_pending_folder(site).iterdir())
    again = committee.post("/coklit/kumpul/pilih/", {"token": token, "pilihan": "ambil"}).content.decode()
    assert "tidak ada lagi" in again
    home = committee.get("/coklit/").content.decode()
    row = home.split(f'<td class="mono">{A}</td>')[1].split("</tr>")[0]
    assert "sebagian, 1 masalah ditinggal" in row


def test_fix_first_drops_the_copy_and_changes_nothing(site, tmp_path, dump_db):
    committee = site.client("panitia", kode_desa=A)
    mixed = edit_workbook(_download(committee, A, tmp_path), tmp_path / "campur.xlsx", cells=MIXED)
    state = store_tables(dump_db(site.ws))
    token = _choice_token(_upload(committee, mixed).content.decode())
    page = committee.post("/coklit/kumpul/pilih/", {"token": token, "pilihan": "perbaiki"}, follow=True)
    assert "campur.xlsx tidak dikumpulkan; ruang kerja tidak berubah" in page.content.decode()
    assert store_tables(dump_db(site.ws)) == state
    assert not list(_pending_folder(site).iterdir())
    assert committee.post("/coklit/kumpul/pilih/", {"token": token, "pilihan": "x"}).status_code == 400


def test_bad_uploads_are_answered_on_the_page(site, tmp_path):
    client = site.client("dpml")
    assert "Pilih lembar kerja" in client.post("/coklit/kumpul/").content.decode()
    text = tmp_path / "catatan.txt"
    text.write_text("bukan lembar kerja")
    assert "bukan .xlsx" in _upload(client, text).content.decode()
    junk = tmp_path / "rusak.xlsx"
    junk.write_bytes(b"bukan zip")
    page = _upload(client, junk)
    assert page.status_code == 200 and "Tidak dapat dibaca" in page.content.decode()


def test_download_without_an_agreement_says_why(website, maker):
    receive(website.ws, maker)
    page = website.client("dpml").get("/coklit/").content.decode()
    assert "Belum ada perjanjian berbagi data KPU-DPML" in page and f"/coklit/{A}/unduh/" not in page
    refused = website.client("dpml").post(f"/coklit/{A}/unduh/")
    assert refused.status_code == 403 and "perjanjian" in refused.content.decode()


def test_all_villages_as_one_zip_is_a_job(site):
    import zipfile

    from pemilih.web.models import Job
    client = site.client("dpml")
    response = client.post("/coklit/semua/", {"rezim": "PILKALEM"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
    site.run_jobs()
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    [name] = job.files
    data = client.post(f"/pekerjaan/{job.pk}/unduh/{name}")
    names = zipfile.ZipFile(io.BytesIO(b"".join(data.streaming_content))).namelist()
    assert sorted(names) == ["COKLIT_7326012001_LEMBANG_SATU.xlsx", "COKLIT_7326012002_LEMBANG_DUA.xlsx"]
    assert {e.payload["regime"] for e in _shared_events()} == {"PILKALEM"}


def test_many_workbooks_at_once_are_collected_as_a_job(site, tmp_path):
    """More than IN_REQUEST workbooks in one upload: a job, whose outcomes the coklit page
    shows to the account that ran it; the uploads are gone afterwards."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pemilih.store.projection import current_list
    from pemilih.web import jobs
    from pemilih.web.models import Job
    from pemilih.web.views.coklit import IN_REQUEST
    client = site.client("dpml")
    edited = edit_workbook(_download(client, A, tmp_path), tmp_path / "satu.xlsx",
                           cells={("dpt.csv::4", "NAMA BARU"): "YOHANES PATIKU"})
    untouched = _download(client, B, tmp_path, name="dua.xlsx")  # returned as it was: all correct
    broken = []
    for i in range(IN_REQUEST):
        junk = tmp_path / f"rusak{i}.xlsx"
        junk.write_bytes(b"bukan zip")
        broken.append(junk)
    files = [edited, untouched, *broken]
    response = client.post("/coklit/kumpul/", {"berkas": [SimpleUploadedFile(p.name, p.read_bytes()) for p in files]})
    job = Job.objects.get(kind="kumpul")
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
    assert current_list(site.ws).filter(current_list(site.ws)["nama"] == "YOHANES PATIKU").height == 0
    site.run_jobs()
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    assert job.message == f"{len(files)} lembar kerja: Diterima 2, Tidak dapat dibaca {IN_REQUEST}."
    assert job.params["next_url"] == f"/coklit/?pekerjaan={job.pk}"
    page = client.get(job.params["next_url"]).content.decode()
    for path in files:
        assert path.name in page
    assert "Diterima" in page and "Tidak dapat dibaca" in page
    assert "YOHANES PATIKU" in current_list(site.ws)["nama"].to_list()
    assert list(jobs.upload_dir().iterdir()) == []
    other = site.client("panitia", kode_desa=A)
    assert other.get(job.params["next_url"]).status_code == 404


# --- issue 12 (defect 7): the villages of the election, under the agreement -------------------------

def _election_over(ws, *villages):
    from datetime import timedelta

    from pemilih.cycle import election
    from pemilih.cycle.common import Who, local_today
    today = local_today()
    election.create(ws, election.CreateRequest("PK27", "Pilkalem Serentak 2027", today + timedelta(days=90), today,
                                               villages, Who("Kadis", "DPML", "SK Bupati")))


def test_the_page_offers_only_the_elections_villages_and_refuses_one_outside(site, tmp_path):
    import zipfile

    from pemilih.web.models import Job
    _election_over(site.ws, A)
    client = site.client("dpml")
    page = client.get("/coklit/").content.decode()
    assert "PK27" in page and f"/coklit/{A}/unduh/" in page
    assert f"/coklit/{B}/unduh/" not in page and "LEMBANG DUA" not in page
    refused = client.post(f"/coklit/{B}/unduh/", follow=True)
    assert f"Desa {B} tidak menyelenggarakan pemilihan PK27" in refused.content.decode()
    assert not _shared_events()
    own = site.client("panitia", kode_desa=B).get("/coklit/").content.decode()
    assert f"Desa {B} tidak menyelenggarakan Pilkalem Serentak 2027" in own and "/unduh/" not in own
    client.post("/coklit/semua/", {"rezim": "PILKALEM"})
    site.run_jobs()
    job = Job.objects.get(kind="coklit-semua")
    assert job.status == Job.DONE, job.message
    data = client.post(f"/pekerjaan/{job.pk}/unduh/{job.files[0]}")
    names = zipfile.ZipFile(io.BytesIO(b"".join(data.streaming_content))).namelist()
    assert names == ["COKLIT_7326012001_LEMBANG_SATU.xlsx"]
    assert [e.payload["kode_desa"] for e in _shared_events()] == [A]


def test_a_village_outside_the_agreement_is_not_offered_and_its_download_is_refused_with_the_reason(website, maker):
    receive(website.ws, maker)
    agree(website.ws, "SEMPIT/PKS", villages=(A,))
    client = website.client("dpml")
    page = client.get("/coklit/").content.decode()
    assert f"/coklit/{A}/unduh/" in page and f"/coklit/{B}/unduh/" not in page
    assert f"Perjanjian yang berlaku tidak mencakup desa {B}." in page
    refused = client.post(f"/coklit/{B}/unduh/")
    assert refused.status_code == 403
    assert f"Perjanjian berbagi data yang berlaku tidak mencakup desa {B}" in refused.content.decode()
    assert not _shared_events()
    assert client.post(f"/coklit/{A}/unduh/").status_code == 200
    assert [e.payload["kode_desa"] for e in _shared_events()] == [A]
