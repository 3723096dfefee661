"""The job worker's heartbeat and health: what the administrator sees and what a job page warns of.

The worker writes a small file in the workspace (`web/pekerja.json`) every few seconds: its
process, when it started, when it was last seen, the job it runs, how often `pemilih serve`
has restarted it and how the last one ended. A file, not a row: a long import holds SQLite's
write lock for seconds, and a heartbeat must not wait for it (nor make it wait).
"""
from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.utils import timezone

HEARTBEAT_SECONDS = 3.0  # how often the worker writes it
ALIVE_SECONDS = 15.0  # seen within this long: alive
QUEUE_WARN_SECONDS = 20.0  # a job queued this long with no live worker: the job page warns
FILE = "pekerja.json"


def path() -> Path:
    from pemilih.web.jobs import workspace_dir
    return workspace_dir() / "web" / FILE


class Heartbeat:
    """The worker's side: beat() at most every HEARTBEAT_SECONDS (or now with force)."""

    def __init__(self, restarts: int = 0, last_exit: str = ""):
        self.state = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time(),
                      "seen": 0.0, "job": None, "restarts": restarts, "last_exit": last_exit, "stopped": False}
        self._last = 0.0

    def beat(self, job: int | None = None, force: bool = False, stopped: bool = False) -> None:
        now = time.monotonic()
        if not force and job == self.state["job"] and now - self._last < HEARTBEAT_SECONDS:
            return
        self._last = now
        self.state.update(seen=time.time(), job=job, stopped=stopped)
        target = path()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{FILE}.{os.getpid()}")
            temporary.write_text(json.dumps(self.state), encoding="utf-8")
            os.replace(temporary, target)  # a reader sees the old beat or the new one, never half
        except OSError:
            pass  # a full disk must not stop the jobs; the page then says the worker is not seen


@dataclass
class WorkerHealth:
    alive: bool
    seen: datetime | None  # last heartbeat
    started: datetime | None
    pid: int | None
    host: str
    job: int | None  # the job it runs now
    restarts: int
    last_exit: str
    stopped: bool  # it ended normally (the server was stopped)
    queued: int  # jobs waiting
    oldest_queued: datetime | None

    @property
    def state(self) -> str:
        if self.alive:
            return "hidup"
        if self.seen is None:
            return "belum pernah terlihat"
        return "berhenti" if self.stopped else "tidak terlihat"


def read() -> WorkerHealth:
    from pemilih.web.models import Job
    try:
        state = json.loads(path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    seen = state.get("seen") or None
    alive = bool(seen) and not state.get("stopped") and time.time() - seen < ALIVE_SECONDS
    if alive and state.get("host") == socket.gethostname():
        alive = _running(state.get("pid"))  # killed a second ago: the beat is recent, the process gone
    queued = Job.objects.filter(status=Job.QUEUED)
    oldest = queued.order_by("created").values_list("created", flat=True).first()
    return WorkerHealth(
        alive=alive, seen=_when(seen), started=_when(state.get("started")), pid=state.get("pid"),
        host=state.get("host", ""), job=state.get("job") if alive else None,
        restarts=int(state.get("restarts") or 0), last_exit=state.get("last_exit", ""),
        stopped=bool(state.get("stopped")), queued=queued.count(), oldest_queued=oldest)


def queue_warning(job) -> str:
    """For the page of a job still waiting: a warning when it has waited long and no worker is
    alive to take it; "" otherwise."""
    from pemilih.web.models import Job
    if job.status != Job.QUEUED or timezone.now() - job.created < timedelta(seconds=QUEUE_WARN_SECONDS):
        return ""
    worker = read()
    if worker.alive:
        return ""
    seen = f" (terakhir terlihat {timezone.localtime(worker.seen):%d-%m-%Y %H:%M:%S})" if worker.seen else ""
    return (f"Pekerja latar tidak berjalan{seen}: pekerjaan ini menunggu sejak "
            f"{timezone.localtime(job.created):%H:%M:%S} dan belum dapat dimulai. Beri tahu administrator "
            "(halaman Pekerja latar); pekerjaan akan berjalan begitu pekerja hidup kembali.")


def _when(seconds) -> datetime | None:
    return datetime.fromtimestamp(seconds, tz=timezone.get_current_timezone()) if seconds else None


def _running(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except PermissionError:
        return True  # another user's process by that id
    except (OSError, TypeError, ValueError):
        return False
    try:  # a zombie (killed, not yet reaped by `pemilih serve`) is not running
        return open(f"/proc/{int(pid)}/stat").read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True
