"""The voter list's pages on a list of several regencies (issue 17): counts from the village
counts, deep pages by seeking from a village, a name search counted up to a cap. Every page,
at two voters a page, must hold the very voters a full sort of the list puts there."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.postgres

A, B, C = "73.01.01.1001", "73.01.01.1002", "73.22.01.2001"  # two regencies
# (name, kode_desa) in file order: the list's position follows it.
VOTERS = [("WARGA 1", C), ("WARGA 2", A), ("WARGA 3", None), ("WARGA 4", B), ("WARGA 5", A),
          ("WARGA 6", ""), ("WARGA 7", C), ("WARGA 8", B), ("WARGA 9", A), ("WARGA 10", None),
          ("WARGA 11", C)]
# By village code, then list order; the empty code sorts first; the null codes (WARGA 3, 10)
# sort last on PostgreSQL and first on SQLite.
SORTED = ["WARGA 6", "WARGA 2", "WARGA 5", "WARGA 9", "WARGA 4", "WARGA 8", "WARGA 1", "WARGA 7", "WARGA 11"]
NULLS = ["WARGA 3", "WARGA 10"]


@pytest.fixture
def listed(website, maker):
    from pemilih.store.receive import import_result
    rows = [{"source_ref": f"dpt_73.csv::{i + 2}", "file": "dpt_73.csv", "sheet": "", "row": i + 2,
             "kecamatan": "KEC", "desa": f"DESA {code}" if code else None, "kode_desa": code, "tps": "001",
             "no": str(i + 1), "nik": f"73010141079000{i + 10:02d}", "nama": name}
            for i, (name, code) in enumerate(VOTERS)]
    import_result(website.ws, maker.kpu(rows, name="dpt_73.csv"), actor="uji", agency="KPU", reason="uji")
    return website.client("kpu")


def _names(html: str) -> list[str]:
    return re.findall(r"<td>(WARGA \d+)</td>", html)


def _count(html: str) -> str:
    """The list's own count line (the unresolved queue's line counts too, elsewhere)."""
    return re.search(r'<p class="muted">([^<·]*)', html).group(1).strip()


def _order():
    from django.db import connection
    return SORTED + NULLS if connection.vendor == "postgresql" else NULLS + SORTED


@pytest.mark.parametrize("size", [2, 3])  # pages crossing from the null codes, and into them
def test_every_page_of_the_whole_list_holds_its_voters(listed, monkeypatch, size):
    from pemilih.web.views import voters
    monkeypatch.setattr(voters, "PAGE", size)
    order = _order()
    last = (len(order) + size - 1) // size
    for number in range(1, last + 1):
        html = listed.get(f"/pemilih/?hal={number}").content.decode()
        assert _names(html) == order[(number - 1) * size:number * size], (size, number)
        assert _count(html) == "11 pemilih"
    assert _names(listed.get("/pemilih/?hal=99").content.decode()) == order[(last - 1) * size:]  # the last page


def test_a_village_and_the_voters_without_one_are_counted_and_paged(listed, monkeypatch):
    from pemilih.web.views import voters
    monkeypatch.setattr(voters, "PAGE", 2)
    html = listed.get(f"/pemilih/?desa={A}").content.decode()
    assert _names(html) == ["WARGA 2", "WARGA 5"] and _count(html) == "3 pemilih"
    assert f'<option value="{A}" selected>' in html and f'<option value="{B}">' in html
    assert _names(listed.get(f"/pemilih/?desa={A}&hal=2").content.decode()) == ["WARGA 9"]
    waiting = listed.get("/pemilih/?desa=-").content.decode()
    assert _count(waiting) == "3 pemilih" and len(_names(waiting)) == 2


def test_a_name_search_is_counted_up_to_the_cap(listed, monkeypatch):
    from pemilih.web.views import voters
    html = listed.get("/pemilih/?q=warga 1").content.decode()  # WARGA 1, 10, 11
    assert _count(html) == "3 pemilih" and sorted(_names(html)) == ["WARGA 1", "WARGA 10", "WARGA 11"]
    monkeypatch.setattr(voters, "SEARCH_CAP", 2)
    capped = listed.get("/pemilih/?q=warga 1").content.decode()
    assert _count(capped).startswith("Lebih dari 2 pemilih cocok")
