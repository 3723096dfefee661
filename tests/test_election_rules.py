"""Issue 12, defects 7, 9 and 10, through the steps: an election names its villages (a Pilkalem
never a kelurahan) and nothing outside them is shared; under PILKALEM a voter added while the
DPS is announced is on the DPT and no DPTb follows, while a general election keeps its DPTb
within its window; every stage keeps its dates, and a list set off them says why.

Ground truth: the hand-made lists of test_cycle_store.py (two lembang) and test_share_collect.py
(two kelurahan and a lembang), dates counted by hand from today, the regimes' rules as
data/election_rules.csv states them (PILKALEM: 3 days of announcement and responses, DPT the
day after; PEMILU2024: a DPTb until 7 days before the voting day).
"""
from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from test_cycle_store import ADD_NEW, NEW_NIK, WHO, A, B, _responses, dpml  # noqa: F401 (fixture)
from test_share_collect import NUMBER, ON, SHARER, listed  # noqa: F401 (fixture)

from pemilih.cycle import election as step
from pemilih.cycle.common import StepError, Who, local_today
from pemilih.store import elections, events
from pemilih.store.models import ElectionList, Event

from filemaker import share_list as share

pytestmark = pytest.mark.postgres

TODAY = local_today()
KELURAHAN, SINGKI, LIMBONG = "73.26.01.1001", "73.26.01.1006", "73.26.01.2010"  # test_share_collect's list
DPML = Who("Kadis", "DPML", "SK Bupati")
PANITIA = Who(WHO["actor"], WHO["agency"], WHO["reason"])


def _create(ws, code="PK", *, regime="PILKALEM", villages=(A, B), dps=TODAY, voting=None, **dates):
    return step.create(ws, step.CreateRequest(code, "Pilkalem Serentak", voting or dps + timedelta(days=60), dps,
                                              tuple(villages), DPML, regime=regime, max_per_tps=3, **dates))


def _set(ws, stage, code="PK", *, out=None, **kw):
    return step.set_list(ws, step.SetListRequest(code, stage, str(out) if out else None, PANITIA, **kw))


def _respond(ws, path, code="PK", **kw):
    return step.record_responses(ws, step.ResponsesRequest(code, str(path), PANITIA, **kw))


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- defect 7: an election names its villages ------------------------------------------------------

def test_a_pilkalem_refuses_a_kelurahan_and_takes_any_subset_of_lembang(listed):  # noqa: F811
    with pytest.raises(StepError, match=f"bukan di kelurahan \\(kode 1xxx\\): {KELURAHAN}"):
        _create(listed, villages=(KELURAHAN, LIMBONG))
    with pytest.raises(elections.ElectionError, match="bukan di kelurahan"):  # the store's own check
        elections.create(listed, code="X", name="X", regime="PILKALEM", voting_day=TODAY + timedelta(days=60),
                         dps_set_on=TODAY, villages=[SINGKI], max_per_tps=3, actor="a", agency="DPML", reason="r")
    assert not Event.objects.filter(kind=events.ELECTION_CREATED).exists()
    with pytest.raises(StepError, match="Kode desa tidak sah"):
        _create(listed, villages=("73.26.01",))
    one = _create(listed, villages=("7326012010",))  # one lembang of the regency, written undotted
    assert one.villages == [LIMBONG]
    # a general election's code table is held in kelurahan too
    assert _create(listed, "UMUM", regime="PEMILU2024", villages=(KELURAHAN, SINGKI, LIMBONG)).villages == [
        KELURAHAN, SINGKI, LIMBONG]


def test_the_share_covers_only_the_elections_villages_and_refuses_one_outside(listed, tmp_path):  # noqa: F811
    _create(listed, "PK", villages=(LIMBONG,))
    _create(listed, "UMUM", regime="PEMILU2024", villages=(SINGKI, LIMBONG))
    out = share(listed, tmp_path / "pk", agreement=NUMBER, on=ON, processes=1, election="PK", **SHARER)
    assert [p.name for p in out.paths] == ["COKLIT_7326012010_LIMBONG.xlsx"]
    [event] = Event.objects.filter(kind=events.LIST_SHARED)
    assert (event.payload["kode_desa"], event.payload["regime"]) == (LIMBONG, "PILKALEM")  # the election's table
    before = Event.objects.count()
    with pytest.raises(Exception, match=f"Desa {SINGKI} tidak menyelenggarakan pemilihan PK"):
        share(listed, tmp_path / "luar", agreement=NUMBER, on=ON, villages=[SINGKI, LIMBONG], processes=1,
              election="PK", **SHARER)
    assert Event.objects.count() == before and not list((tmp_path / "luar").glob("*.xlsx"))
    umum = share(listed, tmp_path / "umum", agreement=NUMBER, on=ON, processes=1, election="UMUM", **SHARER)
    assert [p.name for p in umum.paths] == ["COKLIT_7326011006_SINGKI.xlsx", "COKLIT_7326012010_LIMBONG.xlsx"]


