"""Step: KPU folds DPML's hand-back package into its own list.

The package must be signed by a key registered here for DPML (cycle/keys.py): the signature
over the manifest's bytes, then the manifest against its hash (and against the hash printed on
the signed minutes, when given), then every file against the manifest, each read in a stream
with a size limit (io/package.py). It must come from a list this workspace received. Its changes become one event
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
    # The manifest hash printed on the signed minutes (spaces allowed); None: not asked.
    expected_hash: str | None = None

    def __post_init__(self):
        if not Path(self.package).is_file():
            raise StepError(f"Berkas paket {self.package} tidak ditemukan")
        if self.expected_hash is not None:
            digits = "".join(c for c in self.expected_hash.lower() if not c.isspace())
            if len(digits) != 64 or any(c not in "0123456789abcdef" for c in digits):
                raise StepError("Sidik manifest harus 64 karakter heksadesimal, seperti tertulis di berita acara")


SIGNER = "DPML"  # whose registered keys a package must be signed with


def run(ws, request: ApplyRequest, progress: Progress = SILENT):
    """store.apply_package.ApplyOutcome, with `signer` (the fingerprint of the key that signed
    the package, grouped as the minutes print it)."""
    from pemilih.contract import PACKAGE_CHANGES
    from pemilih.io import package, signing
    from pemilih.store import keys
    from pemilih.store.apply_package import ApplyError, apply
    progress.stage("Memeriksa tanda tangan dan isi paket")
    path = Path(request.package)
    trusted = keys.trusted(ws, SIGNER)
    if not trusted:
        raise ApplyError(f"Belum ada kunci publik {SIGNER} yang terdaftar di ruang kerja ini; daftarkan dulu "
                         "(pemilih kunci daftar), lalu cocokkan sidiknya dengan berita acara")
    try:
        opened = package.open_package(path, trusted, expected_hash=request.expected_hash)
    except package.PackageError as err:
        raise ApplyError(str(err)) from None
    progress.stage("Menerapkan perubahan")
    outcome = apply(ws, opened.manifest, package.read_changes(opened.files[PACKAGE_CHANGES]), path.read_bytes(),
                    path.name, **request.who.event_args())
    outcome.signer = signing.grouped(opened.fingerprint)
    return outcome
