"""KPU runs an equipment loan in the browser (issue 16, What to build 1 and 4): records its
register on the form, signs the agreement from DPML's request and hands the items over; the
outstanding report then lists each lembang's items as still out.

Data: the small generated regency; the Pilkalem PK27 over Lembang Limbong alone, its DPS and
DPT set by the library; DPML's request recorded by the library (Limbong holds nothing of its own).
"""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"


@pytest.fixture(scope="module")
def site(with_election):
    from pemilih.cycle import ballots
    from pemilih.cycle import equipment_loans as loans
    from pemilih.cycle.common import Who
    site = with_election(villages=(LIMBONG,), stages=("DPS", "DPT"))
    places = ballots.tps_of(site.ws, "PK27", LIMBONG)
    site.boxes, site.booths = (sum(p.amounts[i] for p in places) for i in ("kotak_suara", "bilik_suara"))
    loans.request(site.ws, loans.LoanRequest("PK27", {}, Who("Uji", "DPML", "uji peramban")))
    site.kpu = site.create_account("kpu")
    return site


def test_kpu_records_its_register_signs_and_hands_over(site, signed_in):
    page = signed_in(site.kpu)
    page.goto(f"{site.url}/kerja-sama/pinjam-pakai/")
    for item, quantity in (("kotak_suara", site.boxes + 1), ("bilik_suara", site.booths)):
        page.select_option("#form-inventaris select[name=barang]", item)
        page.fill("#form-inventaris input[name=gudang]", "Gudang KPU Rantepao")
        page.select_option("#form-inventaris select[name=kondisi]", "baik")
        page.fill("#form-inventaris input[name=jumlah]", str(quantity))
        with page.expect_navigation():
            page.click("#form-inventaris button[type=submit]")
    assert page.locator("#tersedia").inner_text().endswith(
        f"kotak suara {site.boxes + 1}, bilik suara {site.booths}")
    page.goto(f"{site.url}/kerja-sama/pinjam-pakai/PK27/")
    page.fill("#form-perjanjian input[name=kembali]", "2099-12-31")
    with page.expect_navigation():
        page.click("#form-perjanjian button[type=submit]")
    assert "/PP/KPU/" in page.locator("#perjanjian").inner_text()
    page.fill("#form-serah-terima input[name=tempat]", "Gudang KPU Rantepao")
    with page.expect_navigation():
        page.click("#form-serah-terima button[type=submit]")
    rows = [r.split("\t") for r in page.locator("#tunggakan-desa tbody tr").all_inner_texts()]
    assert [r[1:] for r in rows] == [["kotak suara", str(site.boxes), "0", "0", "0", str(site.boxes)],
                                     ["bilik suara", str(site.booths), "0", "0", "0", str(site.booths)]]
    page.goto(f"{site.url}/kerja-sama/pinjam-pakai/")
    assert page.locator("#tersedia").inner_text().endswith("kotak suara 1, bilik suara 0")
