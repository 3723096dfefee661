"""The job worker that `pemilih serve` starts beside the web server (and restarts when it dies,
web/server.py WorkerSupervisor): python -m pemilih.web.worker (workspace from
PEMILIH_WORKSPACE / DATABASE_URL).

The worker only claims jobs; each job runs in a fresh child process
(`python -m pemilih.web.worker --job N`), as the same step runs from the command line. A
long-lived process that has run Polars (whose thread pool does not survive fork) must not
fork the process pools that share/collect/PDF printing start; a fresh process per job is as
safe as the command line, hands its memory back when the job ends, and a crash of one job
cannot take the worker down.

Each job's process leads a process group of its own and dies with the worker; a job past its
time limit (jobs.time_limit) is killed with its whole group and fails with the reason. On
start the worker fails the jobs its predecessor left running (killing what of them survived),
and it writes a heartbeat (web/health.py) every few seconds and deletes expired job outputs.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

RESTARTS_ENV = "PEMILIH_WORKER_RESTARTS"  # set by the supervisor: how often it restarted the worker
LAST_EXIT_ENV = "PEMILIH_WORKER_LAST_EXIT"  # and how the one before ended (Bahasa Indonesia)
EXPIRE_EVERY_SECONDS = 600  # expired job outputs are looked for this often (and at start)


def _open():
    from pemilih.store.workspace import open_workspace
    return open_workspace(os.environ.get("PEMILIH_WORKSPACE"))


def run_one(job_id: int) -> int:
    _open()
    from pemilih.web import jobs
    from pemilih.web.models import Job
    job = Job.objects.get(pk=job_id)
    return 0 if jobs.run(job).status == Job.DONE else 1


def serve_jobs(poll_seconds: float = 0.5) -> int:
    _open()
    from django.db import connections

    from pemilih.web import health, jobs
    jobs.time_limits()  # a bad PEMILIH_JOB_MINUTES stops here, with its reason
    beat = health.Heartbeat(int(os.environ.get(RESTARTS_ENV) or 0), os.environ.get(LAST_EXIT_ENV, ""))
    stopping: list = []
    child: list[subprocess.Popen] = []

    def stop(*_):
        stopping.append(True)
        for p in child:
            if p.poll() is None:
                _signal_group(p.pid, signal.SIGTERM)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    beat.beat(force=True)
    jobs.recover(os.environ.get(LAST_EXIT_ENV, ""))
    next_expiry = 0.0
    while not stopping:
        if time.monotonic() >= next_expiry:
            jobs.expire_outputs()
            next_expiry = time.monotonic() + EXPIRE_EVERY_SECONDS
        job = jobs.claim()
        if job is None:
            beat.beat()
            connections.close_all()  # no connection held open between polls
            time.sleep(poll_seconds)
            continue
        _run_child(job, beat, child, stopping)
    beat.beat(force=True, stopped=True)
    return 0


def _run_child(job, beat, child: list, stopping: list) -> None:
    """Job `job` in a process of its own, watched: heartbeats while it runs, killed (its whole
    process group) when past its time limit."""
    from pemilih.web import jobs
    limit = jobs.time_limit(job.kind)
    env = dict(os.environ, **{jobs.MARKER_ENV: jobs.marker(job.pk)})
    p = subprocess.Popen([sys.executable, "-m", "pemilih.web.worker", "--job", str(job.pk)], env=env,
                         start_new_session=True, preexec_fn=_die_with(os.getpid()))
    child[:] = [p]
    jobs.started(job.pk, p.pid)
    beat.beat(job=job.pk, force=True)
    deadline = time.monotonic() + limit
    overdue = False
    while True:
        try:
            p.wait(timeout=max(0.05, min(health_interval(), deadline - time.monotonic())))
            break
        except subprocess.TimeoutExpired:
            beat.beat(job=job.pk)
            if time.monotonic() >= deadline and not stopping:
                overdue = True
                _signal_group(p.pid, signal.SIGKILL)
    _signal_group(p.pid, signal.SIGKILL)  # what the job started and left behind
    if overdue:
        jobs.fail_overdue(job.pk, limit)
    jobs.fail_if_unfinished(job.pk, p.returncode)
    child.clear()
    beat.beat(force=True)


def health_interval() -> float:
    from pemilih.web.health import HEARTBEAT_SECONDS
    return HEARTBEAT_SECONDS


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except OSError:
        pass  # the group is empty: everything of the job has ended


def _die_with(worker: int):
    """In a job's process, before it starts: killed when the worker dies, however it dies, so
    no job runs on unwatched (the restarted worker then fails it and kills what it started)."""
    def before_exec() -> None:
        try:
            import ctypes
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            return  # not Linux: the restarted worker still finds the job's processes by their marker
        if os.getppid() != worker:  # the worker died before the line above
            os._exit(1)
    return before_exec


def main(argv: list[str] | None = None) -> int:
    from pemilih.store import owner_only
    owner_only.start_process()  # job outputs hold personal data: owner-only
    parser = argparse.ArgumentParser(prog="python -m pemilih.web.worker")
    parser.add_argument("--job", type=int, help="jalankan satu pekerjaan ini saja")
    args = parser.parse_args(argv)
    return run_one(args.job) if args.job else serve_jobs()


if __name__ == "__main__":
    raise SystemExit(main())
