"""The current voter list (table store_voter) as a projection of the event log.

Each kind of event (store/events.py, the registry of kinds) has an applier here that changes
the projection the way the event says; they are registered in one table, APPLIERS, at the end
of this module, which must cover every kind of the registry (tests check it). The writer of an
event applies it in the same transaction; `rebuild_projection` throws the table away and
replays the log, and must give the same table (tests check it). Replay refuses an event of a
kind or schema version this release does not know (events.check): a guessed replay would be
another list than the one its writer had.
"""
from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import polars as pl
from django.db import connection, transaction

from pemilih.contract import KPU_COLUMNS
from pemilih.store import bulk, events, settings

# Kind names, for the importers of this module's names before store/events.py existed.
from pemilih.store.events import (  # noqa: F401
    AGREEMENT_RECORDED,
    CHANGE_KINDS,
    COKLIT_COLLECTED,
    DATA_TRANSFERRED,
    ELECTION_CREATED,
    ELECTION_LIST_SET,
    FINDINGS_LOADED,
    HANDBACK_APPLIED,
    LIST_SHARED,
    REPLACING_KINDS,
    RESPONSE_RECORDED,
    REVIEW_ACCEPTED,
    REVIEW_REJECTED,
    REVIEW_UNDONE,
    Correction,
    EventError,
    Removal,
)

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

CURRENT_LIST_COLUMNS = KPU_COLUMNS + ["source_ref"]
VOTER_COLUMNS = ["key", "position", "record_id", "source_ref", *KPU_COLUMNS, "last_seq"]
LAST_SEQ_AT = VOTER_COLUMNS.index("last_seq")
CORRECTABLE = frozenset(KPU_COLUMNS)  # what a Correction may set
# How a voter of store_voter is referred to: its source reference, or for a voter added by a
# change (no source row) its key, so findings and decisions name it like any other voter.
VOTER_REF = "CASE WHEN source_ref = '' OR source_ref IS NULL THEN \"key\" ELSE source_ref END"


class ProjectionError(EventError):
    """The log holds an event this version of pemilih cannot apply."""


def apply(event: Event) -> None:
    """Apply one event to store_voter; refused (EventError) when its kind or schema version is
    not known to this release."""
    events.check(event.kind, event.payload, event.seq)
    func = APPLIERS.get(event.kind)
    if func is None:
        raise ProjectionError(
            f"Peristiwa #{event.seq} berjenis '{event.kind}' tidak dikenal versi pemilih ini")
    func(event)


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
    # The planner's statistics of the new list now, not whenever autovacuum comes by: the
    # voter list's name search is planned on those of UPPER(nama) (web/indexes.py, issue 17).
    cursor.execute(f"ANALYZE {quote(table)}")


def _empty_voters(cursor) -> None:
    # PostgreSQL: TRUNCATE (transactional there) instead of a row-by-row DELETE that leaves
    # 200k dead rows behind. SQLite's unqualified DELETE is already a truncate.
    if connection.vendor == "postgresql":
        cursor.execute("TRUNCATE store_voter")
    else:
        cursor.execute("DELETE FROM store_voter")


def _unchanged(event: Event) -> None:
    """Recorded only: a registry extract (evidence for findings), proposals loaded or rejected,
    what was agreed, handed over or set. The current list stays as it is."""


def _changes_applied(event: Event) -> None:
    _apply_changes(event.data().changes, event.seq, undo=False)


def _review_undone(event: Event) -> None:
    """Undo a decision: its changes reversed, last first (a rejection changed nothing)."""
    undone = Event.objects.get(seq=event.undoes_id)
    if undone.kind in CHANGE_KINDS:
        _apply_changes(list(reversed(undone.data().changes)), event.seq, undo=True)


def _apply_changes(changes, seq: int, undo: bool) -> None:
    """Apply change records in order; consecutive ones of the same statement go in one
    executemany (tens of thousands of corrections would otherwise be as many round trips)."""
    statement = _Statements(seq, undo)
    with connection.cursor() as cursor:
        run_sql, run_params = None, []
        for change in changes:
            sql, params = statement.of(change)
            if sql != run_sql and run_params:
                cursor.executemany(run_sql, run_params)
                run_params = []
            run_sql = sql
            run_params.append(params)
        if run_params:
            cursor.executemany(run_sql, run_params)


