"""Voter education in the browser (issue 16, What to build 2 and 4): KPU records and sees every
village's activities, a village committee its own village's only, the Rakor viewer the report
and the targeting table (counts only, no photo, no personal data). Expected figures by hand:
1,500 generated voters, 100 a village (tests/conftest.py generated_kpu).
"""
from __future__ import annotations

import io
import subprocess

import pytest

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
PAGE = f"/kerja-sama/pendidikan/desa/{A}/"
JPEG = b"\xff\xd8\xff\xe0" + b"foto uji" * 10
FORM = {"tanggal": "2025-05-12", "jenis": "simulasi", "tema": "Tata cara mencoblos", "sasaran": ["pemula", "perempuan"],
        "laki": "10", "perempuan": "15", "l_pemula": "10", "p_pemula": "5", "l_perempuan": "", "p_perempuan": "10",
        "materi": "Surat suara contoh"}


@pytest.fixture
def site(website, maker):
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    return website


def _photo():
    upload = io.BytesIO(JPEG)
    upload.name = "kegiatan.jpg"
    return upload


def test_the_committee_records_its_village_and_a_wrong_count_is_refused(site):
    from pemilih.store.models import Event
    panitia = site.client("panitia", kode_desa=A)
    assert panitia.get(PAGE).status_code == 200
    wrong = panitia.post(PAGE, {**FORM, "laki": "11"})
    assert wrong.status_code == 400
    assert ("Simulasi pemungutan suara di LEMBANG 0 (73.26.01.2001) pada 12-05-2025: peserta laki-laki menurut "
            "segmen berjumlah 10, sedangkan peserta laki-laki (L) 11 (selisih 1)") in wrong.content.decode()
    typed = panitia.post(PAGE, {**FORM, "p_pemula": "lima"})
    assert typed.status_code == 400 and "Jumlah segmen Pemilih pemula P: isi bilangan bulat" in typed.content.decode()
    assert not Event.objects.filter(kind="education-recorded").exists()
    done = panitia.post(PAGE, {**FORM, "foto": _photo()})
    assert done.status_code == 302 and done["Location"] == PAGE
    html = panitia.get(PAGE).content.decode()
    assert "Tata cara mencoblos" in html and "kegiatan.jpg" in html
    event = Event.objects.get(kind="education-recorded")
    assert event.agency == "PANITIA" and event.payload["attendance"]["by_segment"] == {"pemula": [10, 5],
                                                                                        "perempuan": [0, 10]}
    sha = event.payload["photos"][0]["sha256"]
    photo = panitia.get(f"{PAGE}foto/{sha}/")
    assert photo.status_code == 200 and photo.content == JPEG and photo["Content-Type"] == "image/jpeg"
    # a correction is a new record; the report shows the corrected figures
    fixed = panitia.post(PAGE, {**FORM, "koreksi": str(event.seq), "laki": "12", "l_pemula": "12"})
    assert fixed.status_code == 302
    assert Event.objects.filter(kind="education-recorded").count() == 2
    report = panitia.get("/kerja-sama/pendidikan/").content.decode()
    assert "1 kegiatan, 27 peserta (L 12, P 15)." in report


def test_each_role_sees_what_it_may(site):
    kpu = site.client("kpu")
    assert kpu.post(f"/kerja-sama/pendidikan/desa/{B}/", {**FORM, "jenis": "daring", "sasaran": ["umum"], "laki": "3",
                                                          "perempuan": "4", "l_pemula": "", "p_pemula": "",
                                                          "p_perempuan": "", "l_umum": "3",
                                                          "p_umum": "4"}).status_code == 302
    panitia = site.client("panitia", kode_desa=A)
    assert panitia.post(PAGE, {**FORM, "foto": _photo()}).status_code == 302
    # the committee: its own village only, in the report too
    assert panitia.get(f"/kerja-sama/pendidikan/desa/{B}/").status_code == 403
    own = panitia.get("/kerja-sama/pendidikan/").content.decode()
    assert "1 kegiatan, 25 peserta (L 10, P 15)." in own and B not in own
    assert panitia.get("/kerja-sama/pendidikan/sasaran/").status_code == 403
    # KPU: every village
    assert "2 kegiatan, 32 peserta (L 13, P 19)." in kpu.get("/kerja-sama/pendidikan/").content.decode()
    assert kpu.get(f"/kerja-sama/pendidikan/?desa={A}")["Location"] == PAGE
    # the viewer: the report and the targets, no village page, no photo, no printing
    viewer = site.client("pemantau")
    report = viewer.get("/kerja-sama/pendidikan/")
    assert report.status_code == 200 and "2 kegiatan, 32 peserta (L 13, P 19)." in report.content.decode()
    assert "kegiatan.jpg" not in report.content.decode()
    assert viewer.get(PAGE).status_code == 403
    sha = __import__("hashlib").sha256(JPEG).hexdigest()
    assert viewer.get(f"{PAGE}foto/{sha}/").status_code == 403
    assert viewer.post("/kerja-sama/pendidikan/laporan.pdf").status_code == 403
    targets = viewer.get("/kerja-sama/pendidikan/sasaran/")
    html = targets.content.decode()
    assert targets.status_code == 200 and "Skor" in html and "LEMBANG 0" in html
    assert "Faktor Dicoret TMS tidak dipakai: belum ada pencoretan TMS tercatat." in html
    assert "73260" not in html.replace("73.26.0", "")  # no NIK-like number
    book = viewer.get("/kerja-sama/pendidikan/sasaran.xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert site.client("dpml").get("/kerja-sama/pendidikan/").status_code == 403


def test_the_report_prints_as_a_numbered_pdf(site, tmp_path):
    panitia = site.client("panitia", kode_desa=A)
    assert panitia.post(PAGE, FORM).status_code == 302
    pdf = panitia.post("/kerja-sama/pendidikan/laporan.pdf", {"desa": B})  # the committee's own village, whatever asked
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "laporan.pdf"
    path.write_bytes(pdf.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "LAPORAN KEGIATAN PENDIDIKAN PEMILIH" in text and "LEMBANG 0 (73.26.01.2001)" in text
    assert "1 kegiatan dengan 25 peserta (laki-laki 10, perempuan 15)" in text
    book = site.client("kpu").get("/kerja-sama/pendidikan/kegiatan.xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
