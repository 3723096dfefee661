"""The villages of the current list (code, name, kecamatan), for filters and menus.

Read once per change of the event log (a GROUP BY over 190k rows costs tens of ms; a page
should not pay it each time): cached per process, keyed on the newest event.
"""
from __future__ import annotations

from django.db import connection

from pemilih.web import workspace

_cache: dict = {}


def villages() -> list[dict]:
    """[{kode_desa, desa, kecamatan, voters}] sorted by code."""
    key = workspace.state()
    if _cache.get("key") != key:
        with connection.cursor() as cursor:
            # The most common spelling of a village's names (a few rows may be mis-typed).
            cursor.execute(
                "SELECT kode_desa, desa, kecamatan, COUNT(*) FROM store_voter "
                "WHERE kode_desa IS NOT NULL GROUP BY kode_desa, desa, kecamatan")
            best: dict[str, tuple] = {}
            totals: dict[str, int] = {}
            for kode, desa, kec, n in cursor.fetchall():
                totals[kode] = totals.get(kode, 0) + n
                if kode not in best or n > best[kode][2]:
                    best[kode] = (desa, kec, n)
        rows = [{"kode_desa": k, "desa": best[k][0] or "", "kecamatan": best[k][1] or "",
                 "voters": totals[k]} for k in sorted(best)]
        _cache.update(key=key, rows=rows)
    return _cache["rows"]


def name_of(kode_desa: str) -> str:
    for v in villages():
        if v["kode_desa"] == kode_desa:
            return v["desa"]
    return kode_desa
