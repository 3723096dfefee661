"""Hand-back and apply in the browser: DPML's package built by a job, checked as the file
contract says, then applied through the web on KPU's own workspace. Ground truth: the
hand-made list of tests/webcoklit.py and the two changes a committee made to it."""
from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from django.utils import timezone
from python_calamine import CalamineWorkbook

from webcoklit import AGREEMENT, A, agree, edit_workbook, receive

pytestmark = pytest.mark.postgres

PACKAGE_FILES = {"manifest.json", "perubahan.xlsx", "daftar.xlsx", "rekap.xlsx", "perubahan_per_tps.xlsx",
                 "berita_acara.pdf", "manifest.sig"}


@pytest.fixture
def changed(website, maker, tmp_path):
    """The list after a committee's workbook: dpt.csv::3 TMS-1, dpt.csv::4 renamed."""
    from pemilih.store.collect import ACCEPTED

    from filemaker import collect_books as collect
    from filemaker import share_list as share
    receive(website.ws, maker)
    agree(website.ws)
    out = share(website.ws, tmp_path / "out", agreement=AGREEMENT, on=timezone.localdate(), regime="PILKALEM",
                villages=[A], processes=1, actor="uji", agency="DPML", reason="uji")
    edited = edit_workbook(out.paths[0], tmp_path / "kembali.xlsx", cells={
        ("dpt.csv::3", "STATUS"): "TMS-1", ("dpt.csv::3", "KETERANGAN"): "Akta kematian",
        ("dpt.csv::4", "NAMA BARU"): "YOHANES PATIKU"})
    [done] = collect(website.ws, [edited], village=A, actor="uji", agency="PANITIA", reason="uji", processes=1)
    assert done.status == ACCEPTED
    return website


def _build(site, client, period="2027-Q1"):
    from pemilih.web.models import Job
    response = client.post("/serah/", {"periode": period, "perjanjian": AGREEMENT,
                                       "tanggal": timezone.localdate().isoformat(), "tempat": "Rantepao"})
    job = Job.objects.order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
    site.run_jobs()
    job.refresh_from_db()
    return job


def _fetch(client, job, tmp_path) -> Path:
    [name] = job.files
    response = client.post(f"/pekerjaan/{job.pk}/unduh/{name}")
    assert response.status_code == 200
    path = tmp_path / name
    path.write_bytes(b"".join(response.streaming_content))
    return path


