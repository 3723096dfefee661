"""The ballots of each TPS on polling day, as events: one `ballots-recorded` event per record,
the latest of a TPS holds (a corrected record is a new event; the earlier one stays in the
log). What the counts must keep is the domain's (domain/ballots.py); the step checks them
against the TPS's registered voters before anything is written here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from pemilih.domain.ballots import BallotCount
from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event


@dataclass(frozen=True)
class Recorded:
    """The counts that hold for one TPS, with the event that recorded them."""

    kode_desa: str
    tps: int
    count: BallotCount
    registered: int
    seq: int
    actor: str
    at: datetime


def record(ws, election: str, kode_desa: str, tps: int, count: BallotCount, registered: int, *, actor: str,
           agency: str, reason: str) -> int:
    """One event holding the TPS's counts; returns its seq."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    with transaction.atomic():
        event = Event.write(events.BALLOTS_RECORDED, events.BallotsRecorded(
            election=election, kode_desa=kode_desa, tps=int(tps), registered=int(registered), **count.as_dict()),
            actor=actor, agency=agency, reason=reason, legal_basis="")
        projection.apply(event)
    return event.seq


def current(ws, election: str, kode_desa: str | None = None) -> dict[tuple[str, int], Recorded]:
    """(kode_desa, tps) -> the latest record of each TPS of the election (of one village)."""
    ws.activate()
    found = Event.objects.filter(kind=events.BALLOTS_RECORDED, payload__election=election)
    if kode_desa is not None:
        found = found.filter(payload__kode_desa=kode_desa)
    out: dict[tuple[str, int], Recorded] = {}
    for seq, payload, actor, at in found.order_by("seq").values_list("seq", "payload", "actor", "happened_at"):
        p = events.parse(events.BALLOTS_RECORDED, payload, seq)
        count = BallotCount(p.received, p.used, p.spoiled, p.unused, p.came)
        out[(p.kode_desa, p.tps)] = Recorded(p.kode_desa, p.tps, count, p.registered, seq, actor, at)
    return out
