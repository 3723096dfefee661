"""A committee records its TPS's ballots at phone width (issue 14, What to build 3): the form
says whether the figures balance as they are typed, the server records a balanced one.

Data: the small generated regency; the committee's village 73.26.01.2010 (Lembang Limbong),
its DPS and DPT set by the library (cycle/election.py) as DPML's jobs would set them.
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"


@pytest.fixture(scope="module")
def site(with_election):
    from pemilih.cycle import ballots
    site = with_election(villages=(LIMBONG,), stages=("DPS", "DPT"))
    site.first_tps = ballots.tps_of(site.ws, "PK27", LIMBONG)[0]
    return site


def test_the_balance_is_said_as_the_figures_are_typed_and_a_balanced_record_is_kept(site, signed_in, phone):
    tps = site.first_tps
    page = signed_in(site.panitia, viewport=phone)
    page.goto(f"{site.url}/pilkalem/PK27/{LIMBONG}/surat-suara/")
    assert page.input_value("input[name=diterima]") == str(tps.ballots)  # the logistics' figure
    came = tps.registered * 4 // 5
    page.fill("input[name=dipakai]", str(came))
    page.fill("input[name=rusak]", "1")
    page.fill("input[name=sisa]", str(tps.ballots - came - 2))
    page.fill("input[name=hadir]", str(came))
    said = page.locator("#keseimbangan")
    assert said.inner_text() == (f"{tps.ballots} = {came} + 1 + {tps.ballots - came - 2} = {tps.ballots - 1}: "
                                 "TIDAK SEIMBANG (selisih 1)")
    page.fill("input[name=sisa]", str(tps.ballots - came - 1))
    assert said.inner_text().endswith(": seimbang")
    with page.expect_navigation():
        page.click("form[data-balance] button[type=submit]")
    assert "seimbang" in page.locator("#tabel-surat-suara tbody tr").first.inner_text()
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1]
