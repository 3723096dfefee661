"""The event log's hash chain: each event carries the SHA-256 of its predecessor's hash and
its own stored fields, so an edited, removed or inserted event shows (store/audit.py checks it).

Pure (no Django): the model computes the hash when it appends (models.Event.save, under the
lock that assigns the sequence), migration 0008 fills the chain of a workspace written
before, and the audit recomputes it from what the database gives back. All three call
`digest` on the values as stored, serialised canonically: JSON with sorted keys and no
spaces, the time in UTC to the microsecond, so SQLite's JSON text and PostgreSQL's jsonb give
the same bytes.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64  # the predecessor of the first event
FIELDS = ("seq", "kind", "happened_at", "actor", "agency", "reason", "legal_basis", "payload",
          "voter_key", "batch_id", "undoes_id")


def _time(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def canonical(values: dict) -> bytes:
    """The bytes hashed for one event: FIELDS of `values`, in that order."""
    head = [values.get(name) for name in FIELDS if name != "payload"]
    head[FIELDS.index("happened_at")] = _time(values.get("happened_at"))
    text = json.dumps([head, values.get("payload")], sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def digest(previous: str, values: dict) -> str:
    """The hash of an event whose predecessor's hash is `previous` (GENESIS for the first)."""
    h = hashlib.sha256(previous.encode("ascii"))
    h.update(b"\n")
    h.update(canonical(values))
    return h.hexdigest()
