"""Event kinds in Bahasa Indonesia everywhere (issue 14): "list-shared" and "data-transferred"
showed on the pages and in the command line's output. Every page and listing that names events
is walked here, with events of those kinds in the log (a coklit workbook shared, a package
handed over, a review decision, an edited event the audit names), and none may show the name
of any kind (store/events.KINDS), only its label.
"""
from __future__ import annotations

import re

import pytest
from django.utils import timezone

from pemilih.cli import main

from webcoklit import AGREEMENT, A, agree, receive

pytestmark = pytest.mark.postgres


def _visible(html: str) -> str:
    """The text a person reads on a page (tags and attributes left out)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _raw_kinds(text: str) -> list[str]:
    from pemilih.store.events import KINDS
    return [kind for kind in KINDS if kind in text]


@pytest.fixture
def logged(website, maker, store_location, tmp_path):
    """Six voters, the agreement, a coklit workbook shared (list-shared), a package handed over
    (data-transferred), one correction accepted in review, then the shared event edited in the
    database, so that the audit names it."""
    from pemilih.store import agreements, changes, events
    from pemilih.store.models import Agreement, Event, Voter

    from filemaker import share_list
    receive(website.ws, maker)
    agree(website.ws)
    share_list(website.ws, tmp_path / "bagi", agreement=AGREEMENT, on=timezone.localdate(), villages=[A],
               processes=1, actor="uji", agency="DPML", reason="uji")
    agreements.record_transfer(Agreement.objects.get(number=AGREEMENT), events.DataTransferred(
        what="paket serah-kembali", file="7326_2027-Q1.zip", sha256="0" * 64, counts={"B": 0}),
        actor="uji", agency="DPML", reason="serah kembali")
    voter = Voter.objects.filter(key="dpt.csv::4").values().get()
    changes.record(events.REVIEW_ACCEPTED, [changes.set_value(voter, "nama", "YOHANES PATIKU")],
                   actor="Rina", agency="DPML", reason="Sesuai KK")
    shared = Event.objects.filter(kind=events.LIST_SHARED).values_list("seq", flat=True).first()
    from django.db import connection
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER store_event_no_update")
        else:
            cursor.execute("DROP TRIGGER store_event_append_only ON store_event")
        cursor.execute(f"UPDATE store_event SET actor = 'Orang lain' WHERE seq = {shared}")
    website.location = store_location
    return website


def test_no_page_shows_an_event_kinds_name(logged):
    admin, dpml = logged.client("admin"), logged.client("dpml")
    pages = {
        "perjanjian": dpml.get("/perjanjian/"),
        "serah": dpml.get("/serah/"),
        "tinjau": dpml.get("/tinjau/", {"status": "semua"}),
        "beranda": dpml.get("/beranda/"),
        "audit": admin.get("/audit/"),
        "audit diperiksa": admin.post("/audit/", {"periksa": "1"}),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    texts = {name: _visible(r.content.decode()) for name, r in pages.items()}
    # the events are there, under their labels
    assert "lembar kerja coklit diserahkan" in texts["perjanjian"] and "data pribadi dikirim" in texts["perjanjian"]
    assert "(lembar kerja coklit diserahkan) diubah setelah dicatat" in texts["audit diperiksa"]
    for name, text in texts.items():
        assert _raw_kinds(text) == [], name


def test_no_listing_of_the_command_line_shows_an_event_kinds_name(logged, monkeypatch, capsys):
    folder, url = logged.location
    monkeypatch.setenv("DATABASE_URL", url)
    outputs = {}
    for argv in (["agreement", "daftar"], ["audit"], ["audit", "verify"]):
        main([*argv, "--workspace", str(folder)])
        captured = capsys.readouterr()
        outputs[" ".join(argv)] = captured.out + captured.err
    assert "lembar kerja coklit diserahkan" in outputs["agreement daftar"]
    assert "data pribadi dikirim" in outputs["agreement daftar"]
    assert "(lembar kerja coklit diserahkan) diubah setelah dicatat" in outputs["audit verify"]
    for name, text in outputs.items():
        assert _raw_kinds(text) == [], name
