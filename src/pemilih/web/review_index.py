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

import polars as pl

from pemilih.web import workspace

_cache: dict = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Index:
    table: pl.DataFrame  # id, code, kode_desa, score, verdict (accept / reject / null = open)
    codes: list[str]
    villages: list[str]


def index() -> Index:
    key = workspace.state()
    with _lock:
        if _cache.get("key") != key:
            _cache.update(key=key, index=_build())
        return _cache["index"]


def _build() -> Index:
    from pemilih.store.models import Event, Proposal, ReviewDecision
    from pemilih.store.projection import REVIEW_UNDONE
    undone = set(Event.objects.filter(kind=REVIEW_UNDONE).values_list("undoes_id", flat=True))
    verdicts: dict[str, str] = {}
    for key, verdict, event in (ReviewDecision.objects.order_by("event_id", "id")
                                .values_list("finding_key", "verdict", "event_id").iterator(chunk_size=10_000)):
        if event not in undone:
            verdicts[key] = verdict  # in event order: the last one standing wins
    rows = [(pk, code, desa, score, verdicts.get(key)) for pk, key, code, desa, score in
            Proposal.objects.order_by("id").values_list("id", "finding_key", "code", "kode_desa", "score")
            .iterator(chunk_size=10_000)]
    table = pl.DataFrame(rows, orient="row", schema={"id": pl.Int64, "code": pl.String, "kode_desa": pl.String,
                                                     "score": pl.Float64, "verdict": pl.String})
    return Index(table, sorted(table["code"].unique().to_list()),
                 sorted(table["kode_desa"].drop_nulls().unique().to_list()))


STATUS_VERDICT = {"terbuka": None, "diterima": "accept", "ditolak": "reject"}


def select(code=None, kode_desa=None, score_min=None, score_max=None, status=None) -> list[int]:
    """Ids of the proposals the filters select, in id order (status None: any)."""
    return ids(code, kode_desa, score_min, score_max, status).to_list()


def ids(code=None, kode_desa=None, score_min=None, score_max=None, status=None) -> pl.Series:
    """select() as a Series: a page slices it without making hundreds of thousands of Python
    ints first (a province's queue, issue 17)."""
    conditions = []
    if code:
        conditions.append(pl.col("code") == code)
    if kode_desa:
        conditions.append(pl.col("kode_desa") == kode_desa)
    if score_min is not None:
        conditions.append(pl.col("score") >= score_min)  # a null score never passes a bound
    if score_max is not None:
        conditions.append(pl.col("score") <= score_max)
    if status in STATUS_VERDICT:
        verdict = STATUS_VERDICT[status]
        conditions.append(pl.col("verdict").is_null() if verdict is None else pl.col("verdict") == verdict)
    table = index().table
    if conditions:
        table = table.filter(pl.all_horizontal(conditions))
    return table["id"]


def codes() -> list[str]:
    return index().codes


def villages() -> list[str]:
    return index().villages
