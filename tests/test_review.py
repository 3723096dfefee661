"""Review decisions: proposals from findings, accept / reject in bulk, undo, and replay.

Ground truth is hand-made: a three-voter list, a two-person registry, and findings written
out by hand (with made-up keys) rather than produced by the verifier.
"""
from __future__ import annotations

import polars as pl
import pytest

from pemilih.store.appendonly import AppendOnlyError  # noqa: E402 (after Django is set up)
from pemilih.store.projection import current_list, rebuild_projection
from pemilih.store.receive import import_result
from pemilih.store.review import (
    ACCEPTED,
    OPEN,
    REJECTED,
    ReviewError,
    Selection,
    accept,
    load_findings,
    proposals,
    reject,
    undo,
)

from handmade import LIST, REGISTRY, F

pytestmark = pytest.mark.postgres

WHO = {"actor": "Rina", "agency": "DISDUKCAPIL", "reason": "Hasil verifikasi lapangan",
       "legal_basis": "Perbup 12/2024"}
FINDINGS = pl.DataFrame([
    ["dpt.csv::2", "7326014507890001", "TMS-1", None, None, None, "7326014507890001", None, "1",
     "Meninggal dunia", "k-tms1", ""],
    ["dpt.csv::3", "7326011203800002", "U", "NAMA", "YOHANIS PATIKU", "YOHANES PATIKU",
     "7326011203800002", None, "0.93", "Nama berbeda", "k-u-nama", '{"score": 0.93}'],
    ["dpt.csv::4", "7326015001950003", "U", "TANGGAL LAHIR", "1995-01-10", "1995-01-11",
     "7326015001950003", None, "0.97", "Tanggal lahir berbeda", "k-u-tgl", ""],
    ["", "7326014101060004", "B", None, None, None, "7326014101060004", None, "1",
     "Pemilih baru", "k-b", ""],
], schema=F, orient="row")


@pytest.fixture
def loaded(workspace, maker):
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="KPU", agency="KPU", reason="awal")
    import_result(workspace, maker.registry(REGISTRY, name="dk.csv"), actor="D", agency="DISDUKCAPIL",
                  reason="ekstrak")
    outcome = load_findings(workspace, FINDINGS, **WHO)
    assert (outcome.added, outcome.known) == (4, 0)
    return workspace


def _status(ws) -> dict[str, str]:
    return dict(proposals(ws).select("finding_key", "status").iter_rows())


def _list(ws) -> dict[str, dict]:
    return {r["source_ref"] or r["nik"]: r for r in current_list(ws).to_dicts()}


def test_findings_become_proposals_once_with_their_village(loaded):
    table = proposals(loaded)
    assert table["finding_key"].to_list() == ["k-tms1", "k-u-nama", "k-u-tgl", "k-b"]
    assert table["kode_desa"].to_list() == ["73.26.01.2001", "73.26.01.2001", "73.26.01.2002",
                                            "73.26.01.2002"]  # B: the registry's residence
    assert table["score"].to_list() == [1.0, 0.93, 0.97, 1.0]
    assert set(table["status"]) == {OPEN}
    again = load_findings(loaded, FINDINGS, **WHO)
    assert (again.event_seq, again.added, again.known) == (None, 0, 4)
    assert proposals(loaded).height == 4


def test_accepting_changes_the_list_and_rebuild_agrees(loaded, dump_db):
    out = accept(loaded, Selection(keys=("k-tms1", "k-u-nama", "k-b")), **WHO)
    assert (out.decided, out.changed, out.skipped) == (3, 3, [])
    voters = _list(loaded)
    assert "dpt.csv::2" not in voters  # TMS-1 leaves the list
    assert voters["dpt.csv::3"]["nama"] == "YOHANES PATIKU"
    new = voters["baru:7326014101060004"]  # a voter without a source row is named by its key
    assert (new["nama"], new["kode_desa"], new["tanggal_lahir"], new["nik"]) == (
        "LINA SAMPE", "73.26.01.2002", "2006-01-01", "7326014101060004")
    assert voters["dpt.csv::4"]["tanggal_lahir"] == "1995-01-10"  # not decided: unchanged
    assert _status(loaded) == {"k-tms1": ACCEPTED, "k-u-nama": ACCEPTED, "k-b": ACCEPTED, "k-u-tgl": OPEN}
    before = dump_db(loaded)["store_voter"]
    assert rebuild_projection(loaded) == 3
    assert dump_db(loaded)["store_voter"] == before


def test_undo_restores_the_list_exactly_and_rebuild_agrees(loaded, dump_db):
    original = dump_db(loaded)["store_voter"]
    out = accept(loaded, Selection(code="U"), **WHO)
    assert _list(loaded)["dpt.csv::4"]["tanggal_lahir"] == "1995-01-11"
    removal = accept(loaded, Selection(kode_desa="73.26.01.2001", code="TMS-1"), **WHO)
    undo(loaded, out.event_seq, actor="Rina", reason="Salah pilih")
    undo(loaded, removal.event_seq, actor="Rina", reason="Ternyata masih hidup")
    assert dump_db(loaded)["store_voter"] == original
    assert set(_status(loaded).values()) == {OPEN}
    rebuild_projection(loaded)
    assert dump_db(loaded)["store_voter"] == original
    with pytest.raises(ReviewError, match="sudah dibatalkan"):
        undo(loaded, out.event_seq, actor="Rina", reason="lagi")


