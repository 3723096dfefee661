"""Tamper evidence and the access log, the store's side (issue 13).

- `check_chain`: every event's link to its predecessor and its own hash (store/chain.py).
- `check_projection`: the current list (store_voter) against a replay of the log, replayed
  inside a transaction that is rolled back, so the table is left exactly as found.
- `record_access` / `accesses`: the one writer and the one reader of store_accesslog, every
  view and download of personal data (web pages and the command line's exports).

Messages in Bahasa Indonesia; a voter's key is shown with its identifiers masked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from pemilih.domain.masking import mask_digits_in_text
from pemilih.store import bulk, chain, events, settings

settings.ensure_configured()
from pemilih.store.models import AccessLog, Event  # noqa: E402

SHOWN_BREAKS = 20  # breaks named in full; the count says how many more

EDITED = "isi-diubah"  # the event's fields no longer give its hash
LINK = "mata-rantai-putus"  # its predecessor is not the event it was chained to
UNCHAINED = "tanpa-hash"  # no hash at all
FIRST = "awal-salah"  # the first event does not start from the genesis hash


@dataclass(frozen=True)
class Break:
    seq: int
    kind: str
    message: str


@dataclass
class ChainCheck:
    events: int = 0
    head: str = chain.GENESIS  # the last event's hash: write it down to anchor the log
    last_seq: int | None = None
    breaks: list[Break] = field(default_factory=list)
    more: int = 0  # breaks beyond SHOWN_BREAKS

    @property
    def holds(self) -> bool:
        return not self.breaks


def check_chain(ws) -> ChainCheck:
    """Walk the log in sequence order, recomputing each hash from the values as stored."""
    ws.activate()
    out = ChainCheck()
    previous_hash, previous_seq = chain.GENESIS, None
    redacted = _redactions()
    rows = Event.objects.order_by("seq").values(*chain.FIELDS, "prev_hash", "hash")
    for row in rows.iterator(chunk_size=200):
        seq, stored = row["seq"], row["hash"]
        out.events += 1
        if not stored:
            _add(out, Break(seq, UNCHAINED, f"Peristiwa #{seq} tidak memiliki hash rantai"))
        else:
            if row["prev_hash"] != previous_hash:
                if previous_seq is None:
                    _add(out, Break(seq, FIRST, f"Peristiwa #{seq} adalah yang pertama di log, tetapi tidak "
                                                "berawal dari hash nol: peristiwa sebelumnya dihapus"))
                else:
                    _add(out, Break(seq, LINK, f"Mata rantai putus sebelum peristiwa #{seq}: peristiwa "
                                               f"sebelumnya bukan #{previous_seq} (ada yang dihapus atau "
                                               "disisipkan di antaranya)"))
            found = chain.digest(row["prev_hash"] or "", row)
            if found != stored and not (redacted.get(seq) == found and "_redacted" in (row["payload"] or {})):
                what = events.label(row["kind"])  # as a person reads the kind, never `list-shared`
                _add(out, Break(seq, EDITED, f"Isi peristiwa #{seq} ({what}) diubah setelah dicatat: "
                                             "hash-nya tidak cocok"))
        previous_hash, previous_seq = stored or "", seq
    out.head, out.last_seq = (previous_hash or chain.GENESIS), previous_seq
    return out


def _redactions() -> dict[int, str]:
    """seq -> the chain hash of a redacted event's content, as the retention run that redacted it
    recorded (store/retention.py): such an event is checked against that, its stored hash being
    the original one the next event links to."""
    out = {}
    for payload in Event.objects.filter(kind=events.RETENTION_APPLIED).values_list("payload", flat=True):
        for seq, digest in ((payload or {}).get("redacted") or {}).items():
            out[int(seq)] = digest
    return out


def _add(out, item) -> None:
    if len(out.breaks) < SHOWN_BREAKS:
        out.breaks.append(item)
    else:
        out.more += 1


@dataclass
class ProjectionCheck:
    voters: int = 0  # in the current list
    replayed: int = 0  # in the replay of the log
    missing: list[str] = field(default_factory=list)  # keys the replay has, the list not (masked)
    extra: list[str] = field(default_factory=list)  # keys the list has, the replay not
    changed: list[str] = field(default_factory=list)  # "key: columns" differing
    error: str | None = None  # the replay itself failed
    skipped: bool = False  # not checked (asked for the chain only)

    @property
    def holds(self) -> bool:
        return not (self.missing or self.extra or self.changed or self.error)




def _voters() -> pl.DataFrame:
    from pemilih.store.projection import VOTER_COLUMNS
    quote = connection.ops.quote_name
    cols = ", ".join(f"CAST({quote(c)} AS TEXT)" for c in VOTER_COLUMNS)
    return bulk.read_frame(f'SELECT {cols} FROM store_voter ORDER BY "key"', VOTER_COLUMNS)


def check_projection(ws, shown: int = 10) -> ProjectionCheck:
    """Does store_voter equal the replay of the log? The replay runs in a transaction that is
    rolled back: the current list is never changed by checking it."""
    from pemilih.store.events import EventError
    from pemilih.store.projection import rebuild_projection

    ws.activate()
    out = ProjectionCheck()
    with transaction.atomic():
        current = _voters()
        try:
            rebuild_projection()
            replayed = _voters()
        except EventError as err:
            out.error = str(err)
            replayed = None
        transaction.set_rollback(True)
    out.voters = current.height
    if replayed is None:
        return out
    out.replayed = replayed.height
    if current.equals(replayed):
        return out
    have, want = set(current["key"].to_list()), set(replayed["key"].to_list())
    out.missing = [mask_digits_in_text(k) for k in sorted(want - have)[:shown]]
    out.extra = [mask_digits_in_text(k) for k in sorted(have - want)[:shown]]
    both = current.join(replayed, on="key", how="inner", suffix="__log")
    for row in both.iter_rows(named=True):
        differ = [c for c in current.columns if c != "key" and row[c] != row[c + "__log"]]
        if differ:
            out.changed.append(f"{mask_digits_in_text(row['key'])}: {', '.join(differ)}")
            if len(out.changed) >= shown:
                break
    return out


# --- the access log -------------------------------------------------------------------------------

WEB, CLI = "web", "cli"


def record_access(*, actor: str, agency: str, channel: str, action: str, scope: dict | None = None,
                  rows: int | None = None, agreement: str = "") -> AccessLog:
    """One view or download of personal data, in the access log (its own transaction when
    the caller has none)."""
    clean = {k: v for k, v in (scope or {}).items() if v not in (None, "", [], ())}
    return AccessLog.objects.create(actor=actor[:200], agency=(agency or "")[:16], channel=channel,
                                    action=action[:60], scope=clean, rows=rows,
                                    agreement=(agreement or "")[:120])


def accesses(ws=None, *, since: date | None = None, until: date | None = None, actor: str | None = None,
             limit: int | None = None) -> list[AccessLog]:
    """The access log, newest first; `since`/`until` are days (local time), both included;
    `actor` matches a part of the name, case aside."""
    if ws is not None:
        ws.activate()
    rows = AccessLog.objects.all()
    zone = timezone.get_current_timezone()
    if since:
        rows = rows.filter(at__gte=datetime.combine(since, time.min, zone))
    if until:
        rows = rows.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, zone))
    if actor:
        rows = rows.filter(actor__icontains=actor)
    rows = rows.order_by("-at", "-id")
    return list(rows[:limit] if limit else rows)
