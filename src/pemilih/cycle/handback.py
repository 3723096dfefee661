"""Step: DPML's hand-back package for KPU (formats.md section 5).

The changes against the list KPU shared (new voters, not eligible with their code and
evidence, corrected fields), the resulting list, the recap of the period and the signed
minutes, zipped with a manifest of every file's hash; the export rests on the data-sharing
agreement and is recorded as a transfer event.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError, Who, check_regime, local_today, working_regime

DEFAULT_AGENCY = "DPML"
DEFAULT_REASON = "Penyerahan kembali data pemilih hasil Pilkalem sebagai data dukung PDPB"
DEFAULT_PLACE = "Rantepao"
PERIOD = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,29}$")  # it becomes part of the file name


@dataclass(frozen=True)
class HandbackRequest:
    out_dir: str
    period: str  # e.g. 2027-Q1 or 2027-03
    agreement: str
    who: Who
    on: date | None = None  # the day of the hand-over; None: today (local)
    regime: str | None = None  # None: the working regime
    place: str = DEFAULT_PLACE  # where the minutes are signed

    def __post_init__(self):
        if not PERIOD.match(self.period or ""):
            raise StepError("Periode wajib diisi dengan huruf, angka atau tanda hubung, mis. 2027-Q1.")
        if self.regime is not None:
            check_regime(self.regime)


@dataclass
class HandbackOutcome:
    path: Path  # the zip
    manifest: dict
    counts: dict[str, int]


def run(ws, request: HandbackRequest, progress: Progress = SILENT) -> HandbackOutcome:
    """Read what the package is made of (store/handback.py), check the agreement, write the
    four files and the manifest, zip them, and record the transfer."""
    from pemilih.contract import KPU_COLUMNS, PACKAGE_CHANGES, PACKAGE_LIST, PACKAGE_MINUTES, PACKAGE_RECAP
    from pemilih.cycle import recap
    from pemilih.domain.agencies import PROVIDER
    from pemilih.domain.codes import code_table
    from pemilih.io import package
    from pemilih.io.recap_xlsx import write_recap
    from pemilih.store import agreements, handback
    on, regime = request.on or local_today(), request.regime or working_regime(ws)
    progress.stage("Membaca daftar dan log peristiwa")
    handing = handback.gather(ws, on)
    terms = agreements.agreement_for(ws, request.agreement, on=on, provider=request.who.agency,
                                     recipient=PROVIDER, villages=handing.villages, elements=KPU_COLUMNS)
    summary = recap.period(ws, handing.start, on, regime, found=handing.found)
    counts = handback.counts(handing.changes, summary)
    out_dir = Path(request.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    progress.stage("Menulis paket serah-kembali")
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        folder = Path(tmp)
        changes = handing.changes
        package.write_changes(folder / PACKAGE_CHANGES, changes.added, changes.removed, changes.corrected,
                              {c: v.label for c, v in code_table(regime).items()})
        package.write_list(folder / PACKAGE_LIST, handing.now)
        write_recap(summary, str(folder / PACKAGE_RECAP), title=f"Rekapitulasi daftar pemilih {request.period}")
        manifest = package.manifest_for(folder, regency=handing.regency, period=request.period,
                                        source_list=handing.source_list, counts=counts,
                                        created=datetime.now(UTC).isoformat(timespec="seconds"))
        _write_minutes(folder / PACKAGE_MINUTES, manifest, counts, request, on, terms)
        package.add_minutes(folder, manifest)
        path = package.write_zip(folder, manifest, out_dir / package.package_name(
            handing.regency, request.period, manifest["manifest_sha256"]))
    handback.record(terms, file=path.name, sha256=package.sha256_file(path),
                    manifest_sha256=manifest["manifest_sha256"], counts=counts, **request.who.event_args())
    return HandbackOutcome(path, manifest, counts)


def _write_minutes(path: Path, manifest: dict, counts: dict, request: HandbackRequest, day: date, terms) -> None:
    from pemilih.io.minutes_pdf import write_minutes
    lines = [("Pemilih pada awal periode", counts["pemilih_awal"]), ("Pemilih baru (B)", counts["B"])]
    lines += [(f"Tidak memenuhi syarat {code}", n) for code, n in counts.items() if code.startswith("TMS")]
    lines += [("Pemilih dengan perbaikan data (U)", counts["U"]),
              ("Pemilih pada akhir periode", counts["pemilih_akhir"])]
    write_minutes(
        str(path), title="BERITA ACARA SERAH TERIMA DATA PEMILIH HASIL PEMILIHAN KEPALA LEMBANG",
        number=f"BA/{manifest['regency']}/{manifest['period']}", place=request.place, day=day,
        parties=[{"name": "Kepala DPML", "role": "Yang menyerahkan", "agency": "DPML"},
                 {"name": "Ketua KPU Kabupaten", "role": "Yang menerima", "agency": "KPU"}],
        counts=lines, manifest_sha256=manifest["manifest_sha256"],
        notes=[f"Data diserahkan berdasarkan perjanjian {terms.number}: {terms.purpose}.",
               f"Daftar asal: {', '.join(manifest['source_list']['files'])} "
               f"(sidik {manifest['source_list']['sha256'][:16]}).",
               "Data ini merupakan data dukung pemutakhiran data pemilih berkelanjutan (PDPB)."])