def test_the_lists_tps_and_logistics_hold_the_elections_villages_only(dpml, tmp_path):  # noqa: F811
    _create(dpml, villages=(B,))
    dps = _set(dpml, "DPS", out=tmp_path / "dps")
    assert set(dps.voters["kode_desa"]) == {B} and dps.list.voters == 3
    assert [p.name for p in (tmp_path / "dps" / "pengumuman").iterdir()] == ["DPS_7326022002_LEMBANG_DUA.pdf"]
    dpt = _set(dpml, "DPT", out=tmp_path / "dpt", schedule_reason="Uji: satu hari")
    assert set(dpt.voters["kode_desa"]) == {B}
    assert step.tps_table(dpml, "PK", A) is None and step.tps_table(dpml, "PK", B) is not None


# --- defect 9: DPTb by regime -------------------------------------------------------------------

def test_under_pilkalem_a_voter_added_in_the_dps_period_is_on_the_dpt_and_no_dptb_follows(dpml, tmp_path):  # noqa: F811
    _create(dpml)
    with pytest.raises(StepError, match="DPS PK belum ditetapkan"):  # responses answer the DPS as announced
        _respond(dpml, _responses(tmp_path / "awal.xlsx", [ADD_NEW]))
    _set(dpml, "DPS")
    added = _respond(dpml, _responses(tmp_path / "t.xlsx", [ADD_NEW]))  # today: within the period
    assert added.counts == {"TAMBAH": 1}
    dpt = _set(dpml, "DPT", schedule_reason="Uji: DPT pada hari DPS")
    assert NEW_NIK in dpt.voters["nik"].to_list() and dpt.list.voters == 9
    with pytest.raises(StepError, match="PILKALEM tidak mengenal DPTb sesudah DPT"):
        _set(dpml, "DPTb")
    assert not ElectionList.objects.filter(stage="DPTb").exists()
    late = {**ADD_NEW, "NIK": "7326024101050002", "NAMA": "MARIA"}
    with pytest.raises(StepError, match="DPT sudah ditetapkan: tanggapan atas DPS tidak diterima lagi"):
        _respond(dpml, _responses(tmp_path / "susulan.xlsx", [late]))


def test_a_general_election_keeps_its_dptb_within_its_window(dpml, tmp_path):  # noqa: F811
    soon = TODAY + timedelta(days=5)  # PEMILU2024: a DPTb until 7 days before the voting day
    _create(dpml, "DEKAT", regime="PEMILU2024", voting=soon, announce_until=TODAY, responses_until=TODAY,
            dpt_set_on=TODAY + timedelta(days=1))
    _set(dpml, "DPS", code="DEKAT")
    _set(dpml, "DPT", code="DEKAT", schedule_reason="Uji")
    closes = soon - timedelta(days=7)
    with pytest.raises(StepError, match=f"DPTb hanya dapat disusun sampai {closes:%d-%m-%Y}"):
        _set(dpml, "DPTb", code="DEKAT")
    with pytest.raises(StepError, match="masa DPTb berakhir"):
        _respond(dpml, _responses(tmp_path / "t.xlsx", [ADD_NEW]), code="DEKAT")


def test_only_the_dps_notice_invites_responses_with_its_period_and_deadline(dpml, tmp_path):  # noqa: F811
    dps_day = TODAY + timedelta(days=10)
    _create(dpml, dps=dps_day, responses_until=dps_day + timedelta(days=4))
    _set(dpml, "DPS", out=tmp_path / "dps", schedule_reason="Uji: lebih awal")
    _set(dpml, "DPT", out=tmp_path / "dpt", schedule_reason="Uji: lebih awal")
    dps = " ".join(_pdf_text(tmp_path / "dps" / "pengumuman" / "DPS_7326022001_LEMBANG_SATU.pdf").split())
    until, deadline = dps_day + timedelta(days=2), dps_day + timedelta(days=4)  # PILKALEM: 3 days' notice
    assert "Kabupaten Toraja Utara" in dps
    assert f"Diumumkan {_long(dps_day)} sampai dengan {_long(until)}." in dps
    assert f"panitia pemilihan paling lambat {_long(deadline)}." in dps
    dpt = " ".join(_pdf_text(tmp_path / "dpt" / "pengumuman" / "DPT_7326022001_LEMBANG_SATU.pdf").split())
    assert "Kabupaten Toraja Utara" in dpt
    assert "Tanggapan" not in dpt and "tanggapan" not in dpt and "Diumumkan" not in dpt


DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def _long(day: date) -> str:
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


# --- defect 10: stages keep their dates ----------------------------------------------------------

def test_an_election_keeps_its_schedule_the_regimes_defaults_or_the_dates_given(dpml):  # noqa: F811
    dps = date(2027, 1, 15)
    e = _create(dpml, dps=dps, voting=date(2027, 3, 17))
    assert (e.announce_until, e.responses_until, e.dpt_set_on) == (date(2027, 1, 17), date(2027, 1, 17),
                                                                   date(2027, 1, 18))
    created = Event.objects.get(kind=events.ELECTION_CREATED, payload__code="PK")
    assert created.payload["announce_until"] == "2027-01-17" and created.payload["dpt_set_on"] == "2027-01-18"
    given = _create(dpml, "LAIN", dps=dps, voting=date(2027, 3, 17), announce_until=date(2027, 1, 24),
                    responses_until=date(2027, 1, 29), dpt_set_on=date(2027, 2, 5))
    assert (given.announce_until, given.responses_until, given.dpt_set_on) == (
        date(2027, 1, 24), date(2027, 1, 29), date(2027, 2, 5))
    for dates, message in [({"responses_until": date(2027, 1, 10)}, "Batas tanggapan \\(10-01-2027\\) sebelum"),
                           ({"dpt_set_on": date(2027, 1, 16)}, "harus sesudah batas tanggapan \\(17-01-2027\\)"),
                           ({"dpt_set_on": date(2027, 3, 17)}, "harus sebelum hari pemungutan suara")]:
        with pytest.raises(StepError, match=message):
            step.CreateRequest("SALAH", "x", date(2027, 3, 17), dps, (A,), DPML, **dates)


def test_a_list_set_outside_its_period_needs_a_reason_kept_on_its_event(dpml):  # noqa: F811
    """The demo's case: the DPS scheduled on a later day (15-01-2027 there) set today."""
    later = TODAY + timedelta(days=39)
    _create(dpml, dps=later)
    with pytest.raises(StepError, match=f"DPS dijadwalkan ditetapkan pada {later:%d-%m-%Y}, hari ini "
                                        f"{TODAY:%d-%m-%Y}"):
        _set(dpml, "DPS")
    assert not ElectionList.objects.exists()
    made = _set(dpml, "DPS", schedule_reason="Rapat pleno dimajukan karena musim panen")
    assert made.list.event.payload["schedule_reason"] == "Rapat pleno dimajukan karena musim panen"
    # the DPT while responses are open: outside its period, naming its day and the deadline
    with pytest.raises(StepError, match=f"DPT dijadwalkan ditetapkan pada {later + timedelta(days=3):%d-%m-%Y}.*"
                                        f"masih dibuka sampai {later + timedelta(days=2):%d-%m-%Y}"):
        _set(dpml, "DPT")


def test_a_list_set_within_its_period_carries_no_reason(dpml):  # noqa: F811
    _create(dpml, dps=TODAY - timedelta(days=4))  # its DPS was due four days ago
    _create(dpml, "TEPAT")  # DPS today
    made = _set(dpml, "DPS", code="TEPAT", schedule_reason="tidak perlu")
    assert "schedule_reason" not in made.list.event.payload  # within its period: nothing to explain
    with pytest.raises(StepError, match="DPS dijadwalkan"):
        _set(dpml, "DPS")  # PK's DPS was due four days ago


def test_responses_after_the_deadline_need_a_reason_kept_on_their_event(dpml, tmp_path):  # noqa: F811
    _create(dpml, dps=TODAY - timedelta(days=5), dpt_set_on=TODAY + timedelta(days=1))  # responses closed 3 days ago
    _set(dpml, "DPS", schedule_reason="Uji: terlambat")
    sheet = _responses(tmp_path / "t.xlsx", [ADD_NEW])
    closed = TODAY - timedelta(days=3)
    with pytest.raises(StepError, match=f"Batas tanggapan atas DPS {closed:%d-%m-%Y} sudah lewat"):
        _respond(dpml, sheet)
    out = _respond(dpml, sheet, schedule_reason="Berkas diterima panitia tepat waktu, dicatat terlambat")
    recorded = Event.objects.get(seq=out.event_seq)
    assert recorded.payload["schedule_reason"] == "Berkas diterima panitia tepat waktu, dicatat terlambat"
    assert _set(dpml, "DPT").list.voters == 9  # within its period now, no reason needed
