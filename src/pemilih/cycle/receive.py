"""Step: receive KPU lists and civil-registry extracts into the workspace.

The files are read and checked as `check` does; each kind found lands whole in one
transaction (store/receive.py): its snapshots, every row with its problems, and the import
event. A file that cannot be read or lacks a required column is refused whole; rows with
problems are kept with their problems; receiving the same files again changes nothing.
The agency and reason default by kind (the data's origin), written here once for the command
line, the web's upload job and the demo.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pemilih.contract import KIND_KPU, KIND_REGISTRY
from pemilih.cycle import check
from pemilih.cycle.common import DEFAULT_LEGAL_BASIS, SILENT, Counter, Progress, StepError, Who

if TYPE_CHECKING:
    from pemilih.contract import ReadResult

AGENCY_OF_KIND = {KIND_KPU: "KPU", KIND_REGISTRY: "DISDUKCAPIL"}
REASON_OF_KIND = {KIND_KPU: "Daftar pemilih terakhir dari KPU sebagai bahan awal pemutakhiran",
                  KIND_REGISTRY: "Ekstrak data kependudukan untuk verifikasi daftar pemilih"}
KIND_LABELS = {KIND_KPU: "daftar pemilih", KIND_REGISTRY: "ekstrak Disdukcapil"}


@dataclass(frozen=True)
class ReceiveRequest:
    paths: tuple[str, ...]
    actor: str
    kind: str | None = None  # None: from the headers
    agency: str | None = None  # None: KPU for a list, DISDUKCAPIL for an extract
    reason: str | None = None  # None: REASON_OF_KIND
    legal_basis: str = DEFAULT_LEGAL_BASIS

    def __post_init__(self):
        check.CheckRequest(tuple(self.paths), self.kind)  # the same checks of paths and kind
        object.__setattr__(self, "paths", tuple(str(p) for p in self.paths))
        for kind in check.KINDS:
            self.who(kind)  # a wrong agency or an empty actor is refused before any reading

    def who(self, kind: str) -> Who:
        return Who(self.actor, self.agency or AGENCY_OF_KIND[kind], self.reason or REASON_OF_KIND[kind],
                   self.legal_basis)


@dataclass(frozen=True)
class Received:
    """One kind's import."""

    kind: str
    batch_id: int
    created: bool  # False: these very files were received before; nothing changed
    rows: int
    problems: int
    seconds: float
    unresolved: int = 0  # rows whose village could not be resolved: in the unresolved queue

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class ReceiveOutcome:
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "<file>: <reason>", files refused whole
    results: dict[str, ReadResult] = field(default_factory=dict)  # what was read, per kind


def run(ws, request: ReceiveRequest, progress: Progress = SILENT) -> ReceiveOutcome:
    """Read the files and store each kind found; StepError when nothing can be stored."""
    return store(ws, read(request, progress), request, progress)


def read(request: ReceiveRequest, progress: Progress = SILENT) -> dict[str, ReadResult]:
    """The first half of `run`: the files read and checked, per kind (no workspace needed yet)."""
    return check.read(request.paths, request.kind, progress)


def store(ws, results: dict[str, ReadResult], request: ReceiveRequest,
          progress: Progress = SILENT) -> ReceiveOutcome:
    """The second half of `run`: store results already read (by `read`, or by the check step,
    as the demo does after its pre-flight check)."""
    from pemilih.domain.village_queue import without_village
    from pemilih.store.receive import import_result
    outcome = ReceiveOutcome(results=results)
    for result in results.values():
        outcome.refused += result.refused
    if not any(r.records.height for r in results.values()):
        raise StepError("\n".join([f"DITOLAK: {line}" for line in outcome.refused]
                                  + ["Tidak ada baris yang dapat disimpan; ruang kerja tidak berubah."]))
    for kind, result in results.items():
        if not result.records.height:
            continue
        who = request.who(kind)
        counter = Counter(progress, f"Menyimpan {KIND_LABELS[kind]}", result.records.height)
        done = import_result(ws, result, actor=who.actor, agency=who.agency, reason=who.reason,
                             legal_basis=who.legal_basis, allow_refused=True, on_rows=counter.reach)
        queued = result.records.filter(without_village()).height if kind == KIND_KPU else 0
        outcome.received.append(Received(kind, done.batch_id, done.created, done.rows, done.problems,
                                          done.seconds, queued))
    return outcome
