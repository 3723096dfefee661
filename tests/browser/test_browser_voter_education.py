"""Voter education in the browser (issue 16): a village committee records an activity at phone
width, with a photo; the Rakor viewer reads the report and the targeting table; KPU records
an activity for another village and finds it in the regency's report and beside the village's
need on the targeting page.

Data: the small generated regency's list; the committee's village 73.26.01.2010 (Lembang
Limbong). The figures typed are the expected ones: 4 men and 6 women, all first-time voters.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG, OTHER = "73.26.01.2010", "73.26.01.2011"
JPEG = b"\xff\xd8\xff\xe0" + b"foto uji" * 10


@pytest.fixture(scope="module")
def site(live_site, small_regency):
    live_site.receive(small_regency / "kpu" / "dpt_7326.csv")
    live_site.panitia = live_site.create_account("panitia", kode_desa=LIMBONG)
    live_site.viewer = live_site.create_account("pemantau")
    live_site.kpu = live_site.create_account("kpu")
    return live_site


def test_the_committee_records_and_the_viewer_reads(site, signed_in, phone, tmp_path):
    photo = tmp_path / "kegiatan.jpg"
    photo.write_bytes(JPEG)
    page = signed_in(site.panitia, viewport=phone)
    page.goto(f"{site.url}/kerja-sama/pendidikan/desa/{LIMBONG}/")
    page.select_option("select[name=jenis]", "simulasi")
    page.fill("input[name=tema]", "Tata cara mencoblos")
    page.check("input[name=sasaran][value=pemula]")
    page.fill("input[name=laki]", "4")
    page.fill("input[name=perempuan]", "6")
    page.fill("input[name=l_pemula]", "4")
    page.fill("input[name=p_pemula]", "6")
    page.set_input_files("input[name=foto]", str(photo))
    with page.expect_navigation():
        page.click("#catat-kegiatan button[type=submit]")
    row = page.locator("#tabel-kegiatan tbody tr").first.inner_text()
    assert "Tata cara mencoblos" in row and "kegiatan.jpg" in row
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], page.evaluate("""() => [...document.querySelectorAll('body *')].filter(
        e => e.getBoundingClientRect().right > window.innerWidth).slice(0, 8).map(
        e => e.tagName + '#' + e.id + '.' + e.className + ':' + Math.round(e.getBoundingClientRect().right))""")
    viewer = signed_in(site.viewer)
    viewer.goto(f"{site.url}/kerja-sama/pendidikan/")
    assert viewer.locator("#ringkasan").inner_text().startswith("1 kegiatan, 10 peserta (L 4, P 6).")
    assert "kegiatan.jpg" not in viewer.content()
    viewer.click("text=Sasaran: desa menurut kebutuhan")
    assert viewer.locator("#tabel-sasaran tbody tr").count() > 1


def test_kpu_records_for_a_village_and_sees_it_in_the_report_and_the_targets(site, signed_in):
    page = signed_in(site.kpu)
    page.goto(f"{site.url}/kerja-sama/pendidikan/")
    page.select_option("#pilih-desa select[name=desa]", OTHER)
    with page.expect_navigation():
        page.click("#pilih-desa button[type=submit]")
    assert page.url.endswith(f"/kerja-sama/pendidikan/desa/{OTHER}/")
    page.select_option("select[name=jenis]", "sosialisasi")
    page.fill("input[name=tema]", "Hak pilih penyandang disabilitas")
    page.check("input[name=sasaran][value=disabilitas]")
    page.fill("input[name=laki]", "5")
    page.fill("input[name=perempuan]", "7")
    page.fill("input[name=l_disabilitas]", "2")
    page.fill("input[name=p_disabilitas]", "1")
    page.fill("input[name=l_umum]", "3")
    page.fill("input[name=p_umum]", "6")
    with page.expect_navigation():
        page.click("#catat-kegiatan button[type=submit]")
    assert "tercatat: peserta 12 (L 5, P 7)." in page.content()
    with page.expect_navigation():
        page.click("text=Kembali ke laporan")
    row = [r.split("\t") for r in page.locator("#tabel-desa tbody tr").all_inner_texts() if r.startswith(OTHER)]
    assert [r[3:] for r in row] == [["1", "5", "7", "12"]]
    with page.expect_navigation():
        page.click("text=Sasaran: desa menurut kebutuhan")
    held = {r.split("\t")[1].split()[-1]: r.split("\t")[-1]
            for r in page.locator("#tabel-sasaran tbody tr").all_inner_texts()}
    assert held[OTHER] == "1"
    assert set(held.values()) <= {"0", "1"}
