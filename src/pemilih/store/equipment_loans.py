"""Equipment loans (pinjam pakai) as events: KPU's register of its equipment, DPML's requests,
the agreements, the hand-overs and the returns (store/events.py, the `equipment-...` and
`loan-...` kinds). Written only by the step (cycle/equipment_loans.py), after its checks; an
event is never edited: a new register record or a new request is a new event, the latest
holds. Read back whole, in the order written: a regency's loans are a few hundred events.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

KINDS = (events.EQUIPMENT_INVENTORY_RECORDED, events.LOAN_REQUESTED, events.LOAN_AGREED, events.LOAN_HANDED_OVER,
         events.LOAN_RETURNED)


def record(ws, kind: str, payload: events.Payload, *, actor: str, agency: str, reason: str) -> int:
    """One event of `kind` (one of KINDS); returns its seq."""
    if kind not in KINDS:
        raise ValueError(f"{kind} bukan peristiwa pinjam pakai")
    ws.activate()
    changes.check_who(actor, agency, reason)
    with transaction.atomic():
        event = Event.write(kind, payload, actor=actor, agency=agency, reason=reason, legal_basis="")
        projection.apply(event)
    return event.seq


@dataclass(frozen=True)
class Held:
    """An event's record with its seq and who recorded it."""

    seq: int
    data: events.Payload
    actor: str = ""


@dataclass
class Book:
    """Every loan event, by kind, in the order written."""

    inventory: list[Held] = field(default_factory=list)
    requests: list[Held] = field(default_factory=list)
    agreements: list[Held] = field(default_factory=list)
    handovers: list[Held] = field(default_factory=list)
    returns: list[Held] = field(default_factory=list)

    def of(self, election: str) -> Book:
        """The same book with only one election's loans (the register stays whole)."""
        def mine(items):
            return [h for h in items if h.data.election == election]
        return Book(self.inventory, mine(self.requests), mine(self.agreements), mine(self.handovers),
                    mine(self.returns))


_LISTS = {events.EQUIPMENT_INVENTORY_RECORDED: "inventory", events.LOAN_REQUESTED: "requests",
          events.LOAN_AGREED: "agreements", events.LOAN_HANDED_OVER: "handovers", events.LOAN_RETURNED: "returns"}


def book(ws) -> Book:
    ws.activate()
    out = Book()
    found = Event.objects.filter(kind__in=KINDS).order_by("seq").values_list("seq", "kind", "payload", "actor")
    for seq, kind, payload, actor in found:
        getattr(out, _LISTS[kind]).append(Held(seq, events.parse(kind, payload, seq), actor))
    return out


def event(ws, seq: int) -> Held | None:
    """One loan event by its seq, None when there is no such loan event."""
    ws.activate()
    found = Event.objects.filter(seq=seq, kind__in=KINDS).values_list("kind", "payload", "actor").first()
    if found is None:
        return None
    kind, payload, actor = found
    return Held(seq, events.parse(kind, payload, seq), actor)