def test_rejected_finding_is_not_proposed_again_until_undone(loaded):
    out = reject(loaded, Selection(score_min=0.9, score_max=0.95), **WHO)
    assert out.decided == 1 and _status(loaded)["k-u-nama"] == REJECTED
    assert _list(loaded)["dpt.csv::3"]["nama"] == "YOHANIS PATIKU"
    again = load_findings(loaded, FINDINGS, **WHO)
    assert (again.added, again.rejected_before) == (0, 1)
    assert proposals(loaded, Selection(status=OPEN)).height == 3
    with pytest.raises(ReviewError, match="terbuka"):  # decided proposals are not decided again
        accept(loaded, Selection(keys=("k-u-nama",)), **WHO)
    undo(loaded, out.event_seq, actor="Rina", reason="Perlu dilihat lagi")
    assert _status(loaded)["k-u-nama"] == OPEN


def test_decisions_need_a_reason_a_selection_and_stay_append_only(loaded):
    from pemilih.store.models import Proposal, ReviewDecision
    with pytest.raises(ReviewError, match="alasan"):
        accept(loaded, Selection(code="U"), actor="Rina", reason=" ")
    with pytest.raises(ReviewError, match="Pilih"):
        accept(loaded, Selection(), **WHO)
    with pytest.raises(ReviewError, match="bukan keputusan"):
        undo(loaded, 1, actor="Rina", reason="x")
    reject(loaded, Selection(code="B"), **WHO)
    with pytest.raises(AppendOnlyError):
        Proposal.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ReviewDecision.objects.all().update(verdict="accept")


def test_database_refuses_to_rewrite_review_tables(loaded):
    from django.db import DatabaseError, connection, transaction
    reject(loaded, Selection(code="B"), **WHO)
    for sql in ("UPDATE store_proposal SET code = 'X'", "DELETE FROM store_proposal",
                "UPDATE store_reviewdecision SET verdict = 'accept'", "DELETE FROM store_reviewdecision"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert proposals(loaded).height == 4


def test_quality_codes_and_unknown_voters_are_decisions_without_changes(loaded, dump_db):
    extra = pl.DataFrame([
        ["dpt.csv::3", "7326011203800002", "NIK-NOT-FOUND", None, None, None, None, None, None,
         "NIK tidak ditemukan", "k-q", ""],
        ["dpt.csv::99", "7326011203800009", "TMS-4", None, None, None, None, None, "1", "Pindah", "k-gone", ""],
        ["", "7326019999990009", "B", None, None, None, "7326019999990009", None, "1", "Baru", "k-b2", ""],
    ], schema=F, orient="row")
    assert load_findings(loaded, extra, **WHO).added == 3
    before = dump_db(loaded)["store_voter"]
    out = accept(loaded, Selection(keys=("k-q", "k-gone", "k-b2")), **WHO)
    assert (out.decided, out.changed, len(out.skipped)) == (3, 0, 2)
    assert dump_db(loaded)["store_voter"] == before


def test_a_skipped_new_voter_is_named_with_the_nik_masked(loaded):
    gone = pl.DataFrame([["baru:7326014101060004", "7326014101060004", "TMS-4", None, None, None, None, None, "1",
                          "Pindah", "k-baru", ""]], schema=F, orient="row")
    load_findings(loaded, gone, **WHO)
    out = accept(loaded, Selection(keys=("k-baru",)), **WHO)
    assert out.skipped == ["k-baru: pemilih baru:732601********** tidak ada di daftar saat ini"]


def test_a_decision_before_a_newer_list_cannot_be_undone(loaded, maker):
    out = accept(loaded, Selection(keys=("k-tms1",)), **WHO)
    import_result(loaded, maker.generated_kpu(5, name="dpt_baru.csv"), actor="KPU", agency="KPU",
                  reason="daftar baru")
    with pytest.raises(ReviewError, match="impor daftar baru"):
        undo(loaded, out.event_seq, actor="Rina", reason="x")
    assert rebuild_projection(loaded) == 5


def test_undo_waits_for_later_decisions_on_the_same_voter(loaded, dump_db):
    original = dump_db(loaded)["store_voter"]
    fix = accept(loaded, Selection(keys=("k-u-nama",)), **WHO)
    other = accept(loaded, Selection(keys=("k-u-tgl",)), **WHO)  # another voter: no conflict
    gone = reject(loaded, Selection(keys=("k-b",)), **WHO)
    undo(loaded, gone.event_seq, actor="Rina", reason="x")
    extra = FINDINGS.filter(pl.col("finding_key") == "k-tms1").with_columns(
        pl.lit("dpt.csv::3").alias("source_ref"), pl.lit("k-tms1-b").alias("finding_key"))
    load_findings(loaded, extra, **WHO)
    removal = accept(loaded, Selection(keys=("k-tms1-b",)), **WHO)  # the corrected voter leaves
    with pytest.raises(ReviewError, match=f"#{removal.event_seq}"):
        undo(loaded, fix.event_seq, actor="Rina", reason="x")
    for seq in (removal.event_seq, fix.event_seq, other.event_seq):
        undo(loaded, seq, actor="Rina", reason="urut mundur")
    assert dump_db(loaded)["store_voter"] == original