def _check_package(path, tmp_path) -> dict:
    """The contract of formats.md section 5, checked the way tests/test_cycle_store.py does."""
    from filemaker import open_signed
    assert set(zipfile.ZipFile(path).namelist()) == PACKAGE_FILES
    manifest, files = open_signed(path)  # the signature and every hash against the manifest
    pdf = tmp_path / "ba.pdf"
    pdf.write_bytes(files["berita_acara.pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert manifest["manifest_sha256"] in text.replace("\n", "").replace(" ", "")
    assert not re.search(r"(?<!\d)\d{16}(?!\d)", text)  # minutes masked
    recap = CalamineWorkbook.from_filelike(io.BytesIO(files["rekap.xlsx"]))
    assert any(any("AKHIR" in str(c).upper() for row in recap.get_sheet_by_name(s).to_python()[:15] for c in row)
               for s in recap.sheet_names)
    return manifest


def test_handback_job_builds_a_package_that_meets_the_contract(changed, tmp_path):
    client = changed.client("dpml")
    assert "Belum ada paket yang diserahkan" in client.get("/serah/").content.decode()
    job = _build(changed, client)
    assert job.status == job.DONE, job.message
    path = _fetch(client, job, tmp_path)
    assert re.fullmatch(r"7326_2027-Q1_[0-9a-f]{12}\.zip", path.name)
    manifest = _check_package(path, tmp_path)
    counts = manifest["counts"]
    assert (counts["B"], counts["TMS-1"], counts["U"], counts["U_fields"]) == (0, 1, 1, 1)
    assert (counts["pemilih_awal"], counts["pemilih_akhir"]) == (6, 5)
    assert "TMS 1, ubah 1" in job.message
    page = client.get("/serah/").content.decode()
    assert path.name in page and AGREEMENT in page  # the transfer is listed


def test_handback_form_errors_are_shown_and_nothing_is_queued(changed):
    from pemilih.web.models import Job
    client = changed.client("dpml")
    page = client.post("/serah/", {"periode": "../x", "perjanjian": "tidak-ada", "tanggal": "kemarin", "acuan": "besok"})
    text = page.content.decode()
    assert page.status_code == 400 and "Periode wajib diisi" in text and "Pilih perjanjian" in text
    assert "Tanggal serah tidak sah" in text and not Job.objects.exists()
    assert changed.client("kpu").get("/serah/").status_code == 403
    assert changed.client("panitia", kode_desa=A).get("/serah/").status_code == 403


def test_handback_refused_by_the_library_fails_the_job_with_its_reason(changed, tmp_path):
    client = changed.client("dpml")
    # a date after the agreement's end: the form accepts it, the library refuses and says why
    response = client.post("/serah/", {"periode": "2030-Q1", "perjanjian": AGREEMENT,
                                       "tanggal": "2030-01-01"})
    assert response.status_code == 302
    changed.run_jobs()
    from pemilih.web.models import Job
    failed = Job.objects.order_by("-pk").first()
    assert failed.status == Job.FAILED and "tidak berlaku pada 01-01-2030" in failed.message
    assert not failed.files


def _apply(client, path):
    return client.post("/terapkan/", {"paket": SimpleUploadedFile(path.name, path.read_bytes())})


def _register_on_the_page(kpu, package) -> str:
    """KPU pastes DPML's public key (the one the package names) on the apply page."""
    manifest = json.loads(zipfile.ZipFile(package).read("manifest.json"))
    page = kpu.post("/terapkan/", {"tindakan": "kunci", "kunci": manifest["signer"]["public_key"]})
    assert page.status_code == 200
    assert "Kunci publik DPML terdaftar" in page.content.decode()
    return manifest["signer"]["fingerprint"]


def test_apply_via_the_web_on_kpu_workspace(changed, kpu_workspace, maker, tmp_path):
    from pemilih.store.projection import current_list
    from pemilih.web.models import Job
    changed.ws.activate()  # kpu_workspace was opened (and made active) after it
    dpml = changed.client("dpml")
    package = _fetch(dpml, _build(changed, dpml), tmp_path)
    expected = sorted((r["source_ref"], r["nama"]) for r in current_list(changed.ws).to_dicts())
    assert expected == [("dpt.csv::2", "MARKUS TANDI"), ("dpt.csv::4", "YOHANES PATIKU"),
                        ("dpt.csv::5", "MARTHA SAMPE"), ("dpt.csv::6", "RUTH PALINGGI"),
                        ("dpt.csv::7", "SAMUEL BATTI")]
    kpu_workspace.activate()
    receive(kpu_workspace, maker)  # the same list KPU shared
    with override_settings(PEMILIH_WORKSPACE=str(kpu_workspace.path)):
        kpu = changed.client("kpu")
        assert changed.client("dpml").get("/terapkan/").status_code == 403
        assert "Belum ada paket yang diterapkan" in kpu.get("/terapkan/").content.decode()
        _register_on_the_page(kpu, package)
        response = _apply(kpu, package)
        job = Job.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
        changed.run_jobs()
        job.refresh_from_db()
        assert job.status == Job.DONE, job.message
        assert job.message.startswith("Diterapkan (peristiwa #") and "TMS-1 1, U 1; sudah sesuai 0; konflik 0" in job.message
        assert job.result["applied"] == {"TMS-1": 1, "U": 1}
        now = sorted((r["source_ref"], r["nama"]) for r in current_list(kpu_workspace).to_dicts())
        assert now == expected
        assert package.name in kpu.get("/terapkan/").content.decode()
        _apply(kpu, package)
        changed.run_jobs()
        again = Job.objects.order_by("-pk").first()
        assert again.status == Job.DONE and "sudah pernah diterapkan" in again.message
        assert sorted((r["source_ref"], r["nama"]) for r in current_list(kpu_workspace).to_dicts()) == expected
        assert not list((kpu_workspace.path / "web" / "unggahan").iterdir())


def test_apply_refuses_a_bad_package_with_its_reason(website, maker, tmp_path):
    from pemilih.web.models import Job
    receive(website.ws, maker)
    kpu = website.client("kpu")
    assert "Belum ada kunci publik DPML yang terdaftar" in kpu.get("/terapkan/").content.decode()
    refused = kpu.post("/terapkan/", {"tindakan": "kunci", "kunci": "bukan kunci"})
    assert refused.status_code == 400 and "Kunci publik tidak dapat dibaca" in refused.content.decode()
    from pemilih.io import signing
    other_key = signing.public_text(signing.load_or_create(tmp_path / "lain.pem"))
    assert "terdaftar" in kpu.post("/terapkan/", {"tindakan": "kunci", "kunci": other_key}).content.decode()
    assert "Pilih berkas paket" in kpu.post("/terapkan/").content.decode()
    assert "bukan .zip" in _apply(kpu, _file(tmp_path / "paket.txt", b"x")).content.decode()
    _apply(kpu, _file(tmp_path / "rusak.zip", b"bukan zip"))
    website.run_jobs()
    job = Job.objects.get()
    assert job.status == Job.FAILED and "bukan berkas zip yang dapat dibaca" in job.message
    # a zip that is no package: refused with the library's reason, not as an unexpected error
    other = tmp_path / "lain.zip"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("manifest.json", "{}")
    _apply(kpu, other)
    website.run_jobs()
    failed = Job.objects.order_by("-pk").first()
    assert failed.status == Job.FAILED and "lain.zip: paket tidak lengkap" in failed.message


def _file(path, data: bytes):
    path.write_bytes(data)
    return path


def test_dpml_runs_the_retention_job_and_the_rakor_page_names_it(changed, tmp_path):
    """The agreement promises deletion after the hand-back: the agreements page shows when the
    retention ends, DPML runs it as a job once it has, and the Rakor page lists the deletion."""
    from datetime import timedelta
    from unittest import mock

    from pemilih.store.models import Event
    from pemilih.web.models import Job
    dpml = changed.client("dpml")
    _fetch(dpml, _build(changed, dpml), tmp_path)
    page = dpml.get("/perjanjian/").content.decode()
    assert "Retensi: penghapusan data setelah serah-kembali" in page and "lewat masa retensi" not in page
    assert changed.client("kpu").post("/perjanjian/retensi/").status_code == 403
    later = timezone.localdate() + timedelta(days=120)
    with mock.patch("django.utils.timezone.localdate", return_value=later):
        page = dpml.get("/perjanjian/").content.decode()
        assert "Hapus data pribadi yang lewat masa retensi" in page
        response = dpml.post("/perjanjian/retensi/")
        job = Job.objects.order_by("-pk").first()
        assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{job.pk}/"
        changed.run_jobs()
        job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    assert job.message.startswith("Data pribadi lewat masa retensi dihapus (peristiwa #")
    assert Event.objects.filter(kind="retention-applied").count() == 1
    start = timezone.localdate() - timedelta(days=30)
    rakor = dpml.get(f"/rekap/?dari={start.isoformat()}&sampai={later.isoformat()}")
    assert "Penghapusan data pribadi karena masa retensi" in rakor.content.decode()


def test_the_handback_page_says_its_counts_in_words_and_asks_no_code_table(changed):
    """Issue 14: the page listed past packages as "U_fields 1, pemilih_awal 6" and asked a DPML
    operator for a code table. Expected by hand from `changed`: six voters at the start, one
    struck as dead (TMS-1), one renamed (one field), five at the end."""
    client = changed.client("dpml")
    form = client.get("/serah/").content.decode()
    assert 'name="rezim"' not in form and "Tabel kode" not in form
    job = _build(changed, client)
    assert job.status == job.DONE, job.message
    page = client.get("/serah/").content.decode()
    listed = page.split('<ul class="counts">')[1].split("</ul>")[0]
    items = re.findall(r"<li>([^<]*)</li>", listed)
    assert items[0] == "Pemilih pada awal periode: 6" and items[-1] == "Pemilih pada akhir periode: 5"
    for said in ("Pemilih baru (B): 0", "Tidak memenuhi syarat (TMS-1): meninggal: 1",
                 "Pemilih dengan perbaikan data (U): 1", "Isian data yang diperbaiki: 1"):
        assert said in items, items
    for raw in ("U_fields", "pemilih_awal", "pemilih_akhir", "belum_punya_desa", "pindah_tps"):
        assert raw not in page
