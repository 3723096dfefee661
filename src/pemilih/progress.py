"""Progress bars for work that takes more than a second, on stderr, in Bahasa Indonesia.

Silent when stderr is not a terminal unless PEMILIH_PROGRESS=1 (tests and pipes stay clean).
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

from tqdm import tqdm


def enabled() -> bool:
    flag = os.environ.get("PEMILIH_PROGRESS")
    if flag is not None:
        return flag not in ("0", "")
    return sys.stderr.isatty()


def bar(iterable=None, total=None, desc: str = "", unit: str = "berkas"):
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not enabled(),
                file=sys.stderr, leave=False, dynamic_ncols=True, mininterval=0.2)


@contextmanager
def stage(desc: str):
    """A one-step bar for a stage whose length is not known in advance."""
    with bar(total=1, desc=desc, unit="tahap") as b:
        yield
        b.update(1)


class TerminalProgress:
    """A step's progress (cycle.common.Progress) as one terminal bar per stage."""

    def __init__(self):
        self._bar = None

    def stage(self, description: str, total: int | None = None) -> None:
        self.close()
        self._bar = bar(total=total, desc=description, unit="")

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
