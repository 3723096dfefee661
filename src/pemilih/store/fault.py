"""Fault injection for the crash tests: `PEMILIH_FAULT=import-kill:<n>` makes the importer
SIGKILL its own process right after writing n source records, inside the transaction.

SIGKILL, not an exception: nothing in the process gets to clean up, which is what a power cut
or the OOM killer does. The test then checks the database holds exactly what it held before.
"""
from __future__ import annotations

import os
import signal
import sys

ENV = "PEMILIH_FAULT"


def import_kill_at() -> int | None:
    """n when the import-kill fault is armed, else None."""
    spec = os.environ.get(ENV, "")
    name, _, count = spec.partition(":")
    if name != "import-kill":
        return None
    try:
        return max(0, int(count))
    except ValueError:
        return None


def rows_written(total: int) -> None:
    """Called by the bulk writer after each chunk; dies when the armed count is reached."""
    limit = import_kill_at()
    if limit is not None and total >= limit:
        print(f"{ENV}: proses dihentikan paksa setelah {total} baris", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)


def job_pause(kind: str) -> None:
    """`PEMILIH_FAULT=job-sleep:<kind>:<seconds>`: a job of that kind first waits, in a process it
    starts (as a job's process pool would), so the supervision tests can kill a worker mid-job
    or let a job overrun its time limit. Unarmed, or another kind: nothing."""
    name, _, rest = os.environ.get(ENV, "").partition(":")
    armed_kind, _, seconds = rest.rpartition(":")
    if name != "job-sleep" or armed_kind != kind:
        return
    try:
        wait = float(seconds)
    except ValueError:
        return
    import subprocess
    subprocess.run([sys.executable, "-c", f"import time; time.sleep({wait!r})"], check=False)
