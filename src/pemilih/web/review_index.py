"""The review queue's index: every proposal's filter values and standing verdict, in memory.

A page of the queue must answer in well under 200 ms with tens of thousands of proposals and
decisions. Filtering by status in SQL means, per request, a NOT IN over every decision with a
NOT EXISTS on undo events (0.2-0.3 s on the scale-1.0 demo, twice: count and page). Proposals
and decisions only change through events, so the index is built once per change of the event
log (about 0.1 s) and each request filters it in Python (milliseconds); the page then reads
its 50 rows by id. The rule for the standing verdict is store/review.py's: the latest decision
of a proposal whose event was not undone. tests/test_web_review.py checks this index against
the SQL version (views/review.py queue()).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection

_cache: dict = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Entry:
    id: int
    code: str
    kode_desa: str | None
    score: float | None
    verdict: str | None  # accept / reject / None (open)


def _newest_event() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM store_event")
        return cursor.fetchone()[0] or 0


def entries() -> list[Entry]:
    key = (connection.settings_dict.get("NAME"), connection.settings_dict.get("HOST"), _newest_event())
    with _lock:
        if _cache.get("key") != key:
            _cache.update(key=key, rows=_build())
        return _cache["rows"]


def _build() -> list[Entry]:
    from pemilih.store.models import Event, Proposal, ReviewDecision
    from pemilih.store.projection import REVIEW_UNDONE
    undone = set(Event.objects.filter(kind=REVIEW_UNDONE).values_list("undoes_id", flat=True))
    verdicts: dict[str, str] = {}
    for key, verdict, event in (ReviewDecision.objects.order_by("event_id", "id")
                                .values_list("finding_key", "verdict", "event_id").iterator(chunk_size=10_000)):
        if event not in undone:
            verdicts[key] = verdict  # in event order: the last one standing wins
    return [Entry(pk, code, desa, score, verdicts.get(key)) for pk, key, code, desa, score in
            Proposal.objects.order_by("id").values_list("id", "finding_key", "code", "kode_desa", "score")
            .iterator(chunk_size=10_000)]


STATUS_VERDICT = {"terbuka": None, "diterima": "accept", "ditolak": "reject"}


def select(code=None, kode_desa=None, score_min=None, score_max=None, status=None) -> list[int]:
    """Ids of the proposals the filters select, in id order (status None: any)."""
    out = []
    want_verdict = STATUS_VERDICT.get(status, "any") if status else "any"
    for e in entries():
        if code and e.code != code:
            continue
        if kode_desa and e.kode_desa != kode_desa:
            continue
        if score_min is not None and (e.score is None or e.score < score_min):
            continue
        if score_max is not None and (e.score is None or e.score > score_max):
            continue
        if want_verdict != "any" and e.verdict != want_verdict:
            continue
        out.append(e.id)
    return out


def codes() -> list[str]:
    return sorted({e.code for e in entries()})


def villages() -> list[str]:
    return sorted({e.kode_desa for e in entries() if e.kode_desa})
