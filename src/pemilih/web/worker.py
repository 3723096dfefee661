"""The job worker process that `pemilih serve` starts beside the web server:
python -m pemilih.web.worker (workspace from PEMILIH_WORKSPACE / DATABASE_URL)."""
from __future__ import annotations

import os
import signal


def main() -> int:
    from pemilih.store.workspace import open_workspace
    open_workspace(os.environ.get("PEMILIH_WORKSPACE"))
    from pemilih.web import jobs
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    jobs.run_worker(stop=lambda: bool(stopping))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
