"""The villages of the current list (code, name, kecamatan), for filters and menus.

Read once per change of the list (a GROUP BY over 190k rows costs tens of ms, over a
province's 7 million seconds; a page should not pay it each time): cached per process, keyed
on the newest event that changed the list (web/workspace.list_state).
"""
from __future__ import annotations

from django.db import connection

from pemilih.web import workspace

_cache: dict = {}
QUEUE = "-"  # the voter list's village filter for the voters without a village


def villages() -> list[dict]:
    """[{kode_desa, desa, kecamatan, voters}] sorted by code: the villages of the current list
    (a voter without a village, store/unresolved.py, makes none)."""
    _read()
    return _cache["rows"]


def unresolved_count() -> int:
    """Voters of the current list without a village (the unresolved queue)."""
    _read()
    return _cache["unresolved"]


def _read() -> None:
    key = workspace.list_state()
    if _cache.get("key") == key:
        return
    from pemilih.domain.village_queue import has_village
    with connection.cursor() as cursor:
        # The most common spelling of a village's names (a few rows may be mis-typed).
        # In the database's own order of kode_desa (nulls where it puts them): the voter
        # list's deep pages seek by these counts (web/voter_pages.py).
        cursor.execute("SELECT kode_desa, desa, kecamatan, COUNT(*) FROM store_voter "
                       "GROUP BY kode_desa, desa, kecamatan ORDER BY kode_desa")
        best: dict[str, tuple] = {}
        totals: dict[str, int] = {}
        groups: list[list] = []  # [kode_desa as stored, voters], in the database's order
        waiting = 0
        for kode, desa, kec, n in cursor.fetchall():
            if groups and groups[-1][0] == kode:
                groups[-1][1] += n
            else:
                groups.append([kode, n])
            if not has_village(kode):
                waiting += n
                continue
            totals[kode] = totals.get(kode, 0) + n
            if kode not in best or n > best[kode][2]:
                best[kode] = (desa, kec, n)
    rows = [{"kode_desa": k, "desa": best[k][0] or "", "kecamatan": best[k][1] or "",
             "voters": totals[k]} for k in sorted(best)]
    _cache.update(key=key, rows=rows, unresolved=waiting, groups=[tuple(g) for g in groups])


def voter_groups() -> list[tuple[str | None, int]]:
    """(kode_desa as stored, voters) of the current list in the database's order of kode_desa:
    every voter counted once, a null and an empty code apart."""
    _read()
    return _cache["groups"]


def queue_context(request) -> dict:
    """What a page listing villages shows of the queue (templates/web/queue_line.html): how many
    voters wait without a village, and where this account can see them (the resolve page for
    KPU and DPML, else the voter list narrowed to them). Nothing for a committee: its own
    village is all it sees."""
    from django.urls import reverse

    from pemilih.web import access
    if access.village_scope(request) is not None:
        return {"unresolved": 0, "queue_url": None}
    role = access.role_of(request)
    url = None
    if access.RULES["desa_belum"].allows(role):
        url = reverse("desa_belum")
    elif access.RULES["pemilih"].allows(role):
        url = reverse("pemilih") + "?desa=" + QUEUE
    return {"unresolved": unresolved_count(), "queue_url": url}


def name_of(kode_desa: str) -> str:
    for v in villages():
        if v["kode_desa"] == kode_desa:
            return v["desa"]
    return kode_desa


def title_of(kode_desa: str) -> str:
    """A village as a person names it: the region reference's (`Lembang Limbong`), else the
    list's own spelling of it (a village the reference lacks), else its code."""
    from pemilih.domain.region_tables import village_title
    title = village_title(kode_desa)
    if title != kode_desa:
        return title
    listed = name_of(kode_desa)
    return listed.title() if listed and listed != kode_desa else kode_desa


def kecamatan_of(kode_desa: str) -> str:
    """The kecamatan of a village by name: the reference's, else the list's, else ''."""
    from pemilih.domain.region_tables import printed_names
    names = printed_names([kode_desa]).get(kode_desa)
    if names:
        return names[0].title()
    return next((v["kecamatan"].title() for v in villages() if v["kode_desa"] == kode_desa and v["kecamatan"]), "")
