"""Changes to the current list as events: the one mechanism every step of the cycle uses.

A change event carries its changes as typed records (store/events.py), each together with
what it replaced, so applying it and undoing it need nothing but the event itself
(projection.py applies them):

    Removal(key, code "TMS-n", evidence, row as it was)
    Addition(key, evidence, row, code "B")
    Correction(key, column, old, new, old_seq, evidence, code "U")
    Correction(key, "tps", old, new, old_seq, evidence, code "TMS-8", effect "move"): a move

What a code does is the code table's word (domain/codes.py `effect`): only a code that strikes
makes a Removal; a move keeps the voter listed, at another TPS of the same village.

`code` (the regime's change code) and `evidence` say why; the recap and the hand-back
package count and explain changes from them. Review decisions (review.py), committees'
workbooks (collect), public responses (lists) and applied hand-back packages all write
changes this way, each under its own event kind so the source of a change stays visible.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from pemilih.contract import COKLIT_MOVE_COLUMN as MOVE_COLUMN
from pemilih.store import events, projection, settings
from pemilih.store.events import Addition, Change, Correction, Removal
from pemilih.store.projection import VOTER_COLUMNS

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Agency, Event

KEY_CHUNK = 900  # keys per query: below SQLite's 999 parameter limit of older builds
NEW_VOTER_PREFIX = "baru:"


class ChangeError(Exception):
    """A change request that cannot be recorded; the message says why (Bahasa Indonesia)."""


def check_who(actor: str, agency: str, reason: str) -> None:
    if agency not in Agency.values:
        raise ChangeError(f"Instansi '{agency}' tidak dikenal; pilih salah satu: " + ", ".join(Agency.values))
    if not (actor or "").strip() or not (reason or "").strip():
        raise ChangeError("Pelaku dan alasan wajib diisi (dicatat dalam log peristiwa)")


def record(kind: str, changes: list[Change], *, actor: str, agency: str, reason: str,
           legal_basis: str = "", payload: dict | None = None) -> Event:
    """Write one change event and apply it to the current list, atomically.

    `kind`: a kind that changes the list (events.CHANGE_KINDS); `payload`: the other fields
    of its payload record (events.KINDS[kind].payload), checked by that record."""
    check_who(actor, agency, reason)
    spec = events.KINDS.get(kind)
    if spec is None or not spec.changes_list:
        raise ChangeError(f"Peristiwa '{kind}' bukan peristiwa perubahan daftar")
    data = spec.payload(**(payload or {}), changes=tuple(changes))
    with transaction.atomic():
        event = Event.write(kind, data, actor=actor, agency=agency, reason=reason, legal_basis=legal_basis)
        projection.apply(event)
    return event


# --- building changes -------------------------------------------------------------------------

def remove(current: dict, code: str, evidence: str = "") -> Removal:
    return Removal(current["key"], code, evidence, current)


def set_value(current: dict, column: str, new, evidence: str = "") -> Correction:
    return Correction(current["key"], column, current[column], new, current["last_seq"], evidence)


def move(current: dict, tps: str, code: str, evidence: str = "") -> Correction:
    """The voter moved to TPS `tps` of the same village under `code` (its effect is MOVE)."""
    return Correction(current["key"], MOVE_COLUMN, current[MOVE_COLUMN], tps, current["last_seq"], evidence,
                      code, events.MOVE)


def add(row: dict, evidence: str = "", code: str = "B") -> Addition:
    return Addition(row["key"], evidence, row, code)


def new_voter_row(key: str, position: int, values: dict, record_id: int | None = None) -> dict:
    """A full voter row for an addition: the given KPU columns, the rest empty."""
    row = {c: None for c in VOTER_COLUMNS}
    row.update({c: v for c, v in values.items() if c in row})
    row.update(key=key, position=position, record_id=record_id, source_ref="")
    return row


def new_voter_key(nik: str) -> str:
    return NEW_VOTER_PREFIX + (nik or "")


# --- reading the rows a change touches --------------------------------------------------------

@dataclass
class Voters:
    """The rows of the current list a change touches, by key (its changes kept in step)."""

    rows: dict[str, dict]
    last_position: int

    def get(self, key: str) -> dict | None:
        return self.rows.get(key)

    def drop(self, key: str) -> None:
        self.rows.pop(key, None)

    def put(self, key: str, row: dict) -> None:
        self.rows[key] = row

    def next_position(self) -> int:
        self.last_position += 1
        return self.last_position

    def apply(self, change: Change) -> None:
        """Keep these rows as they will be once `change` is applied (several changes to one
        voter in one event must each see the ones before)."""
        if isinstance(change, Removal):
            self.drop(change.key)
        elif isinstance(change, Addition):
            self.put(change.key, dict(change.row))
        else:
            row = self.rows.get(change.key)
            if row is not None:
                row[change.column] = change.new


def voters(keys, last_position: int | None = None) -> Voters:
    """Only the rows named (a few thousand of a list of 200k), fetched in chunks of keys.

    `last_position`: the list's highest position when the caller already knows it (MAX() is a
    scan of the whole table: collect, doing 151 workbooks in a row, reads it once)."""
    keys = list(dict.fromkeys(k for k in keys if k))
    cols = ", ".join(connection.ops.quote_name(c) for c in VOTER_COLUMNS)
    rows = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), KEY_CHUNK):
            part = keys[start:start + KEY_CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f'SELECT {cols} FROM store_voter WHERE "key" IN ({marks})', part)
            rows.update((r[0], dict(zip(VOTER_COLUMNS, r))) for r in cursor.fetchall())
        if last_position is None:
            cursor.execute("SELECT MAX(position) FROM store_voter")
            last_position = cursor.fetchone()[0] or 0
    return Voters(rows, int(last_position))
