"""The list at any moment, and what happened to it in a period, from the event log alone.

The projection (store_voter) only holds the list as it is now; recaps need it as it stood at
the start and at the end of a period. Replaying the log in memory for the few columns a recap
counts is cheap (200k voters, a few thousand changes) and needs no second projection.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from pemilih.contract import KPU_COLUMNS
from pemilih.contract import RECAP_STATE_COLUMNS as STATE_COLUMNS
from pemilih.domain.village_queue import has_village
from pemilih.store import bulk, events, settings
from pemilih.store.events import Addition, Change, Correction, Removal

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

TRACKED = [c for c in STATE_COLUMNS if c != "key"]


@dataclass
class Period:
    start: pl.DataFrame  # STATE_COLUMNS, the list at the start of the period
    end: pl.DataFrame  # the list at its end
    removals: pl.DataFrame  # key, code, evidence: last removal of each key within the period
    corrected: pl.Series  # keys with a correction (U) within the period
    reasons: pl.DataFrame  # key, code, evidence: the last change of each key within the period
    events: int  # change events within the period
    # The removals within the period still standing, each with the row as it was taken off
    # (what a view of the list under other rules needs to put a voter back).
    removed_rows: dict[str, tuple[str, str, dict]] = field(default_factory=dict)
    # (key, column) -> (code, evidence, effect) of the last correction of that field within the period.
    field_reasons: dict[tuple[str, str], tuple[str, str, str | None]] = field(default_factory=dict)

    def removed(self) -> pl.DataFrame:
        """key, code, evidence and KPU_COLUMNS of every voter removed within the period (as the
        row stood when removed)."""
        schema = {"key": pl.String, "code": pl.String, "evidence": pl.String, **{c: pl.String for c in KPU_COLUMNS}}
        rows = [(key, code, evidence, *(_text(row.get(c)) for c in KPU_COLUMNS))
                for key, (code, evidence, row) in self.removed_rows.items()]
        return pl.DataFrame(rows, schema=schema, orient="row")

    def field_changes(self) -> pl.DataFrame:
        """key, column, code, evidence, effect: the last correction of each field within the
        period (effect `move` for a move to another TPS of the village, else null)."""
        rows = [(k, c, *why) for (k, c), why in self.field_reasons.items()]
        return pl.DataFrame(rows, schema={"key": pl.String, "column": pl.String, "code": pl.String,
                                          "evidence": pl.String, "effect": pl.String}, orient="row")


def period(start: datetime, end: datetime) -> Period:
    """Replay the log from the last list import up to `end`, noting the state at `start`.

    A list received within the period is its start: the period counts what happened to the
    list as it was received (the hand-back counts against the list KPU shared)."""
    base = (Event.objects.filter(kind=events.LIST_IMPORTED, happened_at__lte=end)
            .order_by("-seq").first())
    rows = dict(_imported(base)) if base is not None else {}
    removals, reasons, corrected, counted, at_start = {}, {}, set(), 0, None
    notes = _Notes()
    later = Event.objects.filter(kind__in=[*events.CHANGE_KINDS, events.REVIEW_UNDONE],
                                 seq__gt=base.seq if base else 0, happened_at__lte=end).order_by("seq")
    for event in later.iterator():
        inside = event.happened_at > start
        if inside and at_start is None:
            at_start = dict(rows)  # events come in order: the first inside one ends the start
        made = changes_of(event)
        placed = _placed(made) if inside else set()
        for change, undo in made:
            _replay(rows, change, undo)
            if inside:
                _note(change, undo, removals, corrected)
                notes.note(change, undo)
                reasons[change.key] = (change.code or "", change.evidence or "")
                if change.key in placed and isinstance(change, Correction) and change.column in PLACE_COLUMNS:
                    _replay(at_start, change, undo)
        counted += inside
    if at_start is None:
        at_start = dict(rows)
    return Period(_frame(at_start), _frame(rows), _why(removals),
                  pl.Series("key", sorted(corrected), dtype=pl.String), _why(reasons), counted,
                  {k: v for k, v in notes.removed.items() if k not in rows}, notes.fields)


PLACE_COLUMNS = ("kode_desa", "desa", "kecamatan")


def _placed(made: list[tuple[Change, bool]]) -> set[str]:
    """Keys a change of this event gives a village when they had none (the unresolved queue): a
    resolution by a person, or KPU applying one from a hand-back. That is where the voter always
    was, not a move: the recap counts the voter in that village from the start of the period, as
    corrected, never as moved out of the queue (TMS-4) and new in the village."""
    return {c.key for c, undo in made if isinstance(c, Correction) and c.column == "kode_desa" and not undo
            and not has_village(c.old) and has_village(c.new)}


def _why(found: dict[str, tuple[str, str]]) -> pl.DataFrame:
    return pl.DataFrame([(k, *v) for k, v in found.items()], orient="row",
                        schema={"key": pl.String, "code": pl.String, "evidence": pl.String})


_imported_cache: dict[tuple, dict[str, tuple]] = {}


def _imported(event: Event) -> dict[str, tuple]:
    """The list as a batch imported it: read once per process and database (an import batch
    is immutable, and re-reading 200k rows is most of a replay). Callers copy before replaying."""
    from django.db import connection
    key = (connection.vendor, connection.settings_dict.get("NAME"), connection.settings_dict.get("HOST"),
           int(event.batch_id))
    if key not in _imported_cache:
        cols = ", ".join(TRACKED)
        frame = bulk.read_frame(f"SELECT source_ref, {cols} FROM store_sourcerecord WHERE batch_id = "
                                f"{int(event.batch_id)}", ["key", *TRACKED])
        _imported_cache.clear()  # one list at a time: a regency's list is 200k rows of memory
        _imported_cache[key] = {r[0]: r[1:] for r in frame.iter_rows()}
    return _imported_cache[key]


def changes_of(event: Event) -> list[tuple[Change, bool]]:
    """(change, undone) for each change an event made, in the order they took effect (an undo:
    the undone decision's changes, reversed)."""
    if event.kind != events.REVIEW_UNDONE:
        return [(c, False) for c in event.data().changes]
    undone = Event.objects.get(seq=event.undoes_id)
    if undone.kind not in events.CHANGE_KINDS:
        return []
    return [(c, True) for c in reversed(undone.data().changes)]


def _replay(rows: dict[str, tuple], change: Change, undo: bool) -> None:
    """`rows` as `change` leaves them (undone: as it found them)."""
    key = change.key
    if isinstance(change, (Removal, Addition)):
        if isinstance(change, Removal) != undo:  # a removal, or the undo of an addition
            rows.pop(key, None)
        else:
            rows[key] = tuple(change.row.get(c) for c in TRACKED)
    elif key in rows and change.column in TRACKED:
        values = list(rows[key])
        values[TRACKED.index(change.column)] = change.old if undo else change.new
        rows[key] = tuple(values)


def _note(change: Change, undo: bool, removals: dict, corrected: set) -> None:
    if isinstance(change, Removal) and not undo:
        removals[change.key] = (change.code or "", change.evidence or "")
    elif isinstance(change, Removal):
        removals.pop(change.key, None)  # an undone removal is no removal
    elif not isinstance(change, Addition):
        corrected.add(change.key)


class _Notes:
    """What the period's changes say beyond the counts: the row each removal took off, and the
    code and evidence of each field's last correction (an undo forgets what it undid)."""

    def __init__(self):
        self.removed: dict[str, tuple[str, str, dict]] = {}
        self.fields: dict[tuple[str, str], tuple[str, str]] = {}

    def note(self, change: Change, undo: bool) -> None:
        if isinstance(change, Removal):
            if undo:
                self.removed.pop(change.key, None)
            else:
                self.removed[change.key] = (change.code or "", change.evidence or "", change.row)
        elif not isinstance(change, Addition):
            if undo:
                self.fields.pop((change.key, change.column), None)
            else:
                self.fields[(change.key, change.column)] = (change.code or "U", change.evidence or "", change.effect)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _frame(rows: dict[str, tuple]) -> pl.DataFrame:
    schema = {c: pl.String for c in STATE_COLUMNS}
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = list(zip(*rows.values()))
    return pl.DataFrame({"key": list(rows), **{c: list(columns[i]) for i, c in enumerate(TRACKED)}},
                        schema=schema)
