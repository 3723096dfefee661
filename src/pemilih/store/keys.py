"""Signing keys: this workspace's own (a file in the workspace folder, io/signing.py says why)
and the public keys of other agencies registered here (one event each).

DPML signs its hand-back package with its key; KPU registers DPML's public key once
(`pemilih kunci daftar`), having received it by a channel it trusts (handed over with the
agreement, read aloud, compared with the fingerprint on the signed minutes). Applying a
package checks its signature against the keys registered for DPML only.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from pemilih.domain.agencies import AGENCIES
from pemilih.io import signing
from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

KEY_FILE = "kunci_tanda_tangan.pem"  # in the workspace folder, 0600


class KeyProblem(changes.ChangeError):
    """A key that cannot be registered; the message says why (Bahasa Indonesia)."""


@dataclass(frozen=True)
class Registered:
    agency: str
    fingerprint: str
    public_key: str
    seq: int
    actor: str


def own_key(ws):
    """This workspace's private signing key, made on first use."""
    return signing.load_or_create(Path(ws.path) / KEY_FILE)


def register(ws, agency: str, public_text: str, *, actor: str, agency_of_actor: str, reason: str) -> Registered:
    """Register `agency`'s public key (PEM or base64); the same key twice changes nothing."""
    ws.activate()
    changes.check_who(actor, agency_of_actor, reason)
    if agency not in AGENCIES:
        raise KeyProblem(f"Lembaga '{agency}' tidak dikenal; pilih salah satu: {', '.join(AGENCIES)}")
    try:
        public = signing.public_key_from(public_text)
    except signing.SigningError as err:
        raise KeyProblem(str(err)) from None
    fingerprint = signing.fingerprint(public)
    with transaction.atomic():
        for known in registered(ws, agency):
            if known.fingerprint == fingerprint:
                return known
        event = Event.write(events.KEY_REGISTERED, events.KeyRegistered(
            agency=agency, public_key=signing.public_text(public), fingerprint=fingerprint),
            actor=actor, agency=agency_of_actor, reason=reason, legal_basis="")
        projection.apply(event)
    return Registered(agency, fingerprint, signing.public_text(public), event.seq, actor)


def registered(ws, agency: str | None = None) -> list[Registered]:
    """The public keys registered (for `agency`), oldest first."""
    ws.activate()
    out = []
    for event in Event.objects.filter(kind=events.KEY_REGISTERED).order_by("seq"):
        p = event.payload
        if agency is None or p.get("agency") == agency:
            out.append(Registered(p["agency"], p["fingerprint"], p["public_key"], event.seq, event.actor))
    return out


def trusted(ws, agency: str) -> dict:
    """fingerprint -> public key of every key registered for `agency` (what apply checks with)."""
    return {k.fingerprint: signing.public_key_from(k.public_key) for k in registered(ws, agency)}
