"""Settings of the printed documents (agency full names, signatories, numbering patterns),
entered once as events and read back folded: the latest value of each key wins.

What each key means and the defaults when nothing is set: cycle/documents.py.
"""
from __future__ import annotations

from django.db import transaction

from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event


def record(ws, agency: str, values: dict, *, actor: str, agency_of_actor: str, reason: str) -> int:
    """One event setting `values` (str -> str) for `agency`; returns its seq."""
    ws.activate()
    changes.check_who(actor, agency_of_actor, reason)
    with transaction.atomic():
        event = Event.write(events.DOCUMENT_SETTINGS_SET, events.DocumentSettingsSet(agency=agency, values=values),
                            actor=actor, agency=agency_of_actor, reason=reason, legal_basis="")
        projection.apply(event)
    return event.seq


def current(ws) -> dict[str, dict[str, str]]:
    """agency -> key -> value, every event folded in order (the latest value of a key wins)."""
    ws.activate()
    out: dict[str, dict[str, str]] = {}
    for payload in Event.objects.filter(kind=events.DOCUMENT_SETTINGS_SET).order_by("seq").values_list(
            "payload", flat=True):
        out.setdefault(payload["agency"], {}).update(payload.get("values") or {})
    return out


def count_of(ws, kind: str, what: str, year: int) -> int:
    """How many events of `kind` whose payload's `what` is `what` were written in `year`
    (the running number of a document issued with each of them)."""
    ws.activate()
    return Event.objects.filter(kind=kind, happened_at__year=year, payload__what=what).count()


def issued(ws, agency: str, document: str, subject: str) -> str | None:
    """The number the document was given (`issue`), None when it has none yet: for reprinting
    a reference to it without issuing one."""
    ws.activate()
    return _numbered(agency, document).filter(payload__subject=subject).values_list(
        "payload__number", flat=True).first()


def _numbered(agency: str, document: str):
    """The agency's issued documents of that kind, selected by the database: a regency's lists
    issue hundreds (two per village and stage), each issue looking up the ones before."""
    return Event.objects.filter(kind=events.DOCUMENT_ISSUED, payload__agency=agency,
                                payload__document=document).order_by("seq")


def issue(ws, agency: str, document: str, subject: str, year: int, make_number, *, actor: str,
          agency_of_actor: str, reason: str, series: str = "") -> str:
    """The number of the document of kind `document` about `subject` issued by `agency`: the
    one it was given before when there is one (printing again keeps the number), else
    `make_number(running)` with the next running number of the agency's documents of that
    kind in `year` (in `series`: each village's committee numbers its own), recorded as an event."""
    ws.activate()
    with transaction.atomic():
        before = _numbered(agency, document).filter(payload__subject=subject).values_list(
            "payload__number", flat=True).first()
        if before is not None:
            return before
        running = _numbered(agency, document).filter(payload__year=year, payload__series=series).count() + 1
        number = make_number(running)
        changes.check_who(actor, agency_of_actor, reason)
        event = Event.write(events.DOCUMENT_ISSUED, events.DocumentIssued(
            agency=agency, document=document, number=number, subject=subject, year=year, series=series),
            actor=actor, agency=agency_of_actor, reason=reason, legal_basis="")
        projection.apply(event)
    return number
