"""Codes say what they do: TMS-8 (PEMILU2024: listed at the wrong TPS of the right village)
moves the voter to another TPS and never strikes, wherever a code is applied (coklit
workbooks, public responses, review of findings), and the recap counts a move as a
correction, never as a TMS.

Ground truth is hand-made: the six voters of tests/webcoklit.py (village A: dpt.csv::2 and ::3
at TPS 001, ::4 at TPS 002), the code tables' effects written out by hand, and the list each
entry must lead to.
"""
from __future__ import annotations

import csv
from datetime import timedelta
from importlib import resources

import polars as pl
import pytest

from pemilih.cycle.common import local_today
from pemilih.io.coklit_workbook import fill_workbook
from pemilih.store import projection
from pemilih.store.collect import ACCEPTED, CONFLICT, REFUSED
from pemilih.store.projection import current_list, rebuild_projection

from filemaker import collect_books, share_list
from webcoklit import AGREEMENT, A, B, agree, receive

pytestmark = pytest.mark.postgres

SHARER = {"actor": "Operator DPML", "agency": "DPML", "reason": "Coklit"}
COMMITTEE = {"actor": "Ketua panitia", "agency": "PANITIA", "reason": "Hasil coklit"}


@pytest.fixture
def shared(workspace, maker, tmp_path):
    receive(workspace, maker)
    agree(workspace)
    out = share_list(workspace, tmp_path / "out", agreement=AGREEMENT, on=local_today(), villages=[A], processes=1,
                     **SHARER)
    return workspace, out.paths[0]


def _collect(ws, path):
    [out] = collect_books(ws, [path], processes=1, **COMMITTEE)
    return out


def _now(ws) -> dict[str, dict]:
    return {r["source_ref"]: r for r in current_list(ws).to_dicts()}  # a new voter: its key


def _events(kind):
    from pemilih.store.models import Event
    return list(Event.objects.filter(kind=kind).order_by("seq"))


# --- the code tables ------------------------------------------------------------------------------

EFFECTS = {  # written out by hand from the brief and PKPU 7/2022
    "PEMILU2024": {**{f"TMS-{n}": "strike" for n in range(1, 8)}, "TMS-8": "move", "U": "correct", "B": "add"},
    "PILKADA2018": {**{f"TMS-{n}": "strike" for n in range(1, 11)}, "TMS-11": "note", "TMS-12": "note",
                    "U": "correct", "B": "add"},
    "PILKALEM": {**{f"TMS-{n}": "strike" for n in range(1, 8)}, "TMS-8": "move", "TMS-D": "strike",
                 "U": "correct", "B": "add"},
}


def test_each_code_states_its_effect_and_scope():
    from pemilih.contract import CODE_TABLE_COLUMNS
    from pemilih.domain import codes
    assert codes.regimes() == sorted(EFFECTS)
    for regime, expected in EFFECTS.items():
        path = resources.files("pemilih.domain") / "data" / "codes" / f"{regime}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == CODE_TABLE_COLUMNS
        assert {c: codes.effect(c, regime) for c in codes.code_table(regime)} == expected, regime
        assert [c for c in codes.code_table(regime) if codes.village_only(c, regime)] == (
            ["TMS-D"] if regime == "PILKALEM" else [])
    assert codes.effect("NIK-LENGTH") is None and codes.effect(None) is None
    assert codes.codes_with(codes.MOVE, "PEMILU2024") == ["TMS-8"] and codes.codes_with(codes.MOVE, "PILKADA2018") == []
    # A code the working table lacks takes the one effect the tables holding it agree on.
    assert codes.known_effect("TMS-D", "PEMILU2024") == "strike" and codes.known_effect("TMS-8", "PILKADA2018") == "strike"


# --- coklit -------------------------------------------------------------------------------------

