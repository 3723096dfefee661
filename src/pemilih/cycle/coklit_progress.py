"""Step: the coklit progress per village, for DPML (and a committee, its own village).

Per village, against its latest workbook: voters in it, visited (checked at the door: ticked
SESUAI, dated, signed, given a STATUS or changed), not yet visited, found correct, changed
(struck, moved within the village, corrected), new voters, and when its last workbook came
back. Counted from the event log alone (store/visits.py); nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from pemilih.cycle.common import SILENT, Progress, StepError

# What the outcome's total adds up (VillageProgress's counts).
COUNTED = ("voters", "visited", "checked", "changed", "struck", "moved", "corrected", "new_voters", "conflicts",
           "collected")


@dataclass(frozen=True)
class ProgressRequest:
    village: str | None = None  # one village (a committee's own), or every village shared

    def __post_init__(self):
        from pemilih.domain.regions import canonical_code
        if self.village:
            code = canonical_code(self.village.strip())
            if code is None or code.count(".") != 3:
                raise StepError(f"Kode desa '{self.village}' tidak sah; tulis seperti 73.26.01.2001")
            object.__setattr__(self, "village", code)


@dataclass(frozen=True)
class ProgressOutcome:
    villages: list  # store.visits.VillageProgress, in village code order

    @property
    def total(self) -> dict[str, int]:
        """The counts over every village listed, not_visited included."""
        out = {name: sum(getattr(v, name) for v in self.villages) for name in COUNTED}
        out["not_visited"] = out["voters"] - out["visited"]
        return out


def run(ws, request: ProgressRequest, progress: Progress = SILENT) -> ProgressOutcome:
    from pemilih.store.visits import progress as village_progress
    progress.stage("Menghitung kemajuan coklit")
    return ProgressOutcome(village_progress(ws, request.village))