class _Statements:
    """The SQL statement and parameters of each change of one event, applied or undone. Each
    statement's text is made once per event (per column for corrections), not once per change."""

    DELETE = 'DELETE FROM store_voter WHERE "key" = %s'

    def __init__(self, seq: int, undo: bool):
        self.seq, self.undo = seq, undo
        quote = connection.ops.quote_name
        self.quote = quote
        self.insert = (f"INSERT INTO store_voter ({', '.join(quote(c) for c in VOTER_COLUMNS)}) "
                       f"VALUES ({', '.join(['%s'] * len(VOTER_COLUMNS))})")
        self.updates: dict[str, str] = {}

    def of(self, change: events.Change) -> tuple[str, list]:
        kind = type(change)
        if kind is Correction:
            return self._correction(change)
        if (kind is Removal) != self.undo:  # a removal, or the undo of an addition
            return self.DELETE, [change.key]
        row = change.row  # an addition, or the undo of a removal: the row as saved
        values = [row.get(c) for c in VOTER_COLUMNS]
        if not self.undo:
            values[LAST_SEQ_AT] = self.seq  # this event shaped the added row
        return self.insert, values

    def _correction(self, change: Correction) -> tuple[str, list]:
        sql = self.updates.get(change.column)
        if sql is None:
            if change.column not in CORRECTABLE:
                raise ProjectionError(f"Peristiwa #{self.seq}: kolom '{change.column}' bukan kolom daftar pemilih")
            sql = self.updates[change.column] = (
                f'UPDATE store_voter SET {self.quote(change.column)} = %s, last_seq = %s WHERE "key" = %s')
        if self.undo:
            return sql, [change.old, change.old_seq, change.key]
        return sql, [change.new, self.seq, change.key]


def rebuild_projection(ws=None) -> int:
    """Recompute the current list from the events; returns the number of voters."""
    if ws is not None:
        ws.activate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            _empty_voters(cursor)
        last_replace = (Event.objects.filter(kind__in=REPLACING_KINDS)
                        .order_by("-seq").values_list("seq", flat=True).first())
        log = Event.objects.order_by("seq")
        if last_replace is not None:  # everything before it was replaced wholesale
            log = log.filter(seq__gte=last_replace)
        for event in log.iterator():
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


# --- the appliers, one per kind of store/events.py ----------------------------------------------
APPLIERS: dict[str, Callable[[Event], None]] = {
    events.LIST_IMPORTED: _list_imported,
    events.REGISTRY_IMPORTED: _unchanged,
    events.AGREEMENT_RECORDED: _unchanged,
    events.FINDINGS_LOADED: _unchanged,
    events.REVIEW_ACCEPTED: _changes_applied,
    events.REVIEW_REJECTED: _unchanged,
    events.REVIEW_UNDONE: _review_undone,
    events.LIST_SHARED: _unchanged,
    events.COKLIT_COLLECTED: _changes_applied,
    events.DATA_TRANSFERRED: _unchanged,
    events.ELECTION_CREATED: _unchanged,
    events.ELECTION_LIST_SET: _unchanged,
    events.RESPONSE_RECORDED: _changes_applied,
    events.HANDBACK_APPLIED: _changes_applied,
    events.VILLAGE_RESOLVED: _changes_applied,
    events.KEY_REGISTERED: _unchanged,
    events.RETENTION_APPLIED: _unchanged,
    events.DOCUMENT_SETTINGS_SET: _unchanged,
    events.DOCUMENT_ISSUED: _unchanged,
    events.TPS_PLACE_SET: _unchanged,
    events.BALLOTS_RECORDED: _unchanged,
    events.EQUIPMENT_INVENTORY_RECORDED: _unchanged,
    events.LOAN_REQUESTED: _unchanged,
    events.LOAN_AGREED: _unchanged,
    events.LOAN_HANDED_OVER: _unchanged,
    events.LOAN_RETURNED: _unchanged,
    events.EDUCATION_RECORDED: _unchanged,
    # DP3 (store/dp3.py): the programme's own records, no change to the list
    events.DP3_LOKUS_DESIGNATED: _unchanged,
    events.DP3_CADRE_REGISTERED: _unchanged,
    events.DP3_CADRE_CORRECTED: _unchanged,
    events.DP3_CONSENT_WITHDRAWN: _unchanged,
    events.DP3_TRAINING_RECORDED: _unchanged,
    events.DP3_ACTIVITY_RECORDED: _unchanged,
}
# The kinds that change store_voter: a reading of the list stays good across any other event.
LIST_CHANGING_KINDS = frozenset(kind for kind, func in APPLIERS.items() if func is not _unchanged)
