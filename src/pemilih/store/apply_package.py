"""`pemilih apply PACKAGE`: KPU folds DPML's hand-back package into its own list.

The package is checked first (every file against the manifest, the manifest against its
hash), then against this workspace: it must have been made from a list this workspace
received (same batch sha256). Its changes become one event tagged with their source; a
change already in the list is no change, and a value KPU changed meanwhile is listed as a
conflict, never overwritten. Applying the same package again changes nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from python_calamine import CalamineWorkbook

from pemilih.io import package
from pemilih.io.records import KPU_COLUMNS, KPU_HEADERS
from pemilih.store import bulk, changes, events, settings
from pemilih.store.handback import KEY, SHEET_B, SHEET_TMS, SHEET_U

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, ImportBatch, Kind, SourceFile

SOURCE = "DPML/Pilkalem"  # domain.md 1.3: every change tagged with the agency it came from
COLUMN_OF = {header: column for column, header in KPU_HEADERS.items()}


class ApplyError(changes.ChangeError):
    """The package cannot be applied to this workspace; the message says why."""


@dataclass
class ApplyOutcome:
    event_seq: int | None  # None: nothing applied (already applied, or nothing new)
    applied: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    already: bool = False


def apply(ws, path: Path, *, actor: str, agency: str = "KPU", reason: str) -> ApplyOutcome:
    ws.activate()
    changes.check_who(actor, agency, reason)
    try:
        manifest, files = package.open_package(Path(path))
    except package.PackageError as err:
        raise ApplyError(str(err)) from None
    digest = manifest["manifest_sha256"]
    source = manifest.get("source_list", {})
    if not ImportBatch.objects.filter(kind=Kind.KPU, sha256=source.get("sha256")).exists():
        raise ApplyError(
            "Paket dibuat dari daftar yang tidak ada di ruang kerja ini (sidik daftar asal "
            f"{str(source.get('sha256'))[:16]}, berkas {', '.join(source.get('files', []))}); "
            "terima dulu daftar yang sama dengan yang dibagikan")
    if Event.objects.filter(kind=events.HANDBACK_APPLIED, payload__package=digest).exists():
        return ApplyOutcome(None, already=True)
    rows = _read_changes(files["perubahan.xlsx"])
    outcome = ApplyOutcome(None)
    made = _changes(rows, outcome)
    if not made and not outcome.conflicts:
        return outcome
    with transaction.atomic():
        raw = Path(path).read_bytes()
        sha = hashlib.sha256(raw).hexdigest()
        if not SourceFile.objects.filter(sha256=sha).exists():
            bulk.insert_row(SourceFile, sha256=sha, name=Path(path).name, size=len(raw),
                            kind=Kind.PACKAGE, content=raw, received_at=timezone.now())
        event = changes.record(events.HANDBACK_APPLIED, made, actor=actor, agency=agency,
                               reason=reason, legal_basis=f"Paket serah-kembali {Path(path).name}",
                               payload={"package": digest, "file": Path(path).name, "source": SOURCE,
                                        "period": manifest.get("period"),
                                        "conflicts": outcome.conflicts})
    outcome.event_seq = event.seq
    return outcome


def _read_changes(data: bytes) -> dict[str, list[dict]]:
    """Each sheet of perubahan.xlsx as a list of dicts keyed by header."""
    import io
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    out = {}
    for sheet in (SHEET_B, SHEET_TMS, SHEET_U):
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        header = [str(h) for h in grid[0]] if grid else []
        out[sheet] = [dict(zip(header, (_text(v) for v in row))) for row in grid[1:] if any(row)]
    return out


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def _same(a, b) -> bool:
    """A spreadsheet cannot tell an empty text from no value: both are blank."""
    return (a or None) == (b or None)


def _changes(rows: dict[str, list[dict]], outcome: ApplyOutcome) -> list[events.Change]:
    keys = [r[KEY] for sheet in rows.values() for r in sheet]
    voters = changes.voters(keys)
    made = []

    def take(change: events.Change, code: str) -> None:
        made.append(change)
        voters.apply(change)
        outcome.applied[code] = outcome.applied.get(code, 0) + 1

    for r in rows[SHEET_B]:
        current = voters.get(r[KEY])
        values = {c: r.get(KPU_HEADERS[c]) for c in KPU_COLUMNS}
        if current is None:
            row = changes.new_voter_row(r[KEY], voters.next_position(), values)
            take(changes.add(row, r.get("BUKTI") or SOURCE), "B")
        elif all(_same(current[c], values[c]) for c in KPU_COLUMNS):
            outcome.unchanged += 1
        else:
            outcome.conflicts.append(f"{r[KEY]}: pemilih baru sudah ada di daftar dengan data lain")
    for r in rows[SHEET_TMS]:
        current = voters.get(r[KEY])
        if current is None:
            outcome.unchanged += 1  # already gone
        else:
            take(changes.remove(current, r["KODE"], r.get("BUKTI") or SOURCE), r["KODE"])
    for r in rows[SHEET_U]:
        current, column = voters.get(r[KEY]), COLUMN_OF.get(r["KOLOM"] or "")
        if current is None or column is None:
            outcome.conflicts.append(f"{r[KEY]}: pemilih atau kolom '{r['KOLOM']}' tidak ada di daftar")
        elif _same(current[column], r["NILAI BARU"]):
            outcome.unchanged += 1
        elif _same(current[column], r["NILAI LAMA"]):
            take(changes.set_value(current, column, r["NILAI BARU"], r.get("BUKTI") or SOURCE), "U")
        else:
            outcome.conflicts.append(f"{r[KEY]}: {r['KOLOM']} sudah diubah KPU (bukan nilai lama paket); "
                                     "tidak ditimpa")
    return made