def test_tms8_with_a_new_tps_keeps_the_voter_listed_at_that_tps(shared, tmp_path, dump_db):
    ws, path = shared
    filled = tmp_path / "pindah.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-8"}, corrections={"dpt.csv::2": {"TPS BARU": "2"}},
                  notes={"dpt.csv::2": "Rumah dekat TPS 2"})
    out = _collect(ws, filled)
    assert (out.status, out.problems, out.conflicts, out.counts) == (ACCEPTED, [], [], {"TMS-8": 1})
    now = _now(ws)
    assert now["dpt.csv::2"]["tps"] == "002" and now["dpt.csv::2"]["nama"] == "MARKUS TANDI"
    assert len(now) == 6  # nobody struck
    [event] = _events(projection.COKLIT_COLLECTED)
    assert event.payload["changes"] == [{
        "op": "set", "key": "dpt.csv::2", "code": "TMS-8", "column": "tps", "old": "001", "new": "002",
        "old_seq": 1, "evidence": "Rumah dekat TPS 2", "effect": "move"}]
    [change] = event.data().changes
    assert change.is_move
    before = dump_db(ws)["store_voter"]
    rebuild_projection(ws)
    assert dump_db(ws)["store_voter"] == before


def test_tms8_never_strikes_the_voter(shared, tmp_path):
    """Typed as a person would (openpyxl, by header): the same on a release without TPS BARU."""
    from webcoklit import edit_workbook
    ws, path = shared
    out = _collect(ws, edit_workbook(path, tmp_path / "tms8.xlsx", cells={("dpt.csv::2", "STATUS"): "TMS-8"}))
    assert "dpt.csv::2" in _now(ws) and out.status != ACCEPTED
    assert not [c for e in _events(projection.COKLIT_COLLECTED) for c in e.payload["changes"] if c["op"] == "remove"]


def test_tms8_without_a_valid_tps_baru_is_refused_naming_the_cell(shared, tmp_path, dump_db):
    ws, path = shared
    filled = tmp_path / "salah.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-8", "dpt.csv::3": "TMS-8", "dpt.csv::4": "TMS-1"},
                  corrections={"dpt.csv::3": {"tps": "TPS X"}, "dpt.csv::4": {"tps": "1"}})
    state = dump_db(ws)
    out = _collect(ws, filled)
    assert out.status == REFUSED
    assert out.problems == [
        "salah.xlsx:TPS 001:Q5 TPS BARU, pemilih no. 1 MARKUS TANDI: TPS BARU wajib diisi untuk STATUS TMS-8 (pindah TPS dalam desa): nomor TPS "
        "tujuan, misalnya 2",
        "salah.xlsx:TPS 001:Q6 TPS BARU, pemilih no. 2 NE' RANTE: TPS 'TPS X' bukan nomor TPS yang benar (angka 1-3 digit, paling kecil 1)",
        "salah.xlsx:TPS 002:Q5 TPS BARU, pemilih no. 1 YOHANIS PATIKU: TPS BARU hanya diisi untuk STATUS TMS-8 (pindah TPS dalam desa)"]
    assert dump_db(ws) == state


def test_tps_baru_of_the_voters_own_tps_or_without_a_move_is_refused(shared, tmp_path):
    ws, path = shared
    filled = tmp_path / "sama.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-8"}, corrections={"dpt.csv::2": {"tps": "001"},
                                                                                "dpt.csv::3": {"tps": "2"}})
    out = _collect(ws, filled)
    assert out.status == REFUSED
    assert out.problems == [
        "sama.xlsx:TPS 001:Q5 TPS BARU, pemilih no. 1 MARKUS TANDI: TPS BARU sama dengan TPS pemilih sekarang (TPS 001); tulis TPS tujuan",
        "sama.xlsx:TPS 001:Q6 TPS BARU, pemilih no. 2 NE' RANTE: TPS BARU hanya diisi untuk STATUS TMS-8 (pindah TPS dalam desa)"]


