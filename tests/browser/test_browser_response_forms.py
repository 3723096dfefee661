"""A village committee records one resident's response at the office counter (issue 14), in
Chromium at phone (375 px) and desktop (1280 px) width: its home page, the NIK search, and the
removal, correction and addition forms, each submitted to its result page, none wider than
the screen (document.scrollingElement.scrollWidth <= innerWidth), fields and buttons big
enough to touch.

Data: the small generated regency; the committee is Limbong's (73.26.01.2010), whose DPS the
library sets (cycle/election.py) as DPML's job would. The voters acted on are read from the
store before the page is used; what the pages must show is written here by hand.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"
WIDTHS = {"ponsel": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 900}}
# A woman born on 1 or 2 February 2005 in kecamatan 73.26.01, not on the generated list.
NEW_NIKS = {"ponsel": "7326014102059991", "desktop": "7326014202059992"}
TOUCH = 44  # px: the smallest field or button a thumb should have to hit


@pytest.fixture(scope="module")
def site(with_election):
    site = with_election()
    site.voters = _limbong_voters(site)
    return site


def _limbong_voters(site) -> list[dict]:
    """Voters of Limbong whose NIK is a valid one (the search judges what is typed)."""
    from pemilih.domain.values import judge
    from pemilih.store.models import Voter
    site.ws.activate()
    rows = Voter.objects.filter(kode_desa=LIMBONG).order_by("position").values("key", "nik", "nama")
    found = [r for r in rows if r["nik"] and judge("nik", r["nik"]).ok]
    assert len(found) >= 4, found
    return found


def _fits(page) -> None:
    wide = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url}: lebar {wide[0]} px > layar {wide[1]} px"


def _touchable(page, selector: str) -> None:
    boxes = page.locator(selector)
    assert boxes.count() > 0, selector
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert box is not None and box["height"] >= TOUCH, f"{selector} #{i}: tinggi {box} < {TOUCH} px"


def _find(page, site, nik: str) -> None:
    page.goto(site.url + "/pilkalem/PK27/tanggapan/formulir/")
    _fits(page)
    page.fill("#f-nik", nik)
    with page.expect_navigation():
        page.click("#cari-nik button[type=submit]")
    assert "/tanggapan/formulir/" in page.url and nik not in page.url
    assert page.locator("#hasil-cari .voter").count() == 1
    assert nik[:6] + "*" * 10 in page.locator("#hasil-cari").inner_text()
    _fits(page)


def _submit(page) -> None:
    with page.expect_navigation():
        page.click("#formulir-tanggapan button[type=submit]")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_committees_home_leads_to_the_forms(site, signed_in, width):
    page = signed_in(site.panitia, viewport=WIDTHS[width])
    page.goto(site.url + "/beranda/")
    assert page.locator("#desa-saya h2").inner_text() == "Lembang Limbong"
    _fits(page)
    with page.expect_navigation():
        page.click("#ke-tanggapan")
    assert page.url.endswith("/pilkalem/PK27/tanggapan/formulir/")
    assert page.locator("#desa-formulir").inner_text() == "Lembang Limbong"
    _fits(page)
    _touchable(page, "#f-nik, #cari-nik button")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_removal_at_the_counter(site, signed_in, browser_errors, width):
    browser_errors.allow(r"status of 400")  # a refused form answers 400, its errors on the page
    voter = site.voters[0 if width == "ponsel" else 1]
    page = signed_in(site.panitia, viewport=WIDTHS[width])
    _find(page, site, voter["nik"])
    with page.expect_navigation():
        page.click("#hasil-cari button:has-text('Hapus dari daftar')")
    assert page.locator("#pemilih-dipilih h2").inner_text() == voter["nama"]
    _fits(page)
    _touchable(page, "#formulir-tanggapan select, #formulir-tanggapan input:not([type=hidden]), "
                     "#formulir-tanggapan button")
    _submit(page)  # nothing chosen: each field says what is missing, in its place
    assert page.locator("#galat-kode").inner_text().startswith("isi kode TMS tabel kode pemilihan ini (TMS-1, TMS-2,")
    assert page.locator("#galat-bukti").inner_text() == "setiap tanggapan wajib menyebut buktinya"
    _fits(page)
    page.select_option("#f-kode", "TMS-1")
    page.fill("#f-bukti", "Akta kematian 12/2026")
    _submit(page)
    assert page.url.endswith("/tanggapan/formulir/tercatat/")
    shown = page.locator("#tercatat").inner_text()
    assert "TMS-1 — meninggal" in shown and voter["nama"] in shown and voter["nik"] not in shown
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_correction_at_the_counter(site, signed_in, width):
    voter = site.voters[2 if width == "ponsel" else 3]
    page = signed_in(site.panitia, viewport=WIDTHS[width])
    _find(page, site, voter["nik"])
    with page.expect_navigation():
        page.click("#hasil-cari button:has-text('Perbaiki data')")
    _fits(page)
    page.select_option("#f-kolom", "NAMA")
    page.fill("#f-nilai_baru", "yohanis   tandi")
    page.fill("#f-bukti", "KTP-el")
    _submit(page)
    assert page.url.endswith("/tanggapan/formulir/tercatat/")
    shown = page.locator("#tercatat").inner_text()
    assert voter["nama"] in shown and "YOHANIS TANDI" in shown and "Nama lengkap" in shown
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_an_addition_at_the_counter(site, signed_in, browser_errors, width):
    browser_errors.allow(r"status of 400")  # a refused form answers 400, its errors on the page
    nik = NEW_NIKS[width]
    page = signed_in(site.panitia, viewport=WIDTHS[width])
    page.goto(site.url + "/pilkalem/PK27/tanggapan/formulir/tambah/")
    _fits(page)
    _touchable(page, "#formulir-tanggapan select, #formulir-tanggapan input:not([type=hidden]), "
                     "#formulir-tanggapan button")
    for field, value in {"nik": nik, "nkk": "7326010101209999", "nama": "lina sampe", "tempat_lahir": "rantepao",
                         "tanggal_lahir": "2005-02-01", "alamat": "dusun 2", "rt": "3A", "rw": "1",
                         "bukti": "KTP-el dan KK"}.items():
        page.fill(f"#f-{field}", value)
    page.select_option("#f-jenis_kelamin", "P")
    _submit(page)
    assert page.locator("#galat-rt").inner_text() == "RT '3A' bukan nomor RT yang benar (angka 1-3 digit)"
    assert page.locator("#f-nama").input_value() == "lina sampe"  # what was typed stays
    _fits(page)
    page.fill("#f-rt", "3")
    _submit(page)
    assert page.url.endswith("/tanggapan/formulir/tercatat/")
    shown = page.locator("#tercatat").inner_text()
    assert "LINA SAMPE" in shown and "**-**-2005" in shown and nik[:6] + "*" * 10 in shown and nik not in shown
    _fits(page)
    with page.expect_navigation():
        page.click("#ke-pemilihan")
    assert page.url.endswith("/pilkalem/PK27/")
