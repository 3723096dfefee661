"""The coklit progress per village, from the event log alone (for DPML: who is done, who is not).

A village's progress is counted against its latest workbook (the last LIST_SHARED of the
village: a workbook cut again is a new round) from the workbooks of that cut collected back
(COKLIT_COLLECTED): a voter is visited when a returned copy recorded the row as checked at the
door (ticked SESUAI, dated, signed, or given a STATUS: the event's `visits`), changed it, or
listed a conflict on it; changed when struck, moved or corrected; new voters are the
additions. Workbooks collected before visits were recorded still count by their changes and
conflicts. Nothing is stored twice: the counts are read from the events each time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from pemilih.contract import COKLIT_NEW_SHEET
from pemilih.store import changes, events, settings
from pemilih.store.events import Addition, Correction, Removal

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event


@dataclass(frozen=True)
class VillageProgress:
    kode_desa: str
    desa: str
    kecamatan: str
    shared_event: int  # the village's latest workbook
    shared_on: date
    voters: int  # voters in that workbook
    visited: int  # checked at the door: ticked, dated, signed, given a STATUS, changed or in conflict
    checked: int  # ticked SESUAI and left as they were: found correct
    changed: int  # struck, moved or corrected (voters)
    struck: int
    moved: int  # moved to another TPS of the village (the voter stays listed)
    corrected: int
    new_voters: int
    conflicts: int
    collected: int  # returned copies of that workbook collected
    last_collected: datetime | None  # the village's latest collected workbook, whatever its cut

    @property
    def not_visited(self) -> int:
        return self.voters - self.visited


@dataclass
class _Tally:
    visited: set = field(default_factory=set)
    checked: set = field(default_factory=set)
    struck: set = field(default_factory=set)
    moved: set = field(default_factory=set)
    corrected: set = field(default_factory=set)
    added: set = field(default_factory=set)
    conflicts: int = 0
    collected: int = 0

    def take(self, data: events.CoklitCollected) -> None:
        self.collected += 1
        for change in data.changes:
            if isinstance(change, Removal):
                self.struck.add(change.key)
            elif isinstance(change, Addition):
                self.added.add(change.key)
            elif isinstance(change, Correction):
                (self.moved if change.is_move else self.corrected).add(change.key)
        for group in data.visits or ():
            keys = [k for k in group.keys if not k.startswith(changes.NEW_VOTER_PREFIX)]
            self.visited.update(keys)
            if group.checked:
                self.checked.update(keys)
        on_rows = [c["key"] for c in data.conflicts if c.get("sheet") != COKLIT_NEW_SHEET]
        self.visited.update(on_rows)
        self.conflicts += len(data.conflicts)

    @property
    def changed(self) -> set:
        return self.struck | self.moved | self.corrected


def progress(ws, village: str | None = None) -> list[VillageProgress]:
    """Per shared village (only `village` when given), in village code order."""
    ws.activate()
    shares = Event.objects.filter(kind=events.LIST_SHARED)
    if village:
        shares = shares.filter(payload__kode_desa=village)
    latest = {}
    for row in shares.order_by("seq").values_list("seq", "payload__cut", "payload__kode_desa", "payload__desa",
                                                   "payload__kecamatan", "payload__rows", "payload__shared_on"):
        latest[row[2]] = row  # the last one of each village wins
    cuts = {row[1]: _Tally() for row in latest.values()}
    last: dict[str, datetime] = {}
    collected = Event.objects.filter(kind=events.COKLIT_COLLECTED)
    if village:
        collected = collected.filter(payload__kode_desa=village)
    for event in collected.order_by("seq").iterator():  # one query; a regency returns ~150 workbooks
        data = event.data()
        last[data.kode_desa] = event.happened_at
        if data.cut in cuts:
            cuts[data.cut].take(data)
    out = []
    for kode in sorted(latest):
        seq, cut, _, desa, kecamatan, rows, shared_on = latest[kode]
        t = cuts[cut]
        changed = t.changed
        out.append(VillageProgress(
            kode, desa or "", kecamatan or "", seq, date.fromisoformat(shared_on), int(rows or 0),
            len(t.visited | changed), len(t.checked - changed), len(changed), len(t.struck), len(t.moved),
            len(t.corrected), len(t.added), t.conflicts, t.collected, last.get(kode)))
    return out
