"""Coklit as it is done: the officer ticks each voter found correct (SESUAI), writes the visit
date and signs (PETUGAS); collect records every row checked at the door, changed or not, and
DPML sees per village how far the check has come (visited, not yet, changed, new).

Ground truth is hand-made: the six voters of tests/webcoklit.py (village A: dpt.csv::2 and ::3
at TPS 001, ::4 at TPS 002; village B: ::5, ::6, ::7 at TPS 001), the entries typed into the
workbooks here, and the counts worked out by hand from them.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from pemilih.cycle.common import local_today
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.store import projection
from pemilih.store.collect import ACCEPTED, REFUSED, UNCHANGED
from pemilih.store.projection import current_list

from filemaker import collect_books, share_list
from webcoklit import AGREEMENT, A, B, agree, edit_workbook, receive

pytestmark = pytest.mark.postgres

SHARER = {"actor": "Operator DPML", "agency": "DPML", "reason": "Coklit"}
COMMITTEE = {"actor": "Ketua panitia", "agency": "PANITIA", "reason": "Hasil coklit"}
FIXTURE_V1 = Path(__file__).parent / "fixtures" / "coklit_v1"
NEW_NIK = "7326015506060005"


def _day(days: int = 0) -> str:
    return (local_today() + timedelta(days=days)).strftime("%d-%m-%Y")


def _iso(days: int = 0) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


@pytest.fixture
def shared(workspace, maker, tmp_path):
    """Villages A and B shared today (a visit may be dated today, never yesterday)."""
    receive(workspace, maker)
    agree(workspace)
    out = share_list(workspace, tmp_path / "out", agreement=AGREEMENT, on=local_today(), processes=1, **SHARER)
    return workspace, {A: out.paths[0], B: out.paths[1]}


def _collect(ws, path):
    [out] = collect_books(ws, [path], processes=1, **COMMITTEE)
    return out


def _events(kind=projection.COKLIT_COLLECTED):
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=kind).order_by("seq"))


def _progress(ws, village=None) -> dict:
    from pemilih.cycle import coklit_progress as step
    return {v.kode_desa: v for v in step.run(ws, step.ProgressRequest(village)).villages}


def _counts(v) -> dict:
    return {k: getattr(v, k) for k in ("voters", "visited", "not_visited", "checked", "changed", "struck", "moved",
                                       "corrected", "new_voters", "collected")}


# --- the workbook ---------------------------------------------------------------------------------

def test_ticked_dated_and_signed_rows_are_recorded_though_nothing_changed(shared, tmp_path):
    from pemilih.store.events import Visits
    ws, paths = shared
    filled = tmp_path / "a.xlsx"
    fill_workbook(paths[A], filled, checked=["dpt.csv::2"],
                  visits={"dpt.csv::2": (_day(), "Yakobus Rante"), "dpt.csv::3": (_day(), "  maria   sampe ")},
                  notes={"dpt.csv::4": "Rumah terkunci"})  # a note alone is no visit
    out = _collect(ws, filled)
    assert (out.status, out.counts, out.problems, out.visited) == (ACCEPTED, {}, [], 2)
    [event] = _events()
    assert event.payload["changes"] == []
    assert event.payload["visits"] == [
        {"on": _iso(), "by": "YAKOBUS RANTE", "checked": True, "keys": ["dpt.csv::2"]},
        {"on": _iso(), "by": "MARIA SAMPE", "checked": False, "keys": ["dpt.csv::3"]}]
    assert event.data().visits == (Visits(_iso(), "YAKOBUS RANTE", True, ("dpt.csv::2",)),
                                   Visits(_iso(), "MARIA SAMPE", False, ("dpt.csv::3",)))
    assert _counts(_progress(ws)[A]) == {"voters": 3, "visited": 2, "not_visited": 1, "checked": 1, "changed": 0,
                                         "struck": 0, "moved": 0, "corrected": 0, "new_voters": 0, "collected": 1}


def test_an_untouched_workbook_counts_everybody_not_yet_visited(shared):
    ws, paths = shared
    assert _collect(ws, paths[B]).status == ACCEPTED
    [event] = _events()
    assert "visits" not in event.payload  # nothing to record: the payload stays as before
    b = _progress(ws)[B]
    assert (b.voters, b.visited, b.not_visited, b.collected) == (3, 0, 3, 1)


def test_ticked_and_changed_in_one_row_is_refused_naming_the_cell(shared, tmp_path, dump_db):
    ws, paths = shared
    filled = tmp_path / "bertentangan.xlsx"
    fill_workbook(paths[A], filled, checked=["dpt.csv::2", "dpt.csv::3", "dpt.csv::4"],
                  statuses={"dpt.csv::2": "TMS-1"}, corrections={"dpt.csv::3": {"nama": "NE RANTE"}})
    state = dump_db(ws)
    out = _collect(ws, filled)
    assert out.status == REFUSED
    assert out.problems == [
        "bertentangan.xlsx:TPS 001:O5 SESUAI, pemilih no. 1 MARKUS TANDI: ditandai SESUAI (V) tetapi juga diberi STATUS atau kolom BARU; pilih "
        "salah satu: kosongkan SESUAI, atau kosongkan STATUS dan kolom BARU",
        "bertentangan.xlsx:TPS 001:O6 SESUAI, pemilih no. 2 NE' RANTE: ditandai SESUAI (V) tetapi juga diberi STATUS atau kolom BARU; pilih "
        "salah satu: kosongkan SESUAI, atau kosongkan STATUS dan kolom BARU"]
    assert dump_db(ws) == state


def test_a_tick_other_than_v_and_visits_out_of_range_are_refused(shared, tmp_path, dump_db):
    ws, paths = shared
    filled = edit_workbook(paths[A], tmp_path / "tanggal.xlsx", cells={
        ("dpt.csv::2", "SESUAI"): "ya", ("dpt.csv::2", "TANGGAL KUNJUNGAN"): _day(-1),
        ("dpt.csv::3", "SESUAI"): "v", ("dpt.csv::3", "TANGGAL KUNJUNGAN"): _day(1),
        ("dpt.csv::4", "SESUAI"): "✓", ("dpt.csv::4", "TANGGAL KUNJUNGAN"): "31-02-2027"})
    state = dump_db(ws)
    out = _collect(ws, filled)
    assert out.status == REFUSED
    assert out.problems == [
        "tanggal.xlsx:TPS 001:O5 SESUAI, pemilih no. 1 MARKUS TANDI: isi V bila pemilih sudah dicocokkan dan datanya benar, atau kosongkan",
        "tanggal.xlsx:TPS 002:AC5 TANGGAL KUNJUNGAN, pemilih no. 1 YOHANIS PATIKU: TANGGAL KUNJUNGAN bukan tanggal yang ada di kalender; tulis "
        "DD-MM-YYYY, misalnya 12-05-1980",
        f"tanggal.xlsx:TPS 001:AC5 TANGGAL KUNJUNGAN, pemilih no. 1 MARKUS TANDI: TANGGAL KUNJUNGAN sebelum lembar kerja dibagikan ({_day()})",
        "tanggal.xlsx:TPS 001:AC6 TANGGAL KUNJUNGAN, pemilih no. 2 NE' RANTE: TANGGAL KUNJUNGAN berada di masa depan"]
    assert dump_db(ws) == state


def test_a_new_voters_visit_is_recorded_and_judged(shared, tmp_path):
    ws, paths = shared
    voter = {"nik": NEW_NIK, "nama": "SARAH PATIKU", "tanggal_lahir": "15-06-2006"}
    late = tmp_path / "baru_salah.xlsx"
    fill_workbook(paths[A], late, new_voters=[{**voter, "TANGGAL KUNJUNGAN": _day(2), "PETUGAS": "Yakobus"}])
    out = _collect(ws, late)
    assert out.problems == ["baru_salah.xlsx:PEMILIH BARU:O5 TANGGAL KUNJUNGAN, pemilih baru ke-1 SARAH PATIKU: "
                            "TANGGAL KUNJUNGAN berada di masa depan"]
    good = tmp_path / "baru.xlsx"
    fill_workbook(paths[A], good, new_voters=[{**voter, "TANGGAL KUNJUNGAN": _day(), "PETUGAS": "Yakobus"}])
    assert _collect(ws, good).status == ACCEPTED
    [event] = _events()
    assert event.payload["visits"] == [{"on": _iso(), "by": "YAKOBUS", "checked": False, "keys": ["baru:" + NEW_NIK]}]
    row = next(r for r in current_list(ws).to_dicts() if r["source_ref"] == "baru:" + NEW_NIK)
    assert "tanggal_kunjungan" not in row and row["nama"] == "SARAH PATIKU"
    a = _progress(ws)[A]
    assert (a.visited, a.new_voters) == (0, 1)  # a new voter is no row of the workbook


# --- the progress ---------------------------------------------------------------------------------

def test_progress_per_village_over_two_returns_of_a_workbook(shared, tmp_path):
    ws, paths = shared
    first = tmp_path / "a1.xlsx"  # the first half: ::2 found correct, ::3 deceased
    fill_workbook(paths[A], first, checked=["dpt.csv::2"], statuses={"dpt.csv::3": "TMS-1"},
                  visits={"dpt.csv::2": (_day(), "YAKOBUS"), "dpt.csv::3": (_day(), "YAKOBUS")})
    second = tmp_path / "a2.xlsx"  # the whole: the same again, ::4 moved to TPS 001, a new voter
    fill_workbook(paths[A], second, checked=["dpt.csv::2"], statuses={"dpt.csv::3": "TMS-1", "dpt.csv::4": "TMS-8"},
                  corrections={"dpt.csv::4": {"TPS BARU": "1"}},
                  visits={"dpt.csv::2": (_day(), "YAKOBUS"), "dpt.csv::3": (_day(), "YAKOBUS"),
                          "dpt.csv::4": (_day(), "MARIA")},
                  new_voters=[{"nik": NEW_NIK, "nama": "SARAH PATIKU", "tanggal_lahir": "15-06-2006"}])
    assert _collect(ws, first).status == ACCEPTED
    assert _counts(_progress(ws)[A]) == {"voters": 3, "visited": 2, "not_visited": 1, "checked": 1, "changed": 1,
                                         "struck": 1, "moved": 0, "corrected": 0, "new_voters": 0, "collected": 1}
    out = _collect(ws, second)
    assert (out.status, out.counts) == (ACCEPTED, {"TMS-8": 1, "B": 1})
    assert _events()[-1].payload["visits"] == [  # what the first copy recorded is not repeated
        {"on": _iso(), "by": "MARIA", "checked": False, "keys": ["dpt.csv::4"]}]
    progress = _progress(ws)
    assert _counts(progress[A]) == {"voters": 3, "visited": 3, "not_visited": 0, "checked": 1, "changed": 2,
                                    "struck": 1, "moved": 1, "corrected": 0, "new_voters": 1, "collected": 2}
    assert _counts(progress[B]) == {"voters": 3, "visited": 0, "not_visited": 3, "checked": 0, "changed": 0,
                                    "struck": 0, "moved": 0, "corrected": 0, "new_voters": 0, "collected": 0}
    assert progress[B].last_collected is None and progress[A].last_collected == _events()[-1].happened_at
    assert list(_progress(ws, "7326012002")) == [B]


def test_a_copy_returned_again_with_only_new_visits_is_recorded(shared, tmp_path):
    ws, paths = shared
    first, again = tmp_path / "a1.xlsx", tmp_path / "a2.xlsx"
    fill_workbook(paths[A], first, checked=["dpt.csv::2"])
    fill_workbook(paths[A], again, checked=["dpt.csv::2", "dpt.csv::3"])
    assert _collect(ws, first).status == ACCEPTED
    out = _collect(ws, again)
    assert (out.status, out.counts) == (ACCEPTED, {})
    assert _events()[-1].payload["visits"] == [{"on": None, "by": None, "checked": True, "keys": ["dpt.csv::3"]}]
    resaved = tmp_path / "a3.xlsx"
    fill_workbook(paths[A], resaved, checked=["dpt.csv::2", "dpt.csv::3"],
                  notes={"dpt.csv::4": "Belum ditemui"})  # other bytes, nothing new: no event
    assert _collect(ws, resaved).status == UNCHANGED
    assert _progress(ws)[A].visited == 2 and len(_events()) == 2


def test_the_web_page_shows_the_progress_and_a_committee_only_its_village(website, maker, tmp_path):
    receive(website.ws, maker)
    agree(website.ws)
    out = share_list(website.ws, tmp_path / "out", agreement=AGREEMENT, on=local_today(), processes=1, **SHARER)
    filled = tmp_path / "a.xlsx"
    fill_workbook(out.paths[0], filled, checked=["dpt.csv::2"], statuses={"dpt.csv::3": "TMS-1"})
    assert _collect(website.ws, filled).status == ACCEPTED
    page = website.client("dpml").get("/coklit/").content.decode()
    assert _cells(page) == {A: {"voters": 3, "visited": 2, "not_visited": 1, "changed": 1, "new_voters": 0},
                            B: {"voters": 3, "visited": 0, "not_visited": 3, "changed": 0, "new_voters": 0}}
    assert "Kemajuan coklit: 2 dari 6 pemilih" in page
    own = website.client("panitia", kode_desa=B).get("/coklit/").content.decode()
    assert _cells(own) == {B: {"voters": 3, "visited": 0, "not_visited": 3, "changed": 0, "new_voters": 0}}
    assert "LEMBANG SATU" not in own and "Kemajuan coklit: 0 dari 3 pemilih" in own


def _cells(page: str) -> dict[str, dict[str, int]]:
    """{village code: {measure: number}} from the coklit table (data-m cells)."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        code = re.search(r'<td class="mono">([\d.]+)</td>', row)
        found = {m: int(v.replace(".", "")) for m, v in re.findall(r'data-m="([a-z_]+)"[^>]*>([\d.]+)<', row)}
        if code and found:
            out[code.group(1)] = found
    return out


