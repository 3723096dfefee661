"""The job worker that `pemilih serve` starts beside the web server:
python -m pemilih.web.worker (workspace from PEMILIH_WORKSPACE / DATABASE_URL).

The worker only claims jobs; each job runs in a fresh child process
(`python -m pemilih.web.worker --job N`), as the same step runs from the command line. A
long-lived process that has run Polars (whose thread pool does not survive fork) must not
fork the process pools that share/collect/PDF printing start; a fresh process per job is as
safe as the command line, hands its memory back when the job ends, and a crash of one job
cannot take the worker down.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time


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

    from pemilih.web import jobs
    stopping: list = []
    child: list[subprocess.Popen] = []

    def stop(*_):
        stopping.append(True)
        for p in child:
            if p.poll() is None:
                p.terminate()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    jobs.fail_interrupted()
    while not stopping:
        job = jobs.claim()
        if job is None:
            connections.close_all()  # no connection held open between polls
            time.sleep(poll_seconds)
            continue
        p = subprocess.Popen([sys.executable, "-m", "pemilih.web.worker", "--job", str(job.pk)])
        child[:] = [p]
        p.wait()
        jobs.fail_if_unfinished(job.pk, p.returncode)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pemilih.web.worker")
    parser.add_argument("--job", type=int, help="jalankan satu pekerjaan ini saja")
    args = parser.parse_args(argv)
    return run_one(args.job) if args.job else serve_jobs()


if __name__ == "__main__":
    raise SystemExit(main())
