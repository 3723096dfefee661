"""First browser tests: signing in as each demo role, the village scope, the public look-up and
the phone layout, on the real server (gunicorn + worker) in headless Chromium.

Expectations are written by hand from the issue (who does what), not read from the access
rules: a menu entry whose page is not built yet is left out of "must see" (it cannot show), but
"must not see" always holds. Data: a small generated regency received through the library;
the look-up's truth is the generated CSV itself.
"""
from __future__ import annotations

import csv
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

OWN = "73.26.01.1001"  # the committee's village (LAANG TANDUK, RANTEPAO: first in the files)

# role -> (menu labels it must see, labels it must never see). Written from the roles:
# the viewer sees recaps only; accounts are the administrator's; applying a package is KPU's.
MENU_ALL = ["Beranda", "Daftar pemilih", "Unggah berkas", "Coklit", "Verifikasi", "Telaah temuan",
            "Pilkalem", "Serah kembali", "Terapkan paket", "Rakor", "Akun"]
EXPECTED = {
    "admin": (MENU_ALL, []),
    "kpu": (["Beranda", "Daftar pemilih", "Unggah berkas", "Terapkan paket", "Rakor"], ["Akun"]),
    "dpml": (["Beranda", "Daftar pemilih", "Coklit", "Telaah temuan", "Pilkalem", "Serah kembali", "Rakor"],
             ["Akun", "Terapkan paket"]),
    "panitia": (["Beranda", "Daftar pemilih", "Coklit"], ["Akun", "Terapkan paket", "Serah kembali", "Unggah berkas"]),
    "disdukcapil": (["Beranda", "Verifikasi"], ["Akun", "Terapkan paket", "Serah kembali", "Coklit", "Pilkalem"]),
    "pemantau": (["Beranda", "Rakor"], ["Daftar pemilih", "Unggah berkas", "Coklit", "Verifikasi", "Telaah temuan",
                                        "Pilkalem", "Serah kembali", "Terapkan paket", "Akun"]),
}
URL_NAMES = {"Beranda": "beranda", "Daftar pemilih": "pemilih", "Unggah berkas": "unggah", "Coklit": "coklit",
             "Verifikasi": "verifikasi", "Telaah temuan": "tinjau", "Pilkalem": "pilkalem",
             "Serah kembali": "serah", "Terapkan paket": "terapkan", "Rakor": "rekap", "Akun": "akun"}


@pytest.fixture(scope="module")
def site(live_site, small_regency):
    """The live site with the small regency received, the agreements, and the demo accounts."""
    live_site.receive(small_regency / "kpu" / "dpt_7326.csv")
    live_site.agreement()
    live_site.agreement("2/PKS/KPU-DISDUKCAPIL/UJI", recipient="DISDUKCAPIL")  # DPML's unlocks nothing for it
    live_site.demo_accounts(OWN)
    return live_site


