"""The current voter list (table store_voter) as a projection of the event log.

Each event kind has an applier that changes the projection the way the event says. The
importer applies its own event in the same transaction; `rebuild_projection` throws the
table away and replays the log, and must give the same table (tests check it). Later change
events (corrections, TMS, new voters, undo) register their appliers here.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import polars as pl
from django.db import connection, transaction

from pemilih.contract import KPU_COLUMNS
from pemilih.store import bulk, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

CURRENT_LIST_COLUMNS = KPU_COLUMNS + ["source_ref"]
# How a voter of store_voter is referred to: its source reference, or for a voter added by a
# change (no source row) its key, so findings and decisions name it like any other voter.
VOTER_REF = "CASE WHEN source_ref = '' OR source_ref IS NULL THEN \"key\" ELSE source_ref END"
# Events that replace the whole list: replay can start from the last of them.
REPLACING_KINDS = {Event.LIST_IMPORTED}

APPLIERS: dict[str, Callable[[Event], None]] = {}


class ProjectionError(Exception):
    """The log holds an event this version of pemilih cannot apply."""


def applier(kind: str):
    def register(func):
        APPLIERS[kind] = func
        return func
    return register


def apply(event: Event) -> None:
    func = APPLIERS.get(event.kind)
    if func is None:
        raise ProjectionError(
            f"Peristiwa #{event.seq} berjenis '{event.kind}' tidak dikenal versi pemilih ini")
    func(event)


@applier(Event.LIST_IMPORTED)
def _list_imported(event: Event) -> None:
    """The list becomes the batch's records, in import order, keyed by source reference."""
    cols = ", ".join(KPU_COLUMNS)
    with connection.cursor() as cursor:
        _empty_voters(cursor)
        with _indexed_after_filling(cursor, "store_voter"):
            cursor.execute(
                f'INSERT INTO store_voter ("key", position, record_id, source_ref, {cols}, last_seq) '
                f"SELECT source_ref, id, id, source_ref, {cols}, %s FROM store_sourcerecord "
                "WHERE batch_id = %s",
                [event.seq, event.batch_id])


