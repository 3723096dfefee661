"""Voter education in the browser (issue 16): a village committee records an activity at phone
width, with a photo; the Rakor viewer reads the report and the targeting table.

Data: the small generated regency's list; the committee's village 73.26.01.2010 (Lembang
Limbong). The figures typed are the expected ones: 4 men and 6 women, all first-time voters.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"
JPEG = b"\xff\xd8\xff\xe0" + b"foto uji" * 10


@pytest.fixture(scope="module")
def site(live_site, small_regency):
    live_site.receive(small_regency / "kpu" / "dpt_7326.csv")
    live_site.panitia = live_site.create_account("panitia", kode_desa=LIMBONG)
    live_site.viewer = live_site.create_account("pemantau")
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
