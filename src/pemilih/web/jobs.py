"""The job queue: long work (import, verification, lists, packages) runs outside the request.

Database-backed, so it needs no extra server with SQLite: a view calls `enqueue()`, the worker
process that `pemilih serve` starts (web/worker.py) claims queued jobs one at a time and runs
each in a fresh process, with the handler web/tasks.py registers for the job's kind; the
handler reports progress through the bar it is given (a step's Progress: stage and advance),
and the page polls it. A handler raises JobError (or a step's refusal) with a message in
Bahasa Indonesia to fail.
"""
from __future__ import annotations

import shutil
import sys
import time
import traceback
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from pemilih.domain.masking import mask_digits_in_text
from pemilih.web.models import Job


class JobError(Exception):
    """An expected failure: the message is shown to the user as it is."""


def handlers() -> dict:
    """kind -> (label, handler): the registry of web/tasks.py."""
    from pemilih.web.tasks import HANDLERS
    return HANDLERS


def label(kind: str) -> str:
    return handlers().get(kind, (kind, None))[0]


def workspace_dir() -> Path:
    return Path(settings.PEMILIH_WORKSPACE)


def output_dir(job: Job) -> Path:
    folder = workspace_dir() / "web" / "pekerjaan" / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_dir() -> Path:
    folder = workspace_dir() / "web" / "unggahan"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_upload(upload, suffixes: tuple[str, ...], max_bytes: int) -> Path:
    """An uploaded file under the upload folder, in a folder of its own, with a cleaned name
    (the library names the file in its messages; the client's name is never used as a path).
    ValueError, with the reason in Bahasa, for a wrong kind of file or one too big."""
    name = get_valid_filename(Path(upload.name or "").name) or "berkas"
    if not name.lower().endswith(suffixes):
        raise ValueError(f"Berkas '{name}' bukan {' atau '.join(suffixes)}.")
    if upload.size > max_bytes:
        raise ValueError(f"Berkas '{name}' terlalu besar ({upload.size // (1024 * 1024)} MB).")
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir()
    path = folder / name
    with open(path, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    return path


def enqueue(request, kind: str, params: dict, kode_desa: str = "") -> Job:
    if kind not in handlers():
        raise JobError(f"Jenis pekerjaan '{kind}' tidak dikenal")
    return Job.objects.create(kind=kind, params=params, kode_desa=kode_desa,
                              user=request.user if request.user.is_authenticated else None)


class JobBar:
    """A step's progress (cycle.common.Progress: stage, advance), written to the job row at
    most every half second."""

    def __init__(self, job: Job):
        self.job = job
        self.n = 0
        self.total = None
        self._last = 0.0

    def set_description(self, desc: str, refresh: bool = True) -> None:
        self.job.stage = desc
        self._save(force=True)

    def stage(self, desc: str, total: int | None = None) -> JobBar:
        self.n, self.total = 0, total
        self.set_description(desc)
        return self

    def advance(self, n: int = 1) -> None:
        self.n += n
        self._save()

    update = advance  # the name tqdm-style callers use

    def refresh(self) -> None:
        self._save(force=True)

    def close(self) -> None:
        self._save(force=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.5:
            return
        self._last = now
        Job.objects.filter(pk=self.job.pk).update(done=self.n, total=self.total, stage=self.job.stage)


def claim() -> Job | None:
    """Take the oldest queued job, or None; two workers never take the same one."""
    with transaction.atomic():
        job = Job.objects.filter(status=Job.QUEUED).order_by("id").first()
        if job is None:
            return None
        taken = Job.objects.filter(pk=job.pk, status=Job.QUEUED).update(
            status=Job.RUNNING, started=timezone.now())
        if not taken:
            return None
    job.refresh_from_db()
    return job


def run(job: Job) -> Job:
    """Run one claimed job to its end; its row says how it went."""
    bar = JobBar(job)
    try:
        message = handlers()[job.kind][1](job, bar)
        status = Job.DONE
    except Exception as exc:  # recorded on the job: the worker must go on
        status = Job.FAILED
        # An error's text may quote what it refused (a NIK among it): shown by the one rule.
        if _expected(exc):
            message = mask_digits_in_text(exc)
        else:
            message = f"Kesalahan tak terduga: {type(exc).__name__}"
            print(mask_digits_in_text(traceback.format_exc()), file=sys.stderr)  # the server's log
    files = sorted(p.name for p in output_dir(job).iterdir() if p.is_file())
    Job.objects.filter(pk=job.pk).update(status=status, message=message or "", files=files,
                                         finished=timezone.now(), done=bar.n, total=bar.total,
                                         result=job.result)
    job.refresh_from_db()
    return job


def _expected(exc: Exception) -> bool:
    from pemilih.cycle.common import is_refusal
    return isinstance(exc, (JobError, ValueError)) or is_refusal(exc)


def run_pending() -> int:
    """Run every queued job now, in this process (tests, and the demo); how many ran."""
    ran = 0
    while (job := claim()) is not None:
        run(job)
        ran += 1
    return ran


def fail_interrupted() -> None:
    """Jobs left running by a worker that stopped: failed, with a message to run them again."""
    Job.objects.filter(status=Job.RUNNING).update(
        status=Job.FAILED, message="Terhenti karena server dimulai ulang; jalankan lagi.",
        finished=timezone.now())


def fail_if_unfinished(pk: int, returncode: int) -> None:
    """After a job's process ended: a job it left running (it crashed or was killed) fails."""
    Job.objects.filter(pk=pk, status=Job.RUNNING).update(
        status=Job.FAILED, finished=timezone.now(),
        message=f"Proses pekerjaan berhenti tanpa menyelesaikannya (kode {returncode}); jalankan lagi.")


def forget(job: Job) -> None:
    shutil.rmtree(output_dir(job), ignore_errors=True)
