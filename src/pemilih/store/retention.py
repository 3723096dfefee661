"""Retention: what an agreement lets a workspace keep, and for how long, then redaction.

An agreement's `retention` says when the recipient's copy goes, e.g. "Dihapus 3 bulan setelah
diserahkan kembali": on DPML's side the list KPU shared and the personal data derived from it
are to be gone some months after the hand-back made under that agreement (the transfer event
of the package). `due()` finds, per agreement, the last hand-back and the day its retention
ends; `run()` counts (dry run) or redacts what is past it and records one event with the
counts, never a personal value.

The store is append-only (appendonly.py; database triggers) and its log is the evidence of
what was done, by whom, when. Deleting events would destroy that evidence; keeping them whole
would keep the personal data. The design taken is redaction in place, recorded:

- the personal fields of every row are blanked (NULL): the identifying list columns
  (`IDENTIFYING`: NIK, NKK, name, place and date of birth, address, ...) of the current list,
  of the rows received from KPU (and each received file's bytes), of the election lists and
  of the verification proposals, and the same fields inside every event's payload (a changed
  row, a corrected value of such a column, a conflict);
- a new voter's key holds a NIK (`baru:<NIK>`): every 16-digit run in a key is replaced by a
  pseudonym, an HMAC of it under a random secret that is never stored, so the same voter keeps
  one key across tables and events (the log still replays to the list) and nobody can go back;
- what recaps count stays: keys, villages, TPS, sex, KTP-el, codes, dates of events, who acted;
  the Rakor figures of past periods are unchanged;
- each redacted event keeps in its payload `_redacted`: the SHA-256 of the payload before;
  its chain hash (store/chain.py) stays the original, so the chain links on, and the retention
  event (itself chained, holding no personal value) lists per redacted event the chain hash of
  its redacted content: `pemilih audit verify` accepts a redacted event only when its content
  gives exactly that hash, so a redacted event edited afterwards still shows;
- the database permits these UPDATEs (never a DELETE) only inside the transaction of a run,
  while it holds a row of store_redactionpass (migration 0009); the ORM never does them.

Crypto-shredding (every personal field encrypted under a per-agreement key, the key deleted)
would avoid rewriting rows but needs every writer and reader of personal data to go through
encryption; redaction needs nothing of them, and is what is here.
"""
from __future__ import annotations

import calendar
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from pemilih.store import chain, events, projection, recap, settings
from pemilih.store.changes import NEW_VOTER_PREFIX

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Agreement, Event, ImportBatch, Kind, RedactionPass

# The list columns that name a person; what recaps count (place, TPS, sex, KTP-el) is kept.
IDENTIFYING = ["nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "status_kawin", "alamat", "rt", "rw",
               "disabilitas", "keterangan"]
# Fields of event payloads and proposals that hold a person's values.
_PAYLOAD_FIELDS = frozenset(IDENTIFYING) | {"registry_nik", "current", "proposed", "row_values", "values"}
_KEY_FIELDS = frozenset({"key", "keys", "duplicate_of", "source_ref", "voter_key"})
_RUN = re.compile(r"(?<![0-9A-Za-z])\d{16}(?![0-9A-Za-z])")
_TERM = re.compile(r"(\d+)\s*(hari|bulan|tahun)", re.IGNORECASE)
HANDBACK_WHAT = "paket serah-kembali"  # store/handback.record's transfer


class RetentionError(Exception):
    """A retention that cannot be run; the message says why (Bahasa Indonesia)."""


def term(text: str) -> tuple[int, str] | None:
    """(number, unit) of an agreement's retention text ("... 3 bulan setelah ..."), or None."""
    found = _TERM.search(text or "")
    return (int(found.group(1)), found.group(2).lower()) if found else None


def add_term(day: date, amount: int, unit: str) -> date:
    if unit == "hari":
        return date.fromordinal(day.toordinal() + amount)
    months = amount * (12 if unit == "tahun" else 1)
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Due:
    agreement: str
    retention: str
    handed_back: date | None  # the last hand-back under it; None: none yet
    due: date | None  # when its retention ends; None: no hand-back yet, or a text not understood
    done: bool = False  # a retention run for this hand-back is recorded
    note: str = ""


