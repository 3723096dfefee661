"""Starting the application: the gunicorn web server plus the job worker, on one workspace.

gunicorn (not Django's development server) with threaded workers; the job worker is a second
process polling the database, restarted when it dies (WorkerSupervisor). The secret key comes
from PEMILIH_SECRET_KEY, or is made once and kept owner-only in the workspace, so sessions
survive a restart.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

KEY_FILE = ".kunci-rahasia"


@dataclass
class ServeOptions:
    workspace: Path
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    threads: int = 4
    database_url: str | None = None


def secret_key(folder: Path) -> str:
    if os.environ.get("PEMILIH_SECRET_KEY"):
        return os.environ["PEMILIH_SECRET_KEY"]
    path = folder / KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    return path.read_text().strip()


def environment(opts: ServeOptions) -> dict:
    folder = opts.workspace.resolve()
    env = dict(os.environ)
    env.update(PEMILIH_WORKSPACE=str(folder), PEMILIH_SECRET_KEY=secret_key(folder),
DJANGO_SETTINGS_MODULE="pemilih.store.settings")
    env.setdefault("PEMILIH_ALLOWED_HOSTS", f"{opts.host},127.0.0.1,localhost")
    if opts.database_url:
        env["DATABASE_URL"] = opts.database_url
    return env


def prepare(opts: ServeOptions) -> None:
    """Schema up to date and the reading indexes made, before any worker starts; the job
    settings checked (a bad PEMILIH_JOB_MINUTES or PEMILIH_JOB_OUTPUT_HOURS stops here)."""
    from pemilih.store.workspace import open_workspace
    from pemilih.web import indexes
    ws = open_workspace(opts.workspace, opts.database_url)
    from pemilih.web import jobs  # its models need the settings open_workspace made
    indexes.ensure()
    jobs.time_limits()
    jobs.output_hours()
    ws.close()


def start(opts: ServeOptions, access_log=None, tied: bool = False,
          with_worker: bool = True) -> tuple[subprocess.Popen, subprocess.Popen | None]:
    """gunicorn and the job worker; access_log: a file for gunicorn's access lines (stdout
    when None; the load benchmark sends them away, thousands of lines per second). tied: the
    two end when this process dies, however it dies (`pemilih serve`; not from a process with
    threads, where a function run between fork and exec may deadlock)."""
    env = environment(opts)
    bin_dir = Path(sys.executable).parent
    gunicorn = [str(bin_dir / "gunicorn"), "pemilih.web.wsgi:application",
                "--bind", f"{opts.host}:{opts.port}", "--workers", str(opts.workers),
                "--threads", str(opts.threads), "--worker-class", "gthread",
                "--timeout", "120", "--graceful-timeout", "10", "--log-level", "warning",
                "--access-logfile", "-", "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s %(M)sms',
                "--preload"]
    before_exec = _end_with_parent if tied else None
    web = subprocess.Popen(gunicorn, env=env, stdout=access_log, preexec_fn=before_exec)
    worker = None
    if with_worker:
        worker = subprocess.Popen([sys.executable, "-m", "pemilih.web.worker"], env=env, preexec_fn=before_exec)
    return web, worker


def start_supervised(opts: ServeOptions, access_log=None,
                     tied: bool = False) -> tuple[subprocess.Popen, WorkerSupervisor]:
    """As start(), with the job worker under a WorkerSupervisor: call its poll() often."""
    env = environment(opts)
    web, worker = start(opts, access_log, tied, with_worker=False)
    supervisor = WorkerSupervisor(env, _end_with_parent if tied else None)
    supervisor.start()
    return web, supervisor


class WorkerSupervisor:
    """The job worker, kept running: poll() notices it died and starts a new one after a back-off
    (1, 2, 4 ... 60 s; from 1 s again once one has lived a minute). The new worker is told how
    the old one ended (worker.LAST_EXIT_ENV), fails the job it was running with that reason,
    and reports the restarts in its heartbeat (the administrator's page of the worker)."""

    BACKOFF = (1, 2, 4, 8, 16, 30, 60)
    STEADY_SECONDS = 60.0

    def __init__(self, env: dict, before_exec=None, log=None, backoff: tuple | None = None):
        self.env = env
        self.before_exec = before_exec
        self.log = log or sys.stderr
        self.backoff = backoff or self.BACKOFF
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.failures = 0  # deaths in a row, each after less than STEADY_SECONDS
        self.last_exit = ""
        self.started_at = 0.0
        self.restart_at = 0.0

    def start(self) -> subprocess.Popen:
        from pemilih.web.worker import LAST_EXIT_ENV, RESTARTS_ENV
        env = dict(self.env, **{RESTARTS_ENV: str(self.restarts), LAST_EXIT_ENV: self.last_exit})
        self.process = subprocess.Popen([sys.executable, "-m", "pemilih.web.worker"], env=env,
                                        preexec_fn=self.before_exec)
        self.started_at = time.monotonic()
        return self.process

    def poll(self) -> None:
        """Notice a dead worker (and schedule its restart), or start the one scheduled."""
        if self.process is None:
            if time.monotonic() >= self.restart_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        if time.monotonic() - self.started_at >= self.STEADY_SECONDS:
            self.failures = 0
        delay = self.backoff[min(self.failures, len(self.backoff) - 1)]
        self.failures += 1
        self.restarts += 1
        self.last_exit = exit_reason(code)
        self.process = None
        self.restart_at = time.monotonic() + delay
        print(f"Pekerja latar berhenti ({self.last_exit}); dimulai ulang dalam {delay} detik "
              f"(mulai ulang ke-{self.restarts}).", file=self.log, flush=True)

    def processes(self) -> list[subprocess.Popen]:
        return [self.process] if self.process is not None else []


def exit_reason(code: int) -> str:
    """How a process ended, in Bahasa Indonesia."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return f"dihentikan sinyal {name}"
    return f"keluar dengan kode {code}"


def _end_with_parent() -> None:
    """In the child, before it starts: ask Linux to send it SIGTERM when `pemilih serve` dies,
    however it dies (killed included), so no server is left behind holding the port."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: `stop()` still ends both on a normal exit


def stop(*procs: subprocess.Popen) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # Still busy (the worker finishes its job first): killed, with the processes it
            # forked (a job's process pool), which would otherwise live on as orphans.
            for child in _descendants(p.pid):
                try:
                    os.kill(child, signal.SIGKILL)
                except OSError:
                    pass
            p.kill()
            p.wait()


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    kids = [int(c) for c in fh.read().split()]
                found += kids
                stack += kids
        except OSError:
            pass  # no /proc (not Linux), or the process ended meanwhile
    return found
