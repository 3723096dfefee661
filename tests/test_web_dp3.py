"""The DP3 programme in the browser (issue 16, What to build 3 and 4): KPU designates a lokus
and records; the village's committee records its own village's only; the Rakor viewer sees
the reports, counts only, never a cadre's name. Hand-made figures as in test_dp3 (village A:
50 L and 50 P voters)."""
from __future__ import annotations

import subprocess
from io import BytesIO

import openpyxl
import pytest

from pemilih.cycle.common import local_today

pytestmark = pytest.mark.postgres

A, B = "73.26.01.2001", "73.26.01.2002"
YEAR = local_today().year
DAY = f"{YEAR}-01-01"
PAGE = f"/kerja-sama/dp3/desa/{A}/"


@pytest.fixture
def site(website, maker):
    from pemilih.store.receive import import_result
    import_result(website.ws, maker.generated_kpu(1500), actor="uji", agency="KPU", reason="uji")
    return website


def _designate(client, kode=A):
    return client.post("/kerja-sama/dp3/lokus/", {
        "tahun": str(YEAR), "desa": kode, "kriteria": ["partisipasi_rendah", "rawan_konflik"],
        "perjanjian": f"1/PKS/DP3/{YEAR}", "tanggal_perjanjian": DAY, "ttd1_nama": "Ketua Uji",
        "ttd1_jabatan": "Ketua", "ttd1_instansi": "KPU", "ttd2_nama": "Kepala Uji", "ttd2_jabatan": "Kepala Lembang",
        "ttd2_instansi": "Lembang A"}, follow=True)


def _cadre(client, name, sex, component, kode=A):
    return client.post(f"/kerja-sama/dp3/desa/{kode}/kader/", {
        "tahun": str(YEAR), "nama": name, "jk": sex, "komponen": component, "tanggal": DAY,
        "persetujuan_tanggal": DAY, "persetujuan_cara": "formulir", "telepon": "081234567890"}, follow=True)


def _pdf_text(body: bytes, tmp_path) -> str:
    path = tmp_path / "laporan.pdf"
    path.write_bytes(body)
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


def test_kpu_designates_and_records_and_the_viewer_sees_counts_only(site, tmp_path):
    kpu = site.client("kpu")
    done = _designate(kpu)
    assert f"Desa {A} ditetapkan sebagai lokus DP3 tahun {YEAR}." in done.content.decode()
    refused = _designate(kpu, kode="99.99.99.9999")
    assert "Lokus tidak ditetapkan: Kode desa/lembang &#x27;99.99.99.9999&#x27; tidak dikenal" in (
        refused.content.decode())
    assert f"Kader {A}/K001 terdaftar." in _cadre(kpu, "Ani Rante", "P", "perempuan").content.decode()
    _cadre(kpu, "Budi Tandi", "L", "disabilitas")
    wrong = _cadre(kpu, "Joni", "L", "perempuan").content.decode()
    assert "Tidak dicatat: Kader" in wrong and "komponen perempuan dengan jenis kelamin L" in wrong
    made = kpu.post(f"{PAGE}kegiatan/", {"tahun": str(YEAR), "tanggal": DAY, "jenis": "sosialisasi", "topik": "Hoaks",
                                         "cara": "luring", "peserta_perempuan_P": "12", "peserta_umum_L": "5",
                                         "peserta_umum_P": "3"}, follow=True)
    assert "Kegiatan tercatat: 20 peserta." in made.content.decode()
    page = kpu.get(PAGE).content.decode()
    assert "Ani Rante" in page and "081234567890" in page  # KPU sees the village's roster
    assert "<td>Perempuan</td><td class=\"num\">0</td><td class=\"num\">1</td><td class=\"num\">1</td>" in page
    assert "awal program 100 (L 50, P 50)" in page

    viewer = site.client("pemantau")
    index = viewer.get(f"/kerja-sama/dp3/?tahun={YEAR}").content.decode()
    village = viewer.get(PAGE).content.decode()
    for html in (index, village):
        assert "Ani Rante" not in html and "Budi Tandi" not in html and "081234567890" not in html
    assert "<td>Jumlah</td><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">2</td>" in village
    assert 'id="form-kader"' not in village and 'id="form-lokus"' not in index
    assert viewer.post(f"{PAGE}kader/", {"nama": "X"}).status_code == 403
    pdf = viewer.get(f"/kerja-sama/dp3/laporan/pdf/?tahun={YEAR}")
    text = _pdf_text(pdf.content, tmp_path)
    assert "Jumlah 1 1 2" in text and "Ani Rante" not in text and "Nomor: ......" in text
    book = openpyxl.load_workbook(BytesIO(viewer.get(f"{PAGE}laporan/xlsx/?tahun={YEAR}").content))
    assert "Kader" not in book.sheetnames  # the roster is the village's own
    own = openpyxl.load_workbook(BytesIO(kpu.get(f"{PAGE}laporan/xlsx/?tahun={YEAR}").content))
    assert [c.value for c in own["Kader"][5]][:4] == [f"{A}/K001", "Ani Rante", "P", "Perempuan"]
    numbered = _pdf_text(kpu.post(f"/kerja-sama/dp3/laporan/pdf/?tahun={YEAR}").content, tmp_path)
    assert "Nomor: 001/LAP-DP3/KPU/" in numbered


def test_the_committee_records_its_own_village_and_a_withdrawal_hides_the_name(site):
    _designate(site.client("kpu"))
    panitia = site.client("panitia", kode_desa=A)
    assert panitia.get("/kerja-sama/dp3/")["Location"] == PAGE
    assert f"Kader {A}/K001 terdaftar." in _cadre(panitia, "Citra Sampe", "P", "muda").content.decode()
    assert "Citra Sampe" in panitia.get(PAGE).content.decode()
    gone = panitia.post(f"{PAGE}cabut/", {"tahun": str(YEAR), "kader": f"{A}/K001", "tanggal": DAY,
                                          "cara": "surat kader"}, follow=True).content.decode()
    assert f"Persetujuan kader {A}/K001 dicabut" in gone
    assert "Citra Sampe" not in gone and "(persetujuan dicabut)" in gone
    assert "<td>Pemilih muda</td><td class=\"num\">0</td><td class=\"num\">1</td>" in gone  # still counted
    assert panitia.get(f"/kerja-sama/dp3/desa/{B}/").status_code == 403
    assert panitia.post(f"/kerja-sama/dp3/desa/{B}/kader/", {"nama": "X"}).status_code == 403
    assert panitia.post("/kerja-sama/dp3/lokus/", {"desa": A}).status_code == 403