def test_a_move_may_come_with_corrections(shared, tmp_path):
    ws, path = shared
    filled = tmp_path / "pindah_ubah.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::4": "TMS-8"},
                  corrections={"dpt.csv::4": {"tps": "1", "nama": "YOHANES PATIKU"}})
    out = _collect(ws, filled)
    assert (out.status, out.counts) == (ACCEPTED, {"TMS-8": 1, "U": 1})
    four = _now(ws)["dpt.csv::4"]
    assert (four["tps"], four["nama"]) == ("001", "YOHANES PATIKU")
    [event] = _events(projection.COKLIT_COLLECTED)
    assert [(c["code"], c["column"], c.get("effect")) for c in event.payload["changes"]] == [
        ("TMS-8", "tps", "move"), ("U", "nama", None)]


def test_a_move_of_a_voter_whose_tps_changed_since_the_cut_is_a_conflict(shared, tmp_path):
    from pemilih.store import changes
    ws, path = shared
    filled = tmp_path / "pindah.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-8"}, corrections={"dpt.csv::2": {"tps": "2"}})
    row = changes.voters(["dpt.csv::2"]).get("dpt.csv::2")
    review = changes.record(projection.REVIEW_ACCEPTED, [changes.set_value(row, "tps", "003")],
                            actor="Rina", agency="DPML", reason="Penataan TPS")
    out = _collect(ws, filled)
    assert out.status == CONFLICT
    assert out.conflicts == [f"TPS 001:Q5 TPS BARU: TPS pemilih di ruang kerja sudah berubah sejak lembar kerja "
                             f"dibagikan (peristiwa #{review.seq}); TMS-8 (pindah TPS) tidak diterapkan"]
    assert _now(ws)["dpt.csv::2"]["tps"] == "003"


def test_the_recap_counts_a_move_as_a_correction_not_a_tms(shared, tmp_path):
    from pemilih.cycle.recap import period
    ws, path = shared
    filled = tmp_path / "isi.xlsx"
    fill_workbook(path, filled, statuses={"dpt.csv::2": "TMS-8", "dpt.csv::3": "TMS-1"},
                  corrections={"dpt.csv::2": {"tps": "2"}})
    assert _collect(ws, filled).status == ACCEPTED
    today = local_today()
    recap = period(ws, today - timedelta(days=1), today, "PEMILU2024")
    [row] = recap.villages.filter(pl.col("kode_desa") == A).to_dicts()
    # By hand: A had MARKUS (L), NE' RANTE (P), YOHANIS (L); NE' RANTE died, MARKUS moved TPS.
    assert {k: row[k] for k in ("awal_l", "awal_p", "tms_1_l", "tms_1_p", "tms_8_jml", "tms_jml", "ubah_l",
                                "ubah_p", "akhir_l", "akhir_p")} == {
        "awal_l": 2, "awal_p": 1, "tms_1_l": 0, "tms_1_p": 1, "tms_8_jml": 0, "tms_jml": 1, "ubah_l": 1,
        "ubah_p": 0, "akhir_l": 2, "akhir_p": 0}


# --- public responses -------------------------------------------------------------------------

@pytest.fixture
def election(workspace, maker):
    from pemilih.store import elections
    receive(workspace, maker)
    today = local_today()
    return elections.create(workspace, code="PEMILU-UJI", name="Uji", regime="PEMILU2024",
                            voting_day=today + timedelta(days=60), dps_set_on=today, villages=[A, B],
                            max_per_tps=300, actor="Kadis", agency="DPML", reason="SK")


def test_a_response_hapus_under_a_move_code_moves_the_voter(workspace, election):
    from pemilih.store import responses
    rows = [("t.xlsx:Sheet1:2", {"JENIS": "HAPUS", "KUNCI": "dpt.csv::2", "KODE": "TMS-8", "NILAI BARU": "TPS 2",
                                 "BUKTI": "Surat keterangan lembang"}),
            ("t.xlsx:Sheet1:3", {"JENIS": "HAPUS", "KUNCI": "dpt.csv::3", "KODE": "TMS-1", "BUKTI": "Akta kematian"})]
    out = responses.record(workspace, election, rows, actor="Panitia", reason="Tanggapan")
    assert out.counts == {"PINDAH TPS": 1, "HAPUS": 1}
    now = _now(workspace)
    assert now["dpt.csv::2"]["tps"] == "002" and "dpt.csv::3" not in now
    [event] = _events(projection.RESPONSE_RECORDED)
    assert [(c["op"], c["code"], c.get("effect")) for c in event.payload["changes"]] == [
        ("set", "TMS-8", "move"), ("remove", "TMS-1", None)]


