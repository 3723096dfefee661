"""The job queue: long work (import, verification, lists, packages) runs outside the request.

Database-backed, so it needs no extra server with SQLite: a view calls `enqueue()`, the worker
process that `pemilih serve` starts (web/worker.py) claims queued jobs one at a time and runs
each in a fresh process, with the handler web/tasks.py registers for the job's kind; the
handler reports progress through the bar it is given (a step's Progress: stage and advance),
and the page polls it. A handler raises JobError (or a step's refusal) with a message in
Bahasa Indonesia to fail.
"""
from __future__ import annotations

import os
import shutil
import signal
import sys
import time
import traceback
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from pemilih.domain.masking import mask_digits_in_text
from pemilih.store import owner_only
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
    return owner_only.private_folder(workspace_dir() / "web" / "pekerjaan" / str(job.pk))


def upload_dir() -> Path:
    return owner_only.private_folder(workspace_dir() / "web" / "unggahan")


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
    folder.mkdir(mode=owner_only.FOLDER_MODE)
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
        from pemilih.store import fault
        fault.job_pause(job.kind)
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


MARKER_ENV = "PEMILIH_JOB"  # set in a job's process (and inherited by what it starts)


def marker(pk: int) -> str:
    """The value of MARKER_ENV in job pk's processes: the job and its workspace, so a worker
    finds the processes of its own job and never another workspace's."""
    return f"{pk}@{workspace_dir().resolve()}"


def job_processes(pk: int) -> list[int]:
    """Processes still running for job pk (its own and any it started), found by their marker;
    [] where /proc cannot tell (not Linux)."""
    wanted = f"{MARKER_ENV}={marker(pk)}".encode()
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue  # ended meanwhile, or not ours
        if wanted in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_processes(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass  # ended meanwhile


INTERRUPTED = "Terhenti karena server dimulai ulang; jalankan lagi."


def recover(last_exit: str = "") -> int:
    """At a worker's start: the jobs left "Berjalan" by the worker before it (stopped, or died)
    fail with the reason, and whatever of their processes still runs is killed. last_exit: how
    the worker before it ended, when the supervisor restarted it. How many jobs failed."""
    failed = 0
    for job in Job.objects.filter(status=Job.RUNNING):
        kill_processes(job_processes(job.pk))
        if last_exit:
            message = (f"Pekerja latar berhenti mendadak ({last_exit}) saat menjalankan pekerjaan ini dan "
                       "sudah dimulai ulang otomatis; pekerjaan ini tidak selesai, jalankan lagi.")
        else:
            message = INTERRUPTED
        failed += Job.objects.filter(pk=job.pk, status=Job.RUNNING).update(
            status=Job.FAILED, message=message, finished=timezone.now())
    return failed


def started(pk: int, pid: int) -> None:
    """The job's process is running: its id (and process group) kept on the row."""
    Job.objects.filter(pk=pk).update(pid=pid)


def fail_if_unfinished(pk: int, returncode: int) -> None:
    """After a job's process ended: a job it left running (it crashed or was killed) fails."""
    Job.objects.filter(pk=pk, status=Job.RUNNING).update(
        status=Job.FAILED, finished=timezone.now(),
        message=f"Proses pekerjaan berhenti tanpa menyelesaikannya (kode {returncode}); jalankan lagi.")


def fail_overdue(pk: int, seconds: float) -> None:
    """A job killed for running past its time limit."""
    Job.objects.filter(pk=pk, status=Job.RUNNING).update(
        status=Job.FAILED, finished=timezone.now(),
        message=f"Melewati batas waktu {duration(seconds)}; proses pekerjaan dihentikan. Jalankan lagi, atau minta "
                "administrator menaikkan batasnya (PEMILIH_JOB_MINUTES).")


def duration(seconds: float) -> str:
    if seconds >= 60:
        minutes = seconds / 60
        return f"{minutes:g} menit" if minutes != int(minutes) else f"{int(minutes)} menit"
    return f"{seconds:g} detik"


# --- limits and expiry (settings PEMILIH_JOB_MINUTES, PEMILIH_JOB_OUTPUT_HOURS) -----------------

def time_limits() -> dict[str, float]:
    """kind -> seconds: the defaults of web/tasks.py, changed by PEMILIH_JOB_MINUTES ("90" for
    every kind, "verifikasi=180" for one, or both, comma-separated). ImproperlyConfigured, in
    Bahasa Indonesia, for a value that is not one."""
    from pemilih.web.tasks import TIME_LIMIT_MINUTES
    minutes = dict(TIME_LIMIT_MINUTES)
    spec = str(getattr(settings, "PEMILIH_JOB_MINUTES", "") or "")
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        kind, _, value = part.rpartition("=")
        kind = kind.strip()
        if kind and kind not in minutes:
            raise ImproperlyConfigured(f"PEMILIH_JOB_MINUTES: jenis pekerjaan '{kind}' tidak dikenal "
                                       f"(yang ada: {', '.join(sorted(minutes))}).")
        number = _positive(value, "PEMILIH_JOB_MINUTES", part)
        for k in ([kind] if kind else list(minutes)):
            minutes[k] = number
    return {k: v * 60 for k, v in minutes.items()}


def time_limit(kind: str) -> float:
    limits = time_limits()
    return limits.get(kind, max(limits.values()))


def output_hours() -> float:
    """How long a job's output files are kept (PEMILIH_JOB_OUTPUT_HOURS, default 72; 0: always)."""
    value = str(getattr(settings, "PEMILIH_JOB_OUTPUT_HOURS", "72"))
    if value.strip() in ("0", "0.0"):
        return 0.0
    return _positive(value, "PEMILIH_JOB_OUTPUT_HOURS", value)


def _positive(value: str, name: str, shown: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number > 0 or number != number or number == float("inf"):
        raise ImproperlyConfigured(f"{name}: '{shown}' bukan angka positif.")
    return number


def expire_outputs(now=None) -> int:
    """Delete the output files of jobs finished longer ago than output_hours(); each such job is
    marked (files_expired) so its page says the files expired. How many jobs were expired."""
    hours = output_hours()
    if not hours:
        return 0
    now = now or timezone.now()
    cutoff = now - timedelta(hours=hours)
    expired = 0
    stale = Job.objects.filter(status__in=(Job.DONE, Job.FAILED), finished__lt=cutoff, files_expired__isnull=True)
    for pk in stale.values_list("pk", flat=True):
        shutil.rmtree(workspace_dir() / "web" / "pekerjaan" / str(pk), ignore_errors=True)
        expired += Job.objects.filter(pk=pk, files_expired__isnull=True).update(files_expired=now)
    return expired


def forget(job: Job) -> None:
    shutil.rmtree(output_dir(job), ignore_errors=True)
