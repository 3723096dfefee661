"""The register of an election's TPS places (name, address, optional coordinates), entered
as events and read back folded: the latest entry for a village's TPS wins.

What is checked before an entry is recorded (and what each field means): cycle/tps_places.py.
"""
from __future__ import annotations

from django.db import transaction

from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

FIELDS = ("kode_desa", "tps", "place", "address", "lat", "lon")


def record(ws, election: str, places: list[dict], *, actor: str, agency_of_actor: str, reason: str) -> int:
    """One event setting the places of these TPS of `election` (dicts with FIELDS); its seq."""
    ws.activate()
    changes.check_who(actor, agency_of_actor, reason)
    entries = [{k: p.get(k) for k in FIELDS} for p in places]
    with transaction.atomic():
        event = Event.write(events.TPS_PLACE_SET, events.TpsPlaceSet(election=election, places=entries),
                            actor=actor, agency=agency_of_actor, reason=reason, legal_basis="")
        projection.apply(event)
    return event.seq


def current(ws, election: str) -> tuple[dict[tuple[str, int], dict], int | None]:
    """((kode_desa, tps) -> the latest entry, every event of the election folded in order; the
    seq of the latest event, None when there is none: what a printed copy was printed from)."""
    ws.activate()
    out: dict[tuple[str, int], dict] = {}
    last = None
    for seq, payload in (Event.objects.filter(kind=events.TPS_PLACE_SET, payload__election=election)
                         .order_by("seq").values_list("seq", "payload")):
        last = seq
        for entry in payload.get("places") or ():
            out[(entry["kode_desa"], int(entry["tps"]))] = entry
    return out, last


def listed_names(made, kode_desa: str) -> tuple[str, str]:
    """(kecamatan, desa) as a set list (store.models.ElectionList) spells a village, ('', '')
    when it has no voter there: for a village the region reference lacks."""
    from pemilih.store.models import ElectionVoter
    found = (ElectionVoter.objects.filter(list=made, kode_desa=kode_desa).values_list("kecamatan", "desa")
             .first())
    return (found[0] or "", found[1] or "") if found else ("", "")