def test_the_command_prints_the_progress(shared, tmp_path, capsys, store_location, monkeypatch):
    from pemilih.cli import main
    ws, paths = shared
    monkeypatch.setenv("DATABASE_URL", store_location[1])  # the command opens the test's store
    filled = tmp_path / "a.xlsx"
    fill_workbook(paths[A], filled, checked=["dpt.csv::2", "dpt.csv::3"], statuses={"dpt.csv::4": "TMS-1"})
    assert _collect(ws, filled).status == ACCEPTED
    capsys.readouterr()
    where = ["--workspace", str(store_location[0])]
    assert main(["coklit-progress", *where]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["KODE", "DESA", "DESA", "PEMILIH", "DIKUNJUNGI", "BELUM", "SESUAI", "BERUBAH", "TMS",
                                "PINDAH", "U", "BARU", "TERAKHIR", "DIKUMPULKAN"]
    assert lines[1].split()[:12] == [A, "LEMBANG", "SATU", "3", "3", "0", "2", "1", "1", "0", "0", "0"]
    assert lines[2].split()[:12] == [B, "LEMBANG", "DUA", "3", "0", "3", "0", "0", "0", "0", "0", "0"]
    assert lines[2].endswith("belum")
    assert lines[3] == "Jumlah 2 desa: 6 pemilih, 3 dikunjungi, 3 belum, 1 berubah, 0 pemilih baru."
    assert main(["coklit-progress", "--desa", "7326012002", *where]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:-1]] == [B]
    assert main(["coklit-progress", "--desa", "73.26", *where]) == 1
    assert "Kode desa '73.26' tidak sah" in capsys.readouterr().err


