"""Upload in the browser: the pre-flight report first (nothing stored), then receive as a job.

Files are hand-made with tests/filemaker.py; which row is wrong, and why, is written here.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filemaker import KPU_HEADER, REGISTRY_HEADER, resident, voter, write_csv

pytestmark = pytest.mark.postgres


def _csv(tmp_path, name, header, rows) -> SimpleUploadedFile:
    path = write_csv(tmp_path / name, header, rows)
    return SimpleUploadedFile(name, path.read_bytes(), content_type="text/csv")


def _kpu_file(tmp_path, name="dpt.csv"):
    """Four voters; the third (spreadsheet row 4) has an 11-digit NIK, the fourth (row 5) a
    31 February."""
    rows = [voter(1), voter(2, born=date(1975, 3, 4), sex="P"), voter(3, NIK="73261512345"),
            voter(4, **{"TANGGAL LAHIR": "31-02-1980"})]
    return _csv(tmp_path, name, KPU_HEADER, rows)


def _counts():
    from pemilih.store.models import Event, ImportBatch, SourceFile, SourceRecord, Voter
    from pemilih.web.models import Job
    return {m.__name__: m.objects.count() for m in (Event, ImportBatch, SourceFile, SourceRecord, Voter, Job)}


def _token(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)


def test_preflight_names_each_problem_and_stores_nothing(website, tmp_path):
    client = website.client("kpu")
    before = _counts()
    response = client.post("/unggah/", {"berkas": _kpu_file(tmp_path)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "GAGAL" in page and "Simpan ke ruang kerja" in page
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td class=\"num\">([^<]*)</td><td>([^<]*)</td>"
                       r"<td class=\"mono\">([^<]*)</td><td>([^<]*)</td></tr>", page)
    assert [c[:5] for c in cells] == [("dpt.csv", "-", "4", "NIK", "NIK-LENGTH"),
                                      ("dpt.csv", "-", "5", "TANGGAL LAHIR", "DATE-INVALID")]
    assert "16 digit" in cells[0][5]
    assert _counts() == before  # nothing received, no job


def test_confirming_receives_the_checked_files_as_a_job(website, tmp_path):
    from pemilih.store.models import Event, RowProblem, Voter
    from pemilih.web import jobs
    from pemilih.web.models import Job
    client = website.client("kpu")
    token = _token(client.post("/unggah/", {"berkas": _kpu_file(tmp_path)}).content.decode())
    assert Voter.objects.count() == 0
    response = client.post("/unggah/simpan/", {"token": token})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
    assert website.run_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    assert "Disimpan" in job.message and "4 baris" in job.message and "2 catatan masalah" in job.message
    # Every row is received, the bad ones with their problems (as `pemilih receive`).
    assert Voter.objects.count() == 4
    assert sorted(RowProblem.objects.values_list("row", "code")) == [(4, "NIK-LENGTH"), (5, "DATE-INVALID")]
    event = Event.objects.get(kind=Event.LIST_IMPORTED)
    assert event.agency == "KPU" and "via web" in event.actor
    assert not (jobs.upload_dir() / token).exists()  # the copy is the snapshot now
    page = client.get(f"/pekerjaan/{job.pk}/").content.decode()
    assert "Selesai" in page and "/unggah/" in page


def test_registry_upload_refuses_a_list_file_whole_and_says_so(website, tmp_path):
    from pemilih.store.models import Event, ImportBatch
    from pemilih.web.models import Job
    client = website.client("disdukcapil")
    registry = _csv(tmp_path, "dk.csv", REGISTRY_HEADER, [resident(1), resident(2, sex="P")])
    page = client.post("/unggah/", {"berkas": [registry, _kpu_file(tmp_path)]}).content.decode()
    assert "1 berkas ditolak utuh" in page and "DITOLAK" in page
    client.post("/unggah/simpan/", {"token": _token(page)})
    website.run_jobs()
    job = Job.objects.get()
    assert job.status == Job.DONE
    assert "DITOLAK: dpt.csv" in job.message and "2 baris" in job.message
    batch = ImportBatch.objects.get()
    assert batch.kind == "registry" and batch.row_count == 2
    assert Event.objects.get().agency == "DISDUKCAPIL"


def test_admin_chooses_the_kind(website, tmp_path):
    client = website.client("admin")
    page = client.post("/unggah/", {"berkas": _kpu_file(tmp_path)}).content.decode()
    assert "Pilih jenis berkas" in page and "name=\"token\"" not in page
    page = client.post("/unggah/", {"berkas": _kpu_file(tmp_path), "jenis": "kpu"}).content.decode()
    assert "NIK-LENGTH" in page


def test_no_file_is_an_error_on_the_page(website):
    page = website.client("kpu").post("/unggah/", {}).content.decode()
    assert "Pilih satu berkas" in page


def test_another_account_cannot_store_an_upload(website, tmp_path):
    from pemilih.store.models import ImportBatch
    from pemilih.web.models import Job
    token = _token(website.client("kpu").post("/unggah/", {"berkas": _kpu_file(tmp_path)}).content.decode())
    response = website.client("kpu").post("/unggah/simpan/", {"token": token}, follow=True)
    assert "tidak ditemukan" in response.content.decode()
    assert Job.objects.count() == 0 and ImportBatch.objects.count() == 0
    bogus = website.client("kpu").post("/unggah/simpan/", {"token": "../../etc"}, follow=True)
    assert "tidak ditemukan" in bogus.content.decode()


def test_uploaded_names_cannot_leave_the_upload_folder(website, tmp_path):
    from pemilih.web import jobs
    from pemilih.web.uploads import load_upload, safe_name, save_upload
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("C:\\data\\dpt 2024.csv") == "dpt 2024.csv"
    assert safe_name("..") == "berkas"
    token, paths = save_upload([SimpleUploadedFile("../x.csv", b"a"), SimpleUploadedFile("x.csv", b"b")],
                               "kpu", 1)
    assert [p.name for p in paths] == ["x.csv", "_x.csv"]
    assert all(p.parent == jobs.upload_dir() / token for p in paths)
    assert load_upload(token)[0]["kind"] == "kpu"


@pytest.mark.parametrize("role", ["dpml", "panitia", "pemantau"])
def test_other_roles_cannot_upload(website, role):
    assert website.client(role, kode_desa="73.26.01.2001" if role == "panitia" else "").get("/unggah/").status_code == 403


def test_a_file_of_the_other_kind_alone_cannot_be_stored(website, tmp_path):
    page = website.client("kpu").post("/unggah/", {"berkas": _csv(tmp_path, "dk.csv", REGISTRY_HEADER, [resident(1)])})
    page = page.content.decode()
    assert "COLUMN-MISSING" in page and "1 berkas ditolak utuh" in page
    assert "Tidak ada baris yang dapat disimpan" in page and "name=\"token\"" not in page


def test_unconfirmed_uploads_are_removed_after_a_day_and_only_ours(website, tmp_path):
    import os
    import time

    from pemilih.web import jobs
    from pemilih.web.uploads import MANIFEST, save_upload
    old, _ = save_upload([SimpleUploadedFile("a.csv", b"a")], "kpu", 1)
    other = jobs.upload_dir() / ("f" * 32)  # another page's upload folder, no manifest of ours
    other.mkdir()
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(jobs.upload_dir() / old / MANIFEST, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    fresh, _ = save_upload([SimpleUploadedFile("b.csv", b"b")], "kpu", 1)
    assert not (jobs.upload_dir() / old).exists()
    assert other.exists() and (jobs.upload_dir() / fresh).exists()
