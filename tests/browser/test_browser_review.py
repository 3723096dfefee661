"""The review queue in Chromium (issue 14): fifty proposals were fifty expanded cards, about
17,000 px tall on a desktop. Now one line each, opened on demand.

Data by hand: sixty voters of Pantanakan Lolo (tests/filemaker.py), each with a name
correction proposed (U NAMA) and the evidence of a probabilistic link, loaded as the review
step loads findings; a page shows fifty.
"""
from __future__ import annotations

import json

import polars as pl
import pytest

from filemaker import KPU_HEADER, voter, write_csv
from handmade import F

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

VOTERS = 60
PAGE = 50
WIDTH = {"width": 1280, "height": 900}
TALLEST = 3000  # px: fifty lines and the page around them
EVIDENCE = json.dumps({"method": "probabilistik", "score": 0.97, "match_weight": 11.2, "fields": [
    {"field": f, "level": "sama", "weight": 4.1} for f in ("NAMA", "TANGGAL LAHIR", "NKK", "ALAMAT", "RT", "RW")]})


@pytest.fixture(scope="module")
def site(live_site, tmp_path_factory):
    from pemilih.store.review import load_findings
    rows = [voter(no=i) for i in range(1, VOTERS + 1)]
    path = write_csv(tmp_path_factory.mktemp("antrean") / "dpt.csv", KPU_HEADER, rows)
    live_site.receive(path)
    live_site.agreement()
    findings = pl.DataFrame([
        [f"dpt.csv::{i + 2}", r["NIK"], "U", "NAMA", r["NAMA"], r["NAMA"] + "A", r["NIK"], None, "0.97",
         "Ejaan nama berbeda dengan data Disdukcapil; ditemukan lewat pencocokan NAMA, TANGGAL LAHIR, NKK, "
         "ALAMAT, RT, RW (skor 0,97)", f"k-{i:03d}", EVIDENCE]
        for i, r in enumerate(rows)], schema=F, orient="row")
    live_site.ws.activate()
    load_findings(live_site.ws, findings, actor="Uji", agency="DISDUKCAPIL", reason="verifikasi")
    live_site.dpml = live_site.create_account("dpml")
    return live_site


def test_fifty_proposals_fit_in_two_screens_and_one_opens_on_its_form(site, signed_in):
    page = signed_in(site.dpml, viewport=WIDTH)
    page.goto(site.url + "/tinjau/")
    lines = page.locator("#usulan details")
    assert lines.count() == PAGE
    assert page.locator("#usulan details[open]").count() == 0
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < TALLEST, f"halaman antrean {height} px tinggi"
    # each line is one line high: its summary no taller than two lines of text
    boxes = [lines.nth(i).locator("summary").bounding_box()["height"] for i in (0, 17, PAGE - 1)]
    assert max(boxes) < 45, boxes

    third = lines.nth(2)
    form = third.locator("form.decide-one")
    assert not form.is_visible()
    third.locator("summary .code").click()
    assert third.get_attribute("open") is not None
    assert form.is_visible() and third.locator(".evidence").is_visible()
    assert page.locator("#usulan details[open]").count() == 1

    # ticking a line's box selects it for the bulk form and does not open the line
    fourth = lines.nth(3)
    fourth.locator("input[type=checkbox][name=kunci]").check()
    assert fourth.get_attribute("open") is None

    # the opened line's own form decides that proposal alone
    key = third.locator("input[type=hidden][name=kunci]").get_attribute("value")
    form.locator("textarea[name=alasan]").fill("Sesuai KTP-el")
    with page.expect_navigation():
        form.locator("button[value=terima]").click()
    assert "1 usulan diterima" in page.locator("ul.messages").inner_text()
    # as the server stored it: the accepted filter holds that proposal and no other
    page.goto(site.url + "/tinjau/?status=diterima")
    accepted = page.locator("#usulan article.finding")
    assert [accepted.nth(i).get_attribute("data-kunci") for i in range(accepted.count())] == [key]


def test_at_phone_width_a_line_stays_on_screen(site, signed_in, phone):
    page = signed_in(site.dpml, viewport=phone)
    page.goto(site.url + "/tinjau/")
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1]
    first = page.locator("#usulan details").first
    first.locator("summary .code").click()
    assert first.locator("form.decide-one button[value=tolak]").is_visible()
