"""The public look-up: is this NIK listed, and where (village, TPS)?

What it answers is all it shows: the village, the TPS (with its place and address when the
election's TPS register holds them) and the name with most letters hidden; never the NIK,
the birth date or anything else. Against enumeration: a client may ask LIMIT times per
WINDOW seconds (then it is told to wait), a wrong-looking NIK costs a try too, and the
answer for "not listed" is the same whatever the reason. Every look-up is counted per day
and outcome (LookupCount); the NIK is never stored or logged.
"""
from __future__ import annotations

import atexit
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from pemilih.domain.masking import mask_name
from pemilih.web import ratelimit

LIMIT = int(os.environ.get("PEMILIH_CEK_LIMIT", "10"))
WINDOW = 60  # seconds


clock = time.time  # the rate window's clock (tests hold it still)


@dataclass
class Answer:
    found: bool
    name: str = ""
    desa: str = ""
    kecamatan: str = ""
    tps: str = ""
    source: str = ""  # which list: the DPT of an election, or the current list
    place: str = ""  # the TPS's place and address (the election's TPS register), when entered
    address: str = ""


def well_formed(nik: str) -> bool:
    return len(nik) == 16 and nik.isdigit() and nik[:2] != "00"


def allowed(client: str) -> bool:
    """Count this try for the client; False when it has used up its window (shared by the
    server's processes: web/ratelimit.py)."""
    path = Path(settings.PEMILIH_WORKSPACE) / "web" / "batas-cek.bin"
    return ratelimit.limiter(path).hit(client, int(clock() // WINDOW), LIMIT)


def find(nik: str) -> Answer:
    """The newest election DPT holding the NIK, else the current list."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ev.nama, ev.desa, ev.kecamatan, ev.tps_number, e.name, e.code, ev.kode_desa "
            "FROM store_electionvoter ev JOIN store_electionlist l ON l.id = ev.list_id "
            "JOIN store_election e ON e.id = l.election_id "
            "WHERE ev.nik = %s AND l.stage IN ('DPT', 'DPTb') ORDER BY l.id DESC LIMIT 1", [nik])
        row = cursor.fetchone()
        if row:
            place = _place(row[5], row[6], row[3])
            return Answer(True, mask_name(row[0]), row[1] or "", row[2] or "", f"{row[3]:03d}", row[4],
                          place.place if place else "", place.address if place else "")
        cursor.execute("SELECT nama, desa, kecamatan, tps FROM store_voter WHERE nik = %s LIMIT 1", [nik])
        row = cursor.fetchone()
        if row:
            return Answer(True, mask_name(row[0]), row[1] or "", row[2] or "", row[3] or "",
                          "Daftar pemilih berkelanjutan")
    return Answer(False)


def _place(code: str, kode_desa: str, tps: int):
    """The TPS's entry in the election's register (cycle/tps_places.py), None when not entered."""
    from pemilih.cycle.tps_places import places
    from pemilih.web import workspace
    return places(workspace.current(), code).get((kode_desa, int(tps)))


# --- counting: in memory, written to the database every few seconds -----------------------

_counts: dict[tuple[date, str], int] = {}
_lock = threading.Lock()
_last_flush = [time.monotonic()]
FLUSH_SECONDS = 2.0


def count(outcome: str) -> None:
    with _lock:
        k = (timezone.localdate(), outcome)
        _counts[k] = _counts.get(k, 0) + 1
        due = time.monotonic() - _last_flush[0] >= FLUSH_SECONDS
    if due:
        flush()


def flush() -> None:
    from pemilih.web.models import LookupCount
    with _lock:
        pending = dict(_counts)
        _counts.clear()
        _last_flush[0] = time.monotonic()
    for (day, outcome), n in pending.items():
        row, created = LookupCount.objects.get_or_create(day=day, outcome=outcome, defaults={"count": n})
        if not created:
            LookupCount.objects.filter(pk=row.pk).update(count=F("count") + n)


def _flush_at_exit() -> None:
    try:
        flush()
    except Exception:
        pass  # the database may be gone at exit; nothing to report to


atexit.register(_flush_at_exit)
