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