@dataclass
class RetentionOutcome:
    on: date
    due: list[Due]
    counts: dict[str, int] = field(default_factory=dict)  # what is (or was) redacted, per table
    applied: bool = False
    event_seq: int | None = None


def due(ws, on: date) -> list[Due]:
    """Per agreement this workspace handed a package back under: the last hand-back and when its
    retention ends."""
    ws.activate()
    handed: dict[str, date] = {}
    for event in Event.objects.filter(kind=events.DATA_TRANSFERRED, payload__what=HANDBACK_WHAT).order_by("seq"):
        handed[event.payload.get("agreement", "")] = event.happened_at.astimezone(recap.ZONE).date()
    done = {(e.payload.get("agreement"), e.payload.get("handed_back"))
            for e in Event.objects.filter(kind=events.RETENTION_APPLIED)}
    out = []
    for agreement in Agreement.objects.order_by("pk"):
        back = handed.get(agreement.number)
        found = term(agreement.retention)
        item = Due(agreement.number, agreement.retention, back, None)
        if back is None:
            item.note = "belum ada serah-kembali dengan perjanjian ini"
        elif found is None:
            item.note = "masa retensi tidak terbaca (tulis mis. '3 bulan setelah diserahkan kembali')"
        else:
            item.due = add_term(back, *found)
            item.done = (agreement.number, back.isoformat()) in done
        out.append(item)
    return out


def run(ws, on: date, *, apply: bool, actor: str, agency: str, reason: str) -> RetentionOutcome:
    """Count (apply=False) or redact (apply=True) the personal data past a retention on `on`.
    One run covers the agreement whose retention ended last (the data is one regency's list);
    it is recorded as one event with the counts."""
    ws.activate()
    items = due(ws, on)
    past = [d for d in items if d.due is not None and d.due <= on and not d.done]
    outcome = RetentionOutcome(on, items)
    if not past:
        return outcome
    latest = max(past, key=lambda d: d.handed_back)
    batches = list(ImportBatch.objects.filter(kind=Kind.KPU, created__date__lte=latest.handed_back)
                   .values_list("pk", flat=True))
    with transaction.atomic():
        if apply:
            marker = RedactionPass.objects.create()
        redacted: dict[str, str] = {}
        outcome.counts = _redact(batches, apply=apply, redacted=redacted)
        if apply:
            event = Event.write(events.RETENTION_APPLIED, events.RetentionApplied(
                agreement=latest.agreement, handed_back=latest.handed_back, due=latest.due,
                counts=outcome.counts, redacted=redacted), actor=actor, agency=agency, reason=reason,
                legal_basis=f"Retensi perjanjian {latest.agreement}: {latest.retention}")
            projection.apply(event)
            RedactionPass.objects.filter(pk=marker.pk).delete()
            outcome.applied, outcome.event_seq = True, event.seq
            for d in past:
                d.done = d is latest or d.done
    return outcome


def recorded(ws, start=None, end=None) -> list[Event]:
    """The retention runs recorded (between two datetimes, when given), oldest first."""
    ws.activate()
    found = Event.objects.filter(kind=events.RETENTION_APPLIED)
    if start is not None:
        found = found.filter(happened_at__gte=start)
    if end is not None:
        found = found.filter(happened_at__lte=end)
    return list(found.order_by("seq"))


# --- redaction ----------------------------------------------------------------------------------