@contextmanager
def _indexed_after_filling(cursor, table: str):
    """PostgreSQL: the empty table's indexes (its key, and any the web application made) are
    dropped and made again once it is filled: one sorted build instead of 190k insertions into
    each index (0.8 s -> 0.55 s for a regency's list). Inside the import's transaction, like
    the TRUNCATE before it, which already holds the table's exclusive lock. SQLite keeps
    its indexes: its key cannot be dropped without rebuilding the table."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    # Constraints that own an index (the key, any unique one) are dropped and added as
    # constraints; the other indexes by their own definition.
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                   "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname", [table])
    keys = cursor.fetchall()
    cursor.execute("SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                   "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                   "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)", [table])
    others = cursor.fetchall()
    for name, _ in others:
        cursor.execute(f"DROP INDEX {quote(name)}")
    for name, _ in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
    yield
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
    for _, definition in others:
        cursor.execute(definition)


def _empty_voters(cursor) -> None:
    # PostgreSQL: TRUNCATE (transactional there) instead of a row-by-row DELETE that leaves
    # 200k dead rows behind. SQLite's unqualified DELETE is already a truncate.
    if connection.vendor == "postgresql":
        cursor.execute("TRUNCATE store_voter")
    else:
        cursor.execute("DELETE FROM store_voter")


@applier(Event.REGISTRY_IMPORTED)
def _registry_imported(event: Event) -> None:
    """A civil-registry extract is evidence for findings; it does not change the list."""


# --- review decisions (store/review.py) ------------------------------------------------------
# A decision event carries its changes to the list in payload["changes"], each with what it
# replaced, so that applying it and undoing it need nothing but the event itself:
#   {"op": "remove", "key": k, "row": {...}}  {"op": "add", "key": k, "row": {...}}
#   {"op": "set", "key": k, "column": c, "old": v, "new": v, "old_seq": n}
FINDINGS_LOADED = "findings-loaded"
REVIEW_ACCEPTED = "review-accepted"
REVIEW_REJECTED = "review-rejected"
REVIEW_UNDONE = "review-undone"
VOTER_COLUMNS = ["key", "position", "record_id", "source_ref", *KPU_COLUMNS, "last_seq"]


@applier(FINDINGS_LOADED)
@applier(REVIEW_REJECTED)
def _no_change(event: Event) -> None:
    """Proposals loaded, or rejected: remembered in the store, the list stays as it is."""


# --- the village cycle (store/changes.py builds the changes these events carry) ------------
COKLIT_COLLECTED = "coklit-collected"  # a committee's field-validation workbook collected
RESPONSE_RECORDED = "response-recorded"  # a public response to the provisional list
HANDBACK_APPLIED = "handback-applied"  # DPML's hand-back package applied on KPU's side
AGREEMENT_RECORDED = "agreement-recorded"
LIST_SHARED = "list-shared"  # a field-validation workbook cut and handed to a committee
DATA_TRANSFERRED = "data-transferred"  # any other export of personal data (hand-back, ...)
ELECTION_CREATED = "election-created"
ELECTION_LIST_SET = "election-list-set"  # DPS, DPT or DPTb set for an election
CHANGE_KINDS = (REVIEW_ACCEPTED, COKLIT_COLLECTED, RESPONSE_RECORDED, HANDBACK_APPLIED)


@applier(AGREEMENT_RECORDED)
@applier(LIST_SHARED)
@applier(DATA_TRANSFERRED)
@applier(ELECTION_CREATED)
@applier(ELECTION_LIST_SET)
def _recorded_only(event: Event) -> None:
    """Records of what was agreed, handed over or set; the current list stays as it is."""


@applier(REVIEW_ACCEPTED)
@applier(COKLIT_COLLECTED)
@applier(RESPONSE_RECORDED)
@applier(HANDBACK_APPLIED)
def _changes_applied(event: Event) -> None:
    _apply_changes(event.payload.get("changes", []), event.seq, undo=False)


@applier(REVIEW_UNDONE)
def _review_undone(event: Event) -> None:
    """Undo a decision: its changes reversed, last first (a rejection changed nothing)."""
    undone = Event.objects.get(seq=event.undoes_id)
    if undone.kind in CHANGE_KINDS:
        _apply_changes(list(reversed(undone.payload.get("changes", []))), event.seq, undo=True)


def _apply_changes(changes: list[dict], seq: int, undo: bool) -> None:
    """Apply changes in order; consecutive ones of the same statement go in one executemany
    (tens of thousands of corrections would otherwise be as many round trips)."""
    with connection.cursor() as cursor:
        run_sql, run_params = None, []
        for change in changes:
            sql, params = _statement(change, seq, undo)
            if sql != run_sql and run_params:
                cursor.executemany(run_sql, run_params)
                run_params = []
            run_sql = sql
            run_params.append(params)
        if run_params:
            cursor.executemany(run_sql, run_params)


def _statement(change: dict, seq: int, undo: bool) -> tuple[str, list]:
    quote = connection.ops.quote_name
    op = change["op"]
    if op == "set":
        value, last = (change["old"], change["old_seq"]) if undo else (change["new"], seq)
        return (f'UPDATE store_voter SET {quote(change["column"])} = %s, last_seq = %s WHERE "key" = %s',
                [value, last, change["key"]])
    if (op == "remove") != undo:  # a removal, or the undo of an addition
        return 'DELETE FROM store_voter WHERE "key" = %s', [change["key"]]
    row = dict(change["row"])  # an addition, or the undo of a removal: the row as saved
    if not undo:
        row["last_seq"] = seq
    cols = ", ".join(quote(c) for c in VOTER_COLUMNS)
    marks = ", ".join(["%s"] * len(VOTER_COLUMNS))
    return f"INSERT INTO store_voter ({cols}) VALUES ({marks})", [row.get(c) for c in VOTER_COLUMNS]


def rebuild_projection(ws=None) -> int:
    """Recompute the current list from the events; returns the number of voters."""
    if ws is not None:
        ws.activate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            _empty_voters(cursor)
        last_replace = (Event.objects.filter(kind__in=REPLACING_KINDS)
                        .order_by("-seq").values_list("seq", flat=True).first())
        events = Event.objects.order_by("seq")
        if last_replace is not None:  # everything before it was replaced wholesale
            events = events.filter(seq__gte=last_replace)
        for event in events.iterator():
            apply(event)
        return _count()


def _count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM store_voter")
        return cursor.fetchone()[0]


def current_list(ws=None) -> pl.DataFrame:
    """The current list: KPU_COLUMNS + source_ref, all text, in list order."""
    if ws is not None:
        ws.activate()
    cols = ", ".join(KPU_COLUMNS) + ", " + VOTER_REF
    return bulk.read_frame(f"SELECT {cols} FROM store_voter ORDER BY position", CURRENT_LIST_COLUMNS)
