"""Step: collect the committees' coklit workbooks back into change events.

Each workbook on its own: refused whole when anything in it is wrong (every bad cell named with
its row's voter), unless the committee chose to take the right rows now (`take_good`) and every
problem is a row's own: then the right rows are taken and the wrong ones listed on the event
(store/collect.py). Otherwise its TMS rows, corrections and new voters become one event; conflicts with changes made
after the workbook was shared are listed, never overwritten; the same file twice changes
nothing (store/collect.py). A folder stands for the workbooks in it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pemilih.cycle.common import SILENT, Counter, Progress, StepError, Who

DEFAULT_AGENCY = "PANITIA"
DEFAULT_REASON = "Hasil coklit panitia"
# The outcomes a workbook can have (store/collect.py), as the pages and the command print them.
STATUS_LABELS = {
    "diterima": "Diterima", "konflik": "Diterima dengan konflik", "sebagian": "Diterima sebagian",
    "ditolak": "Ditolak",
    "sudah-dikumpulkan": "Sudah dikumpulkan sebelumnya", "tanpa-perubahan": "Tanpa perubahan",
    "tidak-terbaca": "Tidak dapat dibaca",
}


@dataclass(frozen=True)
class CollectRequest:
    paths: tuple[str, ...]  # workbooks, or folders holding them
    who: Who
    village: str | None = None  # refuse workbooks of any other village (a committee's own)
    processes: int = 2
    take_good: bool = False  # rows with problems left and listed, the right ones taken (else refused whole)

    def __post_init__(self):
        object.__setattr__(self, "paths", tuple(str(p) for p in self.paths))
        if not self.workbooks():
            raise StepError("Tidak ada lembar kerja yang diberikan.")

    def workbooks(self) -> list[Path]:
        """The files given, a folder's workbooks in name order (not Excel's lock files ~$...)."""
        found = []
        for name in self.paths:
            path = Path(name)
            if path.is_dir():
                found += sorted(p for p in path.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
            else:
                found.append(path)
        return found


class Collected(list):
    """One store.collect.CollectOutcome per workbook, in the order given; and how many voters of
    the list have no village (the unresolved queue, store/unresolved.py), so were in no workbook
    and are in none returned."""

    unresolved: int = 0


def run(ws, request: CollectRequest, progress: Progress = SILENT) -> Collected:
    from pemilih.io.coklit_workbook import read_many
    from pemilih.store import unresolved
    from pemilih.store.collect import collect
    paths = request.workbooks()
    counter = Counter(progress, "Membaca dan mencatat lembar kerja", len(paths))
    # Read by worker processes one ahead of the store: each is recorded while the next is read.
    outcomes = Collected(collect(ws, read_many(paths, request.processes), village=request.village,
                                 progress=counter, take_good=request.take_good, **request.who.event_args()))
    outcomes.unresolved = unresolved.count(ws)
    return outcomes
