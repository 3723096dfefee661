"""Step: back a workspace up into a folder, and restore a workspace from one.

Backup copies the database consistently while the server runs (SQLite's online backup API;
PostgreSQL's pg_dump under one snapshot) with the workspace's own files (its keys), and a
manifest of when, what, how many events and the SHA-256 of each file (store/backup.py).
Restore checks every hash first, refuses to replace a workspace that holds anything unless
asked to (`overwrite`), and reports the events it restored, which must be the manifest's.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pemilih.cycle.common import SILENT, Progress, StepError


@dataclass(frozen=True)
class BackupRequest:
    out_dir: str

    def __post_init__(self):
        if not str(self.out_dir or "").strip():
            raise StepError("Folder cadangan wajib diisi")


@dataclass(frozen=True)
class BackupOutcome:
    folder: Path
    events: int
    last_seq: int | None
    database: str
    dump_sha256: str
    files: list[str]


@dataclass(frozen=True)
class RestoreRequest:
    source_dir: str
    overwrite: bool = False  # replace a workspace that holds events, accounts or other files

    def __post_init__(self):
        if not str(self.source_dir or "").strip():
            raise StepError("Folder cadangan wajib diisi")


@dataclass(frozen=True)
class RestoreOutcome:
    events: int
    last_seq: int | None
    created: str  # when the backup was made (the manifest's)
    replaced: str  # what the workspace held before ("kosong" when nothing)
    files: list[str]


def backup(ws, request: BackupRequest, progress: Progress = SILENT) -> BackupOutcome:
    from pemilih.store import backup as store
    progress.stage("Mencadangkan basis data dan berkas ruang kerja")
    try:
        manifest = store.backup(ws, Path(request.out_dir))
    except store.BackupError as exc:
        raise StepError(str(exc)) from None
    return BackupOutcome(Path(request.out_dir), manifest.events, manifest.last_seq, manifest.database,
                         manifest.dump_sha256, [f["path"] for f in manifest.files])


def restore(ws, request: RestoreRequest, progress: Progress = SILENT) -> RestoreOutcome:
    from pemilih.store import backup as store
    folder = Path(request.source_dir)
    try:
        progress.stage("Memeriksa sidik cadangan")
        manifest = store.check(folder)
        held = store.contents(ws, manifest)
        if not held.empty and not request.overwrite:
            raise StepError(f"Ruang kerja {ws.path} tidak kosong ({held.describe()}); pemulihan akan menimpanya. "
                            "Tambahkan --timpa bila memang itu yang dimaksud.")
        progress.stage("Memulihkan basis data dan berkas ruang kerja")
        store.restore(ws, folder, manifest)
        events, last_seq = store.event_count(ws)
    except store.BackupError as exc:
        raise StepError(str(exc)) from None
    if (events, last_seq) != (manifest.events, manifest.last_seq):
        raise StepError(f"Pemulihan tidak lengkap: {events} peristiwa (terakhir #{last_seq}), sedangkan cadangan "
                        f"mencatat {manifest.events} (terakhir #{manifest.last_seq})")
    return RestoreOutcome(events, last_seq, manifest.created, held.describe(), [f["path"] for f in manifest.files])
