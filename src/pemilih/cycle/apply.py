"""Step: KPU folds DPML's hand-back package into its own list.

Every file of the package is checked against the manifest and the manifest against its hash;
the package must come from a list this workspace received. Its changes become one event
tagged with their source; a change already made is no change, a value KPU changed meanwhile is
a conflict, never overwritten; applying the same package twice changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, Who

DEFAULT_AGENCY = "KPU"
DEFAULT_REASON = "Data dukung PDPB dari DPML (Rakor PDPB)"


@dataclass(frozen=True)
class ApplyRequest:
    package: str  # the zip
    who: Who

    def __post_init__(self):
        if not Path(self.package).is_file():
            raise StepError(f"Berkas paket {self.package} tidak ditemukan")


def run(ws, request: ApplyRequest, progress: Progress = SILENT):
    """store.apply_package.ApplyOutcome."""
    from pemilih.contract import PACKAGE_CHANGES
    from pemilih.io import package
    from pemilih.store.apply_package import ApplyError, apply
    progress.stage("Memeriksa paket")
    path = Path(request.package)
    try:
        manifest, files = package.open_package(path)
    except package.PackageError as err:
        raise ApplyError(str(err)) from None
    progress.stage("Menerapkan perubahan")
    return apply(ws, manifest, package.read_changes(files[PACKAGE_CHANGES]), path.read_bytes(), path.name,
                 **request.who.event_args())
