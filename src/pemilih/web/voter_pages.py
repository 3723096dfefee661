"""Pages of the voter list that cost the same on a regency and on a province.

Django's Paginator counts with COUNT(*) and reaches page n with OFFSET (n-1)*50: on a province
workspace (7 million voters) that is a scan of the whole list for every page, and a deep page
walks millions of index entries (issue 17, measured in bench/run_province_store.py). Here:

- the count of the whole list, of a village and of the voters without a village comes from
  the per-village counts the village filter reads anyway (web/villages.py, once per change of
  the event log);
- a page of the whole list seeks: the counts tell in which village (in the database's order of
  kode_desa, the list's order) the page starts and how far into it, and the page is read
  from there along the serving index (kode_desa, position), an OFFSET of at most one village;
- a name search counts at most SEARCH_CAP + 1 matches: the page says "more than" beyond it,
  and a narrower search (a village) gives the exact count.
"""
from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

SEARCH_CAP = 1000  # matches counted exactly for a name search; beyond, "more than"


class VoterPaginator(Paginator):
    """Paginator over the voter list ordered by (kode_desa, position).

    `known_count`: the count when the caller knows it (None: counted, capped at `cap`);
    `groups`: (kode_desa, voters) of the whole list in the database's order, when `rows` is
    the whole list (then pages seek instead of OFFSET)."""

    def __init__(self, rows, per_page, *, known_count=None, groups=None, cap=None):
        super().__init__(rows, per_page)
        self.known_count, self.groups, self.cap = known_count, groups, cap

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return self.known_count
        rows = self.object_list
        if self.cap is None:
            return rows.count()
        return rows.order_by()[:self.cap + 1].count()  # COUNT over a LIMIT: stops at cap + 1

    @property
    def capped(self) -> bool:
        """The count stopped at the cap: there are more matches than it says."""
        return self.cap is not None and self.known_count is None and self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        if self.groups is None:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(seek(self.object_list, self.groups, bottom, self.per_page), number, self)


def seek(rows, groups, offset: int, size: int) -> list:
    """Rows offset .. offset + size of `rows` (the whole list, ordered by kode_desa then
    position), read from the village holding row `offset` on: `groups` are the list's
    (kode_desa, voters) in the database's order of kode_desa, nulls where it sorts them."""
    at, start = 0, 0
    while at < len(groups) and start + groups[at][1] <= offset:
        start += groups[at][1]
        at += 1
    if at == len(groups):
        return []
    value, skip, later = groups[at][0], offset - start, groups[at + 1:]
    if value is None:  # the voters with a null code, then (nulls first) the others
        found = list(rows.filter(kode_desa__isnull=True)[skip:skip + size])
        if len(found) < size and later:
            found += list(rows.filter(kode_desa__isnull=False)[:size - len(found)])
        return found
    found = list(rows.filter(kode_desa__gte=value)[skip:skip + size])
    if len(found) < size and any(v is None for v, _ in later):  # nulls sorted last
        found += list(rows.filter(kode_desa__isnull=True)[:size - len(found)])
    return found