def test_a_response_hapus_under_a_move_code_without_a_tps_is_refused(workspace, election, dump_db):
    from pemilih.store import responses
    state = dump_db(workspace)
    with pytest.raises(responses.ResponseError) as err:
        responses.record(workspace, election, [
            ("t.xlsx:Sheet1:2", {"JENIS": "HAPUS", "KUNCI": "dpt.csv::2", "KODE": "TMS-8", "BUKTI": "Warga"}),
            ("t.xlsx:Sheet1:3", {"JENIS": "HAPUS", "KUNCI": "dpt.csv::3", "KODE": "TMS-8", "NILAI BARU": "nol",
                                 "BUKTI": "Warga"})], actor="Panitia", reason="Tanggapan")
    assert err.value.problems == [
        "t.xlsx:Sheet1:2 kolom NILAI BARU: TMS-8 memindahkan pemilih ke TPS lain di desa yang sama, tidak "
        "menghapusnya; tulis nomor TPS tujuan di NILAI BARU",
        "t.xlsx:Sheet1:3 kolom NILAI BARU: TPS 'nol' bukan nomor TPS yang benar (angka 1-3 digit, paling kecil 1)"]
    assert dump_db(workspace) == state


# --- review -----------------------------------------------------------------------------------

FINDING_COLUMNS = ["finding_key", "code", "source_ref", "field", "current", "proposed", "registry_nik",
                   "duplicate_of", "score", "reason", "evidence"]


def _findings(ws, rows):
    from pemilih.store.review import load_findings
    load_findings(ws, pl.DataFrame(rows, schema={c: pl.String for c in FINDING_COLUMNS}, orient="row"),
                  actor="Rina", agency="DISDUKCAPIL", reason="Temuan")


def _accept(ws, keys, regime=None):
    from pemilih.cycle import review
    return review.decide(ws, review.DecideRequest(review.ACCEPT, review.selection(keys=keys),
                                                  review.who("Rina", "Telaah"), regime))


def test_review_of_a_move_finding_moves_and_never_removes(workspace, maker):
    receive(workspace, maker)
    _findings(workspace, [
        ["pindah", "TMS-8", "dpt.csv::2", "TPS", "001", "002", None, None, "1", "Alamat dekat TPS 2", ""],
        ["pindah-tanpa-tps", "TMS-8", "dpt.csv::3", None, None, None, None, None, "1", "Salah TPS", ""],
        ["mati", "TMS-1", "dpt.csv::4", None, None, None, None, None, "1", "Meninggal", ""],
        ["hilang-ingatan", "TMS-8", "dpt.csv::5", None, None, None, None, None, "1", "Hilang ingatan", ""]])
    out = _accept(workspace, ["pindah", "pindah-tanpa-tps", "mati"])
    assert out.changed == 2
    assert out.skipped == ["pindah-tanpa-tps: TMS-8 memindahkan pemilih ke TPS lain di desa yang sama; temuan tidak "
                           "menyebut TPS tujuan yang sah, pemilih tidak diubah"]
    now = _now(workspace)
    assert now["dpt.csv::2"]["tps"] == "002" and now["dpt.csv::3"]["tps"] == "001" and "dpt.csv::4" not in now
    # Under the 2018 table TMS-8 is mental illness: accepting it strikes.
    assert _accept(workspace, ["hilang-ingatan"], "PILKADA2018").changed == 1
    assert "dpt.csv::5" not in _now(workspace)
