"""KPU folds DPML's hand-back package into its own list (the apply step, cycle/apply.py, opens
and checks the package first: every file against the manifest, the manifest against its hash).

The package is then checked against this workspace: it must have been made from a list this workspace
received (same batch sha256). Its changes become one event tagged with their source; a
change already in the list is no change, and a value KPU changed meanwhile is listed as a
conflict, never overwritten. Applying the same package again changes nothing.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from pemilih.contract import (
    CHANGE_CODE,
    CHANGE_EVIDENCE,
    CHANGE_KEY,
    CORRECTED_COLUMN,
    CORRECTED_NEW,
    CORRECTED_OLD,
    KPU_COLUMNS,
    KPU_HEADERS,
    KPU_REGIME,
    MOVED_NEW,
    MOVED_OLD,
    SHEET_CORRECTED,
    SHEET_INFO,
    SHEET_MOVED,
    SHEET_NEW,
    SHEET_TMS,
    SHEET_UNRESOLVED,
)
from pemilih.domain import codes
from pemilih.domain.masking import mask_digits_in_text as _shown  # a new voter's key holds a NIK
from pemilih.domain.region_tables import printed_names
from pemilih.store import bulk, changes, events, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, ImportBatch, Kind, SourceFile

MOVE_CODE = codes.codes_with(codes.MOVE, KPU_REGIME)[0]  # TMS-8: the package's moves (formats.md section 5)
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
    # Rows for KPU's information, not applied: the information sheet, rows without a village.
    noted: dict[str, int] = field(default_factory=dict)
    signer: str = ""  # the fingerprint of the key that signed the package (cycle/apply.py fills it)


def apply(ws, manifest: dict, rows: dict[str, list[dict]], raw: bytes, name: str, *, actor: str,
          agency: str = "KPU", reason: str) -> ApplyOutcome:
    """Apply a package already opened and checked against its manifest (cycle/apply.py reads it
    with io/package.py): `rows` are perubahan.xlsx's sheets, `raw` the zip's bytes (kept as a
    snapshot), `name` its file name."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    digest = manifest["manifest_sha256"]
    source = manifest.get("source_list", {})
    if not ImportBatch.objects.filter(kind=Kind.KPU, sha256=source.get("sha256")).exists():
        raise ApplyError(
            "Paket dibuat dari daftar yang tidak ada di ruang kerja ini (sidik daftar asal "
            f"{str(source.get('sha256'))[:16]}, berkas {', '.join(source.get('files', []))}); "
            "terima dulu daftar yang sama dengan yang dibagikan")
    if Event.objects.filter(kind=events.HANDBACK_APPLIED, payload__package=digest).exists():
        return ApplyOutcome(None, already=True)
    outcome = ApplyOutcome(None, noted={"informasi": len(rows.get(SHEET_INFO, [])),
                                        "belum_punya_desa": len(rows.get(SHEET_UNRESOLVED, []))})
    made = _changes(rows, outcome)
    if not made and not outcome.conflicts:
        return outcome
    with transaction.atomic():
        sha = hashlib.sha256(raw).hexdigest()
        if not SourceFile.objects.filter(sha256=sha).exists():
            bulk.insert_row(SourceFile, sha256=sha, name=name, size=len(raw),
                            kind=Kind.PACKAGE, content=raw, received_at=timezone.now())
        event = changes.record(events.HANDBACK_APPLIED, made, actor=actor, agency=agency,
                               reason=reason, legal_basis=f"Paket serah-kembali {name}",
                               payload={"package": digest, "file": name, "source": SOURCE,
                                        "period": manifest.get("period"),
                                        "conflicts": outcome.conflicts})
    outcome.event_seq = event.seq
    return outcome


def _same(a, b) -> bool:
    """A spreadsheet cannot tell an empty text from no value: both are blank."""
    return (a or None) == (b or None)


