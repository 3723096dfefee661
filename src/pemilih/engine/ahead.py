"""Work begun ahead on a thread of its own, while the caller does something else.

Polars and DuckDB let go of Python's lock while they work, so a step that needs nothing of
the one before it runs on the core that step leaves idle. The result is taken once and then
let go: the caller, not a finished future, decides how long a large table stays in memory.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class Ahead(Generic[T]):
    """work(*args), begun now; `take()` waits for it and hands the result over."""

    def __init__(self, name: str, work: Callable[..., T], *args):
        pool = ThreadPoolExecutor(1, thread_name_prefix=name)
        try:
            self._future: Future | None = pool.submit(work, *args)
        finally:
            pool.shutdown(wait=False)

    def take(self) -> T:
        """The result (an error of the work is raised here); once only."""
        future, self._future = self._future, None
        if future is None:
            raise RuntimeError("hasil kerja ini sudah diambil")
        return future.result()
