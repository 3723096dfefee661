"""Step: the pre-flight check of KPU lists and registry extracts, before anything is received.

The very readers the import uses (io/read.py), then what only shows across files (a NIK on
two rows, engine/check.py). `pemilih check`, the web's upload page and the demo run it; the
report names every bad row by file, sheet, row and column with the reason.

Nothing heavy is imported with this module: the command line calls `read_ahead` first, which
forks the workbook readers before anything has loaded Polars (io/sheets.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pemilih.contract import KIND_KPU, KIND_REGISTRY
from pemilih.cycle.common import SILENT, Progress, StepError

if TYPE_CHECKING:
    from pemilih.contract import ReadResult
    from pemilih.engine.check import CheckReport

KINDS = (KIND_KPU, KIND_REGISTRY)


@dataclass(frozen=True)
class CheckRequest:
    paths: tuple[str, ...]
    kind: str | None = None  # None: each file's kind from its headers (lists and extracts may mix)

    def __post_init__(self):
        object.__setattr__(self, "paths", tuple(str(p) for p in self.paths))
        if not self.paths:
            raise StepError("Sebutkan satu berkas atau lebih untuk diperiksa")
        if self.kind not in (None, *KINDS):
            raise StepError(f"Jenis berkas '{self.kind}' tidak dikenal; pilih kpu atau registry")


@dataclass
class CheckOutcome:
    report: CheckReport
    # Per kind, with the NIK-DUPLICATE problems added: what receiving these files would store.
    results: dict[str, ReadResult] = field(default_factory=dict)


def read_ahead(request: CheckRequest) -> None:
    """Start reading the workbooks in worker processes and hashing the files, while the
    caller goes on loading; `run` takes what they read. Only before Polars is loaded."""
    from pemilih.io import fingerprint, sheets
    sheets.start(list(request.paths), kind=request.kind)
    fingerprint.prefetch(list(request.paths))


def stop_ahead() -> None:
    from pemilih.io import fingerprint, sheets
    fingerprint.forget()
    sheets.stop()


def read(paths, kind: str | None = None, progress: Progress = SILENT) -> dict[str, ReadResult]:
    """The files read and checked per kind, NIK-DUPLICATE problems included."""
    from pemilih.engine.check import with_duplicates
    from pemilih.io.read import read_files, read_grouped
    paths = [str(p) for p in paths]
    progress.stage("Membaca berkas", len(paths))
    advance = lambda: progress.advance(1)  # noqa: E731
    if kind is not None:
        results = {kind: read_files(paths, kind=kind, on_file=advance)}
    else:
        results = read_grouped(paths, on_file=advance)
    return {k: with_duplicates(r) for k, r in results.items()}


def run(request: CheckRequest, progress: Progress = SILENT) -> CheckOutcome:
    from pemilih.engine.check import check
    results = read(request.paths, request.kind, progress)
    progress.stage("Memeriksa baris")
    return CheckOutcome(check(results), results)
