"""The web application's frame: sign-in, the home page, the public look-up, jobs."""
from __future__ import annotations

import re

import pytest

from webcoklit import agree

pytestmark = pytest.mark.postgres


def _receive(ws, maker, n=30):
    from pemilih.store.receive import import_result
    return import_result(ws, maker.generated_kpu(n), actor="uji", agency="KPU", reason="uji")


def test_login_page_is_the_root_and_signs_in(website):
    from pemilih.web import accounts
    accounts.create("operator", "sandi-yang-panjang-1", "dpml")
    client = website.client(None)
    page = client.get("/")
    assert page.status_code == 200 and "Masuk" in page.content.decode()
    wrong = client.post("/", {"username": "operator", "password": "salah"})
    assert wrong.status_code == 200 and "beranda" not in wrong.get("Location", "")
    right = client.post("/", {"username": "operator", "password": "sandi-yang-panjang-1"})
    assert right.status_code == 302 and right["Location"] == "/beranda/"
    assert "Operator DPML" in client.get("/beranda/").content.decode()


def test_anonymous_is_sent_to_login(website):
    page = website.client(None).get("/beranda/")
    assert page.status_code == 302 and page["Location"].startswith("/?next=")


def test_public_lookup_masks_and_finds(website, maker):
    _receive(website.ws, maker)
    from pemilih.store.models import Voter
    voter = Voter.objects.order_by("position").first()
    client = website.client(None)
    page = client.post("/cek", {"nik": voter.nik}).content.decode()
    assert "Terdaftar" in page and voter.desa in page
    assert voter.nik not in page and voter.nama not in page
    assert voter.nama.split()[0][0] + "*" in page
    missing = client.post("/cek", {"nik": "7326019999990001"}).content.decode()
    assert "Tidak ditemukan" in missing


def test_public_lookup_is_rate_limited_and_counted(website, maker, monkeypatch):
    from pemilih.web import lookup
    from pemilih.web.models import LookupCount
    _receive(website.ws, maker)
    monkeypatch.setattr(lookup, "clock", lambda: 1_800_000_000.0)  # no window boundary mid-test
    lookup.flush()  # what earlier tests left pending
    LookupCount.objects.all().delete()
    client = website.client(None)
    statuses = [client.post("/cek", {"nik": f"73260199999900{i:02d}"}, REMOTE_ADDR="10.9.8.7").status_code
                for i in range(lookup.LIMIT + 3)]
    assert statuses[:lookup.LIMIT] == [200] * lookup.LIMIT
    assert statuses[lookup.LIMIT:] == [429] * 3
    # another client is not affected
    assert client.post("/cek", {"nik": "7326019999990001"}, REMOTE_ADDR="10.9.8.8").status_code == 200
    lookup.flush()
    counted = {r.outcome: r.count for r in LookupCount.objects.all()}
    assert counted == {"tidak-ditemukan": lookup.LIMIT + 1, "dibatasi": 3}
    dumped = repr(list(LookupCount.objects.values()))
    assert "73260199999900" not in dumped


def test_committee_sees_only_its_village(website, maker):
    _receive(website.ws, maker, n=60)
    own, other = "73.26.01.2001", "73.26.01.2002"
    agree(website.ws, "1/PKS")
    client = website.client("panitia", kode_desa=own)
    page = client.get("/pemilih/", {"desa": other}).content.decode()
    shown = set(re.findall(r"LEMBANG \d+", page))
    assert shown == {"LEMBANG 0"}


def test_personal_data_needs_an_agreement(website, maker):
    _receive(website.ws, maker)
    denied = website.client("dpml").get("/pemilih/")
    assert denied.status_code == 403 and "perjanjian" in denied.content.decode()
    assert website.client("kpu").get("/pemilih/").status_code == 200
