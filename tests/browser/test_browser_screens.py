"""A village committee's screens at phone width (issue 14): its home names its village and the
election's stage; the Pilkalem page's village table keeps the download links on screen.

Data: the small generated regency; the committee's village is 73.26.01.2010, which the region
reference names Limbong (a desa of Toraja Utara: a lembang), with the DPS set by the library
(cycle/election.py) as DPML's job would set it.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"


@pytest.fixture(scope="module")
def site(with_election):
    return with_election()


def _within_width(page, selector: str) -> None:
    width = page.evaluate("() => window.innerWidth")
    boxes = page.locator(selector)
    assert boxes.count() > 0, selector
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, \
            f"{selector} #{i}: {box} di luar lebar layar {width} px"


def test_a_committees_home_at_phone_width_names_its_village_and_stage(site, signed_in, phone):
    page = signed_in(site.panitia, viewport=phone)
    page.goto(site.url + "/beranda/")
    assert page.locator("#desa-saya h2").inner_text() == "Lembang Limbong"
    assert page.locator("#tahapan-sekarang").inner_text() == "Pengumuman DPS dan tanggapan masyarakat"
    _within_width(page, "#langkah-berikutnya")
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1]


def test_the_pilkalem_page_keeps_its_download_links_on_a_phone(site, signed_in, phone):
    page = signed_in(site.panitia, viewport=phone)
    page.goto(site.url + "/pilkalem/PK27/")
    _within_width(page, "#tabel-desa td.unduh button, #tabel-desa td.unduh a")
    assert page.locator("#tabel-desa td.unduh button").first.is_visible()
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1]
