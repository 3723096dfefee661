"""Voter-education activities, as events: one `education-recorded` event per record. A
correction is a new event naming the record it corrects (`corrects`); the latest record of an
activity holds, a withdrawn one takes the activity out; the earlier records stay in the log.
What the counts must keep is the domain's (domain/voter_education.py); the step checks them
before anything is written here.

Photos: the event keeps each file's name, size and sha256; the bytes are kept once per sha256
in the workspace's folder (`berkas/pendidikan_pemilih/<sha256>`, owner-only, copied by the
backup with the rest of the folder), never in the log.
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from pemilih.domain.voter_education import Attendance
from pemilih.store import bulk, changes, events, owner_only, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

PHOTO_FOLDER = ("berkas", "pendidikan_pemilih")


class PhotoMissing(Exception):
    """A photo the log names whose bytes are not (or no longer the same) in the folder."""


@dataclass(frozen=True)
class Activity:
    """One activity as it stands: its latest record, with the event that recorded it."""

    id: int  # the seq of its first record: how a correction names it
    seq: int  # the record that holds
    day: date
    kode_desa: str
    kind: str
    topic: str
    segments: tuple[str, ...]
    attendance: Attendance
    materials: str
    photos: tuple[dict, ...]  # name, size, sha256
    actor: str
    agency: str
    at: datetime
    records: int  # how many records the activity has (1: never corrected)


def _folder(ws) -> Path:
    return Path(ws.path).joinpath(*PHOTO_FOLDER)


def keep_photo(ws, name: str, content: bytes) -> dict:
    """The photo's bytes kept under its sha256 (once: the same bytes again change nothing);
    its name, size and sha256 for the event."""
    digest = hashlib.sha256(content).hexdigest()
    folder = owner_only.private_folder(_folder(ws))
    path = folder / digest
    if not path.exists():
        partial = folder / f".{digest}.part"
        with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(content)
        os.replace(partial, path)
    return {"name": name, "size": len(content), "sha256": digest}


def photo_bytes(ws, sha256: str) -> bytes:
    """The kept bytes of a photo, checked against their sha256 (PhotoMissing otherwise)."""
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise PhotoMissing(f"Sidik berkas '{sha256[:16]}' tidak sah")
    path = _folder(ws) / sha256
    if not path.is_file():
        raise PhotoMissing(f"Berkas foto {sha256[:16]} tidak ada di folder ruang kerja")
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise PhotoMissing(f"Berkas foto {sha256[:16]} berubah sejak dicatat (sidik tidak cocok)")
    return content


def record(ws, record: events.EducationRecorded, *, actor: str, agency: str, reason: str) -> int:
    """One event holding the activity's record; returns its seq."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    with transaction.atomic():
        event = Event.write(events.EDUCATION_RECORDED, record, actor=actor, agency=agency, reason=reason,
                            legal_basis="")
        projection.apply(event)
    return event.seq


def _records():
    for seq, payload, actor, agency, at in (Event.objects.filter(kind=events.EDUCATION_RECORDED).order_by("seq")
                                            .values_list("seq", "payload", "actor", "agency", "happened_at")):
        yield seq, events.parse(events.EDUCATION_RECORDED, payload, seq), actor, agency, at


def current(ws, kode_desa: str | None = None) -> list[Activity]:
    """Every activity as it stands (withdrawn ones left out), by day, village and id."""
    ws.activate()
    latest: dict[int, tuple] = {}
    count: dict[int, int] = {}
    for seq, p, actor, agency, at in _records():
        activity = p.corrects or seq  # a correction names the activity's first record
        count[activity] = count.get(activity, 0) + 1
        latest[activity] = (seq, p, actor, agency, at)
    out = []
    for activity, (seq, p, actor, agency, at) in latest.items():
        if p.withdrawn or (kode_desa is not None and p.kode_desa != kode_desa):
            continue
        out.append(Activity(activity, seq, p.day, p.kode_desa, p.kind, p.topic, tuple(p.segments),
                            Attendance.from_payload(p.attendance), p.materials, tuple(p.photos), actor, agency, at,
                            count[activity]))
    return sorted(out, key=lambda a: (a.day, a.kode_desa, a.id))


def find(ws, activity_id: int) -> Activity | None:
    """The activity of that id (the seq of its first record) as it stands; None when there is
    none or it was withdrawn."""
    return next((a for a in current(ws) if a.id == activity_id), None)


def listed_villages(ws) -> dict[str, tuple[str, str]]:
    """kode_desa -> (kecamatan, desa) of every village on the current list, under the names
    most of its rows carry."""
    ws.activate()
    counted: dict[str, Counter] = {}
    for code, kecamatan, desa, n in bulk.read_frame(
            "SELECT kode_desa, kecamatan, desa, CAST(COUNT(*) AS TEXT) FROM store_voter WHERE kode_desa IS NOT NULL "
            "GROUP BY kode_desa, kecamatan, desa", ["k", "kec", "desa", "n"]).iter_rows():
        counted.setdefault(code, Counter())[(kecamatan or "", desa or "")] += int(n)
    return {code: names.most_common(1)[0][0] for code, names in counted.items()}


def latest_turnout(ws) -> list[tuple[str, int, int]]:
    """(kode_desa, came, registered) per TPS of the latest election whose ballots were recorded
    (the latest record of each TPS); empty when none was."""
    from pemilih.store import ballots
    ws.activate()
    last = Event.objects.filter(kind=events.BALLOTS_RECORDED).order_by("-seq").values_list(
        "payload__election", flat=True).first()
    if last is None:
        return []
    return [(r.kode_desa, r.count.came, r.registered) for r in ballots.current(ws, last).values()]