def _redact(batches: list[int], *, apply: bool, redacted: dict) -> dict[str, int]:
    secret = secrets.token_bytes(32)  # never stored: the pseudonyms cannot be traced back

    def pseudonym(text):
        if not isinstance(text, str):
            return text
        return _RUN.sub(lambda m: "anon" + hmac.new(secret, m.group().encode(), hashlib.sha256).hexdigest()[:12],
                        text)

    counts = {}
    blank = ", ".join(f"{c} = NULL" for c in IDENTIFYING)
    personal = " OR ".join(f"{c} IS NOT NULL" for c in IDENTIFYING)
    with connection.cursor() as cursor:
        counts["daftar_pemilih"] = _rows(cursor, "store_voter", personal, blank, apply, pseudonym, "key",
                                         "source_ref")
        if batches:
            ids = ", ".join(str(int(b)) for b in batches)
            counts["daftar_dari_kpu"] = _rows(cursor, "store_sourcerecord", f"batch_id IN ({ids}) AND ({personal})",
                                              f"{blank}, payload = NULL", apply, pseudonym, "source_ref")
            where = (f"id IN (SELECT file_id FROM store_batchfile WHERE batch_id IN ({ids})) "
                     "AND length(content) > 0")
            counts["berkas_dari_kpu"] = _count(cursor, "store_sourcefile", where)
            if apply and counts["berkas_dari_kpu"]:
                cursor.execute(f"UPDATE store_sourcefile SET content = %s WHERE {where}", [b""])
        counts["daftar_pilkalem"] = _rows(cursor, "store_electionvoter", personal, blank, apply, pseudonym, "key")
        found = ("registry_nik IS NOT NULL OR current IS NOT NULL OR proposed IS NOT NULL OR reason <> '' "
                 "OR evidence <> ''")
        counts["usulan_verifikasi"] = _rows(
            cursor, "store_proposal", found, "registry_nik = NULL, current = NULL, proposed = NULL, reason = '', "
            "evidence = ''", apply, pseudonym, "source_ref", "duplicate_of")
    counts["peristiwa"] = _events(apply, pseudonym, redacted)
    return counts


def _count(cursor, table: str, where: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}")
    return int(cursor.fetchone()[0])


def _rows(cursor, table: str, where: str, blank: str, apply: bool, pseudonym, *keys: str) -> int:
    """Blank the personal columns of `table`'s rows matching `where`; rewrite their keys."""
    n = _count(cursor, table, where)
    if not apply or not n:
        return n
    pk = "\"key\"" if table == "store_voter" else "id"
    key_cols = ", ".join(f'"{k}"' for k in keys)
    cursor.execute(f"SELECT {pk}, {key_cols} FROM {table} WHERE {where}")
    renamed = [(row[0], [pseudonym(v) for v in row[1:]]) for row in cursor.fetchall()
               if any(pseudonym(v) != v for v in row[1:])]
    cursor.execute(f"UPDATE {table} SET {blank} WHERE {where}")
    for old, values in renamed:
        sets = ", ".join(f'"{k}" = %s' for k in keys)
        cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*values, old])
    return n


def _events(apply: bool, pseudonym, redacted: dict) -> int:
    """Redact every event payload (and voter_key) that holds a personal value; their count.
    `redacted` gets, per event redacted, the chain hash of its redacted content (store/chain.py:
    the audit checks a redacted event against it; its stored hash, the original, stays and the
    chain links on)."""
    n = 0
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    for row in Event.objects.order_by("seq").values(*chain.FIELDS, "prev_hash").iterator(chunk_size=500):
        data = row["payload"]
        if not isinstance(data, dict) or "_redacted" in data:
            continue
        cleaned = _clean(data, pseudonym)
        key = pseudonym(row["voter_key"])
        if cleaned == data and key == row["voter_key"]:
            continue
        n += 1
        if apply:
            cleaned["_redacted"] = {"sha256": hashlib.sha256(json.dumps(
                data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()}
            text = json.dumps(cleaned, ensure_ascii=False)
            with connection.cursor() as update:
                update.execute(f"UPDATE store_event SET payload = %s{cast}, voter_key = %s WHERE seq = %s",
                               [text, key, row["seq"]])
            # the content as the database gives it back (what the audit will hash)
            again = Event.objects.filter(seq=row["seq"]).values(*chain.FIELDS).get()
            redacted[str(row["seq"])] = chain.digest(row["prev_hash"] or "", again)
    return n


def _clean(value, pseudonym, name: str | None = None):
    """A payload with every personal value blanked and every key pseudonymised."""
    if isinstance(value, dict):
        personal_set = value.get("op") == "set" and value.get("column") in IDENTIFYING
        out = {}
        for k, v in value.items():
            if k in _PAYLOAD_FIELDS or (personal_set and k in ("old", "new")):
                out[k] = None
            else:
                out[k] = _clean(v, pseudonym, k)
        return out
    if isinstance(value, list):
        return [_clean(v, pseudonym, name) for v in value]
    if isinstance(value, str) and (name in _KEY_FIELDS or value.startswith(NEW_VOTER_PREFIX)):
        return pseudonym(value)
    return value
