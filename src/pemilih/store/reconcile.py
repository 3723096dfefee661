"""Nothing falls through: every row of KPU's list is in exactly one place.

The list KPU gave last is the source records of the last LIST_IMPORTED batch. Each of its rows
must be in exactly one of:
- placed: in the current list, with a village (domain/village_queue.py);
- unresolved: in the current list without one (the queue, store/unresolved.py);
- struck: gone from the current list, removed by a change event of the log since the import,
  with its code (an undone removal is no removal; a voter listed again is no longer struck).
Voters of the current list that are no row of that list are the new voters (placed or not).
A row in none of these (lost: gone without an event), or in two (struck in the log yet still
listed), or struck without a code, breaks the rule and is named. The log is the witness: the
current list is the projection, and a projection that drifted from the log shows here.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pemilih.domain.masking import mask_digits_in_text
from pemilih.domain.village_queue import has_village
from pemilih.store import bulk, events, history, settings
from pemilih.store.events import Addition, Removal

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

_ABSENT = object()


@dataclass
class Reconciliation:
    batch: int | None  # the import batch of KPU's list (None: no list received yet)
    listed: int = 0  # rows of KPU's list
    placed: int = 0
    unresolved: int = 0
    struck: dict[str, int] = field(default_factory=dict)  # code -> rows
    new_placed: int = 0  # voters added since, with a village
    new_unresolved: int = 0  # voters added since, without one
    broken: list[str] = field(default_factory=list)  # "<key>: why" (must be none)

    @property
    def holds(self) -> bool:
        return not self.broken

    @property
    def struck_total(self) -> int:
        return sum(self.struck.values())


def reconcile(ws) -> Reconciliation:
    ws.activate()
    base = Event.objects.filter(kind=events.LIST_IMPORTED).order_by("-seq").first()
    if base is None:
        return Reconciliation(None)
    listed = bulk.read_frame(f"SELECT source_ref FROM store_sourcerecord WHERE batch_id = {int(base.batch_id)}",
                             ["key"])["key"].to_list()
    current = bulk.read_frame('SELECT "key", kode_desa FROM store_voter', ["key", "kode_desa"])
    now = dict(zip(current["key"].to_list(), current["kode_desa"].to_list()))
    struck = _struck_since(base.seq)
    out = Reconciliation(base.batch_id, len(listed))
    struck_codes = Counter()
    for key in listed:
        code = now.pop(key, _ABSENT)
        removed = struck.get(key, _ABSENT)
        if code is not _ABSENT:
            if removed is not _ABSENT:
                out.broken.append(f"{_shown(key)}: dicoret ({removed or 'tanpa kode'}) tetapi masih ada di daftar "
                                  "saat ini")
            elif has_village(code):
                out.placed += 1
            else:
                out.unresolved += 1
        elif removed is _ABSENT:
            out.broken.append(f"{_shown(key)}: hilang: tidak ada di daftar saat ini dan tidak dicoret oleh "
                              "peristiwa mana pun")
        elif not removed:
            out.broken.append(f"{_shown(key)}: dicoret tanpa kode")
        else:
            struck_codes[removed] += 1
    for code in now.values():  # what is left of the current list: the new voters
        if has_village(code):
            out.new_placed += 1
        else:
            out.new_unresolved += 1
    out.struck = dict(sorted(struck_codes.items()))
    return out


def _struck_since(seq: int) -> dict[str, str]:
    """key -> code of every voter removed by the change events after event `seq` and not put
    back (an undone removal, or the voter added again under its key)."""
    struck: dict[str, str] = {}
    later = Event.objects.filter(kind__in=[*events.CHANGE_KINDS, events.REVIEW_UNDONE], seq__gt=seq).order_by("seq")
    for event in later.iterator():
        for change, undo in history.changes_of(event):
            if isinstance(change, Removal):
                if undo:
                    struck.pop(change.key, None)
                else:
                    struck[change.key] = change.code or ""
            elif isinstance(change, Addition) and not undo:
                struck.pop(change.key, None)
    return struck


def _shown(key: str) -> str:
    return mask_digits_in_text(key)  # a new voter's key holds a NIK
