"""The DP3 programme in the browser (issue 16, What to build 3 and 4): KPU designates a lokus
on the form, the village's committee registers a cadre and records an activity at phone width,
the Rakor viewer sees the counts and never the cadre's name.

Data: the small generated regency; the lokus is 73.26.01.2010 (Lembang Limbong).
"""
from __future__ import annotations

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

LIMBONG = "73.26.01.2010"


@pytest.fixture(scope="module")
def site(live_site, small_regency):
    live_site.receive(small_regency / "kpu" / "dpt_7326.csv")
    live_site.kpu = live_site.create_account("kpu")
    live_site.panitia = live_site.create_account("panitia", kode_desa=LIMBONG)
    live_site.viewer = live_site.create_account("pemantau")
    return live_site


def test_kpu_designates_the_committee_records_and_the_viewer_sees_counts(site, signed_in, phone):
    today = timezone.localdate()
    kpu = signed_in(site.kpu)
    kpu.goto(f"{site.url}/kerja-sama/dp3/")
    assert kpu.locator("#belum-ada").is_visible()
    form = kpu.locator("#form-lokus")
    form.locator("input[name=desa]").fill(LIMBONG)
    form.locator("input[value=partisipasi_rendah]").check()
    form.locator("input[name=perjanjian]").fill(f"7/PKS/DP3/{today.year}")
    form.locator("input[name=tanggal_perjanjian]").fill(today.isoformat())
    for i, (name, position) in enumerate((("Ketua Uji", "Ketua"), ("Kepala Uji", "Kepala Lembang")), 1):
        form.locator(f"input[name=ttd{i}_nama]").fill(name)
        form.locator(f"input[name=ttd{i}_jabatan]").fill(position)
    with kpu.expect_navigation():
        form.locator("button[type=submit]").click()
    assert f"ditetapkan sebagai lokus DP3 tahun {today.year}" in kpu.content()
    assert LIMBONG in kpu.locator("#tabel-dp3").inner_text()

    panitia = signed_in(site.panitia, viewport=phone)
    panitia.goto(f"{site.url}/kerja-sama/dp3/")
    assert panitia.url.endswith(f"/kerja-sama/dp3/desa/{LIMBONG}/")
    cadre = panitia.locator("#form-kader")
    cadre.locator("input[name=nama]").fill("Marta Toding")
    cadre.locator("select[name=jk]").select_option("P")
    cadre.locator("select[name=komponen]").select_option("tokoh_agama")
    with panitia.expect_navigation():
        cadre.locator("button[type=submit]").click()
    assert f"Kader {LIMBONG}/K001 terdaftar." in panitia.content()
    assert "Marta Toding" in panitia.locator("#daftar-kader").inner_text()
    act = panitia.locator("#form-kegiatan")
    act.locator("input[name=topik]").fill("Hoaks pemilu")
    act.locator("input[name=peserta_muda_L]").fill("4")
    act.locator("input[name=peserta_muda_P]").fill("5")
    with panitia.expect_navigation():
        act.locator("button[type=submit]").click()
    assert "Kegiatan tercatat: 9 peserta." in panitia.content()
    rows = panitia.locator("#kader-komponen tbody tr")
    assert rows.nth(6).inner_text().split() == ["Tokoh", "agama", "0", "1", "1"]

    viewer = signed_in(site.viewer)
    viewer.goto(f"{site.url}/kerja-sama/dp3/desa/{LIMBONG}/")
    assert "Marta Toding" not in viewer.content()
    assert viewer.locator("#peserta-komponen tbody tr").last.inner_text().split() == ["Jumlah", "4", "5", "9"]
    assert viewer.locator("#daftar-kader").count() == 0