# --- format 1 -------------------------------------------------------------------------------------

@pytest.fixture
def shared_v1(workspace, maker):
    """The workspace a release writing format 1 had (tests/fixtures/make_coklit_v1.py): the same
    list and agreement (events 1 and 2), then its share event as that release recorded it."""
    from pemilih.store import events
    from pemilih.store.models import Event
    receive(workspace, maker)
    agree(workspace)
    old = json.loads((FIXTURE_V1 / "shared.json").read_text(encoding="utf-8"))
    assert old["payload"]["format"] == "pemilih-coklit/1"
    record = events.parse(old["kind"], old["payload"])
    Event.write(old["kind"], record, actor=old["actor"], agency=old["agency"], reason=old["reason"],
                legal_basis=old["legal_basis"])
    return workspace


def test_a_format_1_workbook_is_still_collected(shared_v1, dump_db):
    ws = shared_v1
    out = _collect(ws, FIXTURE_V1 / "isi.xlsx")
    assert (out.status, out.problems, out.counts) == (ACCEPTED, [], {"TMS-1": 1, "U": 1, "B": 1})
    now = {r["source_ref"]: r for r in current_list(ws).to_dicts()}  # a new voter: its key
    assert "dpt.csv::3" not in now and now["dpt.csv::2"]["alamat"] == "DUSUN C"
    assert now["baru:" + NEW_NIK]["nama"] == "SARAH PATIKU"
    [event] = _events()
    assert event.payload["visits"] == [{"on": None, "by": None, "checked": False, "keys": ["dpt.csv::2", "dpt.csv::3"]}]
    a = _progress(ws)[A]
    assert (a.voters, a.visited, a.changed, a.new_voters) == (3, 2, 2, 1)


def test_a_move_in_a_format_1_workbook_is_refused_naming_the_cell(shared_v1, dump_db):
    ws = shared_v1
    state = dump_db(ws)
    out = _collect(ws, FIXTURE_V1 / "pindah.xlsx")
    assert out.status == REFUSED
    assert out.problems == [
        "pindah.xlsx:TPS 002:O5 STATUS, pemilih no. 1 YOHANIS PATIKU: lembar kerja format lama (pemilih-coklit/1) "
        "tidak punya kolom TPS BARU: TMS-8 (pindah TPS) tidak dapat diterapkan; minta lembar kerja baru kepada DPML, atau kosongkan STATUS dan tulis "
        "di KETERANGAN"]
    assert dump_db(ws) == state
