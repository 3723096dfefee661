"""Import a reader's result into the store: atomically, idempotently, in bulk.

One import is one transaction: the files' snapshots, the batch, every record, every problem,
the import event and the projection update land together or not at all. Importing the same
set of files again (same sha256s) changes nothing and says so (created=False).
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from pemilih.contract import ReadResult
from pemilih.store import bulk, events, fault, frames, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Agency, BatchFile, Event, ImportBatch, RowProblem, SourceFile, SourceRecord

EVENT_KIND = {"kpu": events.LIST_IMPORTED, "registry": events.REGISTRY_IMPORTED}


@dataclass(frozen=True)
class ImportOutcome:
    batch_id: int
    created: bool  # False: this set of files was imported before, nothing changed
    rows: int
    problems: int
    seconds: float


class ImportRefused(Exception):
    """The result cannot be imported as it stands; the message says why (Bahasa Indonesia)."""


@dataclass(frozen=True)
class _Snapshot:
    name: str
    sha256: str
    kind: str
    content: bytes


def batch_identity(sha256s) -> str:
    """The identity of a set of files: sha256 over their sorted, de-duplicated hashes."""
    return hashlib.sha256("\n".join(sorted(set(sha256s))).encode("ascii")).hexdigest()


def import_result(ws, result: ReadResult, *, actor: str, agency: str, reason: str,
                  legal_basis: str = "", allow_refused: bool = False,
                  on_rows: Callable[[int], None] | None = None) -> ImportOutcome:
    """Import `result` into workspace `ws`; raises ImportRefused when it cannot be imported.
    `on_rows(rows written so far)` follows the bulk write of the records."""
    started = time.perf_counter()
    ws.activate()
    _check(result, actor, agency, reason, allow_refused)
    identity = batch_identity(f.sha256 for f in _accepted(result))
    try:
        existing = ImportBatch.objects.filter(sha256=identity).first()
        if existing is None:
            snapshots = _snapshots_checked(result)  # only now read the bytes: a no-op stays cheap
            with transaction.atomic():
                batch = _write(result, snapshots, identity, actor, agency, reason, legal_basis, on_rows)
            return ImportOutcome(batch.pk, True, batch.row_count, batch.problem_count,
                                 time.perf_counter() - started)
    except IntegrityError:
        # Another process imported the same files between our check and our insert.
        existing = ImportBatch.objects.filter(sha256=identity).first()
        if existing is None:
            raise
    return ImportOutcome(existing.pk, False, existing.row_count, existing.problem_count,
                         time.perf_counter() - started)


def _check(result: ReadResult, actor: str, agency: str, reason: str, allow_refused: bool) -> None:
    if result.kind not in EVENT_KIND:
        raise ImportRefused(f"Jenis data '{result.kind}' tidak dikenal (kpu atau registry)")
    if agency not in Agency.values:
        raise ImportRefused(f"Instansi '{agency}' tidak dikenal; pilih salah satu: "
                            + ", ".join(Agency.values))
    if not (actor or "").strip() or not (reason or "").strip():
        raise ImportRefused("Pelaku dan alasan impor wajib diisi (dicatat dalam log peristiwa)")
    if result.refused and not allow_refused:
        raise ImportRefused("Ada berkas yang ditolak utuh, impor dibatalkan: "
                            + "; ".join(result.refused))
    missing = frames.missing_columns(result.kind, result.records)
    if missing:
        raise ImportRefused("Tabel rekaman tidak lengkap, kolom hilang: " + ", ".join(missing))


def _accepted(result: ReadResult) -> list:
    """The files of the result that were not refused whole (reader's "<name>: <reason>")."""
    accepted = [f for f in result.files
                if not any(text.startswith(f"{f.name}:") for text in result.refused)]
    if not accepted:
        raise ImportRefused("Tidak ada berkas yang dapat diimpor")
    return accepted


def _snapshots(result: ReadResult) -> list[_Snapshot]:
    """The bytes of every accepted file, checked against the hash the reader computed."""
    snapshots = []
    for info in _accepted(result):
        try:
            content = Path(info.path).read_bytes()
        except OSError as exc:
            raise ImportRefused(f"Berkas {info.name} tidak dapat dibaca ulang: {exc.strerror}") from exc
        if hashlib.sha256(content).hexdigest() != info.sha256:
            raise ImportRefused(f"Berkas {info.name} berubah sejak dibaca; baca ulang lalu impor lagi")
        snapshots.append(_Snapshot(info.name, info.sha256, info.kind or result.kind, content))
    return snapshots


def _snapshots_checked(result: ReadResult) -> list[_Snapshot]:
    """_snapshots(), while the records are checked on this core (hashing lets go of Python's
    lock); a file that changed since it was read is reported first, as when done in turn."""
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(_snapshots, result)
        try:
            _check_records(result, [f.name for f in _accepted(result)])
        except ImportRefused:
            pending.result()
            raise
        return pending.result()


def _check_records(result: ReadResult, names: list[str]) -> None:
    if len(set(names)) != len(names):
        raise ImportRefused("Dua berkas berbeda bernama sama; rujukan sumber (source_ref) akan rancu")
    if result.records.get_column("file").null_count():
        raise ImportRefused("Ada rekaman tanpa nama berkas")
    unknown = frames.file_names(result.records) - set(names)
    if unknown:
        raise ImportRefused("Rekaman merujuk berkas yang tidak disertakan: " + ", ".join(sorted(unknown)))
    if result.kind == "kpu":
        dupes = frames.duplicate_refs(result.records)
        if dupes:
            raise ImportRefused("Rujukan sumber ganda: " + ", ".join(dupes))


def _write(result, snapshots, identity, actor, agency, reason, legal_basis, on_rows) -> ImportBatch:
    files = _store_files(snapshots)
    batch = ImportBatch.objects.create(
        kind=result.kind, sha256=identity, actor=actor, agency=agency, reason=reason,
        legal_basis=legal_basis, row_count=result.records.height,
        problem_count=result.problems.height, refused=list(result.refused))
    unique_files = {f.pk: f for f in files.values()}.values()  # same bytes under two names
    BatchFile.objects.bulk_create(BatchFile(batch=batch, file=f) for f in unique_files)
    _write_records(result, batch, {name: f.pk for name, f in files.items()}, on_rows)
    bulk.write_frame(RowProblem._meta.db_table, frames.problem_rows(result.problems, batch.pk))
    event = Event.write(
        EVENT_KIND[result.kind], events.Imported(batch=batch.pk, sha256=identity, files=sorted(files),
                                                 rows=batch.row_count, problems=batch.problem_count),
        actor=actor, agency=agency, reason=reason, legal_basis=legal_basis, batch=batch)
    projection.apply(event)
    return batch


def _store_files(snapshots: list[_Snapshot]) -> dict[str, SourceFile]:
    """SourceFile per file name; a file already received in another batch is reused."""
    known = {f.sha256: f for f in SourceFile.objects.filter(sha256__in=[s.sha256 for s in snapshots])
             .defer("content")}
    stored = {}
    for snap in snapshots:
        if snap.sha256 not in known:
            new_id = bulk.insert_row(SourceFile, sha256=snap.sha256, name=snap.name,
                                     size=len(snap.content), kind=snap.kind,
                                     content=snap.content, received_at=timezone.now())
            known[snap.sha256] = SourceFile.objects.defer("content").get(pk=new_id)
        stored[snap.name] = known[snap.sha256]
    return stored


def _write_records(result: ReadResult, batch: ImportBatch, file_ids: dict[str, int], on_rows) -> None:
    rows = frames.record_rows(result.kind, result.records, batch.pk, file_ids)

    def after_chunk(total: int) -> None:
        if on_rows is not None:
            on_rows(total)
        fault.rows_written(total)
    bulk.write_frame(SourceRecord._meta.db_table, rows, after_chunk=after_chunk, cut_at=fault.import_kill_at())


def latest_batch(ws, kind: str) -> ImportBatch | None:
    """The latest batch of this kind the workspace received, or None."""
    ws.activate()
    return ImportBatch.objects.filter(kind=kind).order_by("-id").first()


def snapshots_of(ws, kind: str, batch_id: int | None = None) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file of a batch (the latest of `kind` when batch_id is None),
    as received; [] when there is no such batch."""
    ws.activate()
    batch = (ImportBatch.objects.filter(pk=batch_id, kind=kind).first() if batch_id is not None
             else latest_batch(ws, kind))
    if batch is None:
        return []
    return [(f.name, bytes(f.content)) for f in SourceFile.objects.filter(batches=batch).order_by("id")]