def _same_tps(a, b) -> bool:
    """`7`, `07` and `007` name the same TPS."""
    def number(v):
        text = str(v or "").strip()
        return int(text) if text.isdigit() else text or None
    return number(a) == number(b)


def _changes(rows: dict[str, list[dict]], outcome: ApplyOutcome) -> list[events.Change]:
    keys = [r[CHANGE_KEY] for sheet in (SHEET_NEW, SHEET_TMS, SHEET_MOVED, SHEET_CORRECTED)
            for r in rows.get(sheet, [])]
    voters = changes.voters(keys)
    made = []

    def take(change: events.Change, code: str) -> None:
        made.append(change)
        voters.apply(change)
        outcome.applied[code] = outcome.applied.get(code, 0) + 1

    for r in rows[SHEET_NEW]:
        current = voters.get(r[CHANGE_KEY])
        values = {c: r.get(KPU_HEADERS[c]) for c in KPU_COLUMNS}
        if current is None:
            row = changes.new_voter_row(r[CHANGE_KEY], voters.next_position(), values)
            take(changes.add(row, r.get(CHANGE_EVIDENCE) or SOURCE), "B")
        elif all(_same(current[c], values[c]) for c in KPU_COLUMNS):
            outcome.unchanged += 1
        else:
            outcome.conflicts.append(f"{_shown(r[CHANGE_KEY])}: pemilih baru sudah ada di daftar dengan data lain")
    for r in rows[SHEET_TMS]:
        current = voters.get(r[CHANGE_KEY])
        if current is None:
            outcome.unchanged += 1  # already gone
        else:
            code = r[CHANGE_CODE]
            take(changes.remove(current, code, r.get(CHANGE_EVIDENCE) or SOURCE), code)
    for r in rows.get(SHEET_MOVED, []):
        current = voters.get(r[CHANGE_KEY])
        if current is None:
            outcome.conflicts.append(f"{_shown(r[CHANGE_KEY])}: pemilih yang pindah TPS tidak ada di daftar")
        elif _same_tps(current["tps"], r[MOVED_NEW]):
            outcome.unchanged += 1
        elif _same_tps(current["tps"], r[MOVED_OLD]):
            take(changes.move(current, r[MOVED_NEW], MOVE_CODE, r.get(CHANGE_EVIDENCE) or SOURCE), MOVE_CODE)
        else:
            outcome.conflicts.append(f"{_shown(r[CHANGE_KEY])}: TPS sudah diubah KPU (bukan TPS lama paket); "
                                     "tidak ditimpa")
    for r in rows[SHEET_CORRECTED]:
        named = r[CORRECTED_COLUMN]
        current, column = voters.get(r[CHANGE_KEY]), COLUMN_OF.get(named or "")
        if current is None or column is None:
            outcome.conflicts.append(f"{_shown(r[CHANGE_KEY])}: pemilih atau kolom '{named}' tidak ada di daftar")
        elif _same(current[column], r[CORRECTED_NEW]):
            outcome.unchanged += 1
        elif _same(current[column], r[CORRECTED_OLD]):
            evidence = r.get(CHANGE_EVIDENCE) or SOURCE
            take(changes.set_value(current, column, r[CORRECTED_NEW], evidence), "U")
            if column == "kode_desa":
                for change in _renamed(voters.get(r[CHANGE_KEY]), evidence):
                    made.append(change)
                    voters.apply(change)
        else:
            outcome.conflicts.append(f"{_shown(r[CHANGE_KEY])}: {named} sudah diubah KPU (bukan nilai lama paket); "
                                     "tidak ditimpa")
    return made


def _renamed(current: dict, evidence: str) -> list[events.Change]:
    """A voter moved to another village takes that village's names (the regions table's), so
    the list never shows one village's name beside another's code."""
    names = printed_names([current["kode_desa"]]).get(current["kode_desa"])
    if names is None:
        return []
    return [changes.set_value(current, column, name, evidence)
            for column, name in zip(("kecamatan", "desa"), names) if not _same(current[column], name)]
