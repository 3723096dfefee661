"""Starting the application: the gunicorn web server plus the job worker, on one workspace.

gunicorn (not Django's development server) with threaded workers; the job worker is a second
process polling the database. The secret key comes from PEMILIH_SECRET_KEY, or is made once
and kept owner-only in the workspace, so sessions survive a restart.
"""
from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
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
    """Schema up to date and the reading indexes made, before any worker starts."""
    from pemilih.store.workspace import open_workspace
    from pemilih.web import indexes
    ws = open_workspace(opts.workspace, opts.database_url)
    indexes.ensure()
    ws.close()


def start(opts: ServeOptions, access_log=None, tied: bool = False) -> tuple[subprocess.Popen, subprocess.Popen]:
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
    worker = subprocess.Popen([sys.executable, "-m", "pemilih.web.worker"], env=env, preexec_fn=before_exec)
    return web, worker


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