def _built(label: str) -> bool:
    from django.urls import NoReverseMatch, reverse
    try:
        reverse(URL_NAMES[label])
        return True
    except NoReverseMatch:
        return False


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_demo_role_sees_its_menu(site, signed_in, role):
    page = signed_in(role)  # the demo account is named after its role
    menu = [t.strip() for t in page.locator("nav.menu a").all_inner_texts()]
    must, never = EXPECTED[role]
    missing = [label for label in must if _built(label) and label not in menu]
    assert missing == [], f"{role} tidak melihat {missing} (menu: {menu})"
    assert [label for label in never if label in menu] == [], f"{role} melihat {menu}"
    assert page.locator(".who").inner_text().count("Uji") == 0  # the demo account's own name
    # every entry shown opens (no denial page behind a menu entry)
    for href in page.locator("nav.menu a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        answer = page.goto(site.url + href)
        assert answer.status == 200, f"{role}: {href} -> {answer.status}"


def test_committee_list_stays_in_its_village(site, signed_in):
    page = signed_in("panitia")
    page.goto(site.url + "/pemilih/?desa=73.26.01.1002")  # another village asked for
    villages = set(page.locator("table.grid tbody td:first-child").all_inner_texts())
    assert villages == {"LAANG TANDUK"}
    assert page.locator("select[name=desa]").count() == 0  # no village choice offered


def _village_urls() -> list[str]:
    """Every URL taking only a <kode_desa> that a committee may open, for another village."""
    from django.urls import URLPattern, get_resolver, reverse

    from pemilih.web.access import RULES
    found = []
    for p in get_resolver().url_patterns:
        if isinstance(p, URLPattern) and set(p.pattern.converters) == {"kode_desa"}:
            if RULES[p.name].allows("panitia"):
                found.append(reverse(p.name, kwargs={"kode_desa": "73.26.01.1002"}))
    return found


def test_committee_opening_another_village_gets_the_denial_page(site, signed_in, browser_errors):
    urls = _village_urls()
    if not urls:
        pytest.skip("belum ada halaman dengan <kode_desa> yang boleh dibuka panitia")
    browser_errors.allow(r"status of 403")  # Chromium logs the denial's status: expected here
    page = signed_in("panitia")
    for url in urls:
        answer = page.goto(site.url + url)
        assert answer.status == 403, url
        assert page.locator("h1").inner_text() == "Akses ditolak"
        assert "di luar wilayah" in page.locator("p.error").inner_text(), url


def _listed_voter(regency) -> dict:
    """A row of the generated list with a clean, unique NIK (the look-up's ground truth)."""
    with open(regency / "kpu" / "dpt_7326.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["NIK"]] = counts.get(r["NIK"], 0) + 1
    for r in rows[40:]:
        if re.fullmatch(r"73\d{14}", r["NIK"]) and counts[r["NIK"]] == 1 and r["NAMA"].isupper() and r["TPS"]:
            return r
    raise AssertionError("no clean row in the generated list")


def test_public_lookup_finds_a_listed_nik(site, small_regency, new_page):
    voter = _listed_voter(small_regency)
    page = new_page()
    page.goto(site.url + "/cek")
    page.fill("input[name=nik]", voter["NIK"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    result = page.locator(".result").inner_text()
    assert "Terdaftar" in result
    words = voter["NAMA"].split()
    masked = " ".join(w[0] + "*" * max(len(w) - 1, 2) for w in words)  # first letters only
    assert masked in result
    assert voter["KELURAHAN/DESA"] in result and voter["KECAMATAN"] in result
    assert str(int(voter["TPS"])) in re.sub(r"\b0+(\d)", r"\1", result)
    body = page.content()
    assert voter["NIK"] not in body and voter["NAMA"] not in body and voter["TANGGAL LAHIR"] not in body
    # an unlisted NIK: the same page says not found
    page.fill("input[name=nik]", "7326019999990001")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "Tidak ditemukan" in page.locator(".result").inner_text()


def _no_horizontal_scroll(page) -> None:
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url}: halaman {wide[0]} px pada layar {wide[1]} px"


@pytest.mark.parametrize("path", ["/beranda/", "/pemilih/"])
def test_phone_width_has_menu_button_and_no_sideways_scroll(site, signed_in, phone, path):
    page = signed_in("dpml", viewport=phone)
    page.goto(site.url + path)
    button = page.locator("label.menu-button")
    assert button.is_visible()
    assert not page.locator("nav.menu").is_visible()  # folded away until asked for
    button.click()
    assert page.locator("nav.menu a", has_text="Beranda").is_visible()
    _no_horizontal_scroll(page)


def test_phone_width_public_pages(site, new_page, phone):
    page = new_page(phone)
    for path in ("/", "/cek"):
        page.goto(site.url + path)
        assert page.locator("label.menu-button").count() == 0  # no menu before signing in
        _no_horizontal_scroll(page)
