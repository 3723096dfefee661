"""sha256 and size of the files being read, computed in the background.

Every file read is identified by its sha256 (records.SourceFile). Hashing a 25 MB list takes
a tenth of a second here; hashlib releases Python's lock while it works, so `prefetch()`,
called before the heavy imports, lets the second core hash while the first one imports
Polars. Without a prefetch, `digest()` simply computes the hash. This module imports
nothing heavy on purpose.
"""
from __future__ import annotations

import hashlib
import os
import threading

_done: dict[str, tuple[str, int]] = {}
_pending: set[str] = set()
_lock = threading.Lock()
_finished = threading.Condition(_lock)
_CHUNK = 1 << 22


def _hash_file(path: str) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def _work(paths: list[str]) -> None:
    for path in paths:
        try:
            result = _hash_file(path)
        except OSError:
            result = None  # the reader reports the file
        with _finished:
            _pending.discard(path)
            if result is not None:
                _done[path] = result
            _finished.notify_all()


def prefetch(paths) -> None:
    """Start hashing these files on a background thread."""
    paths = [os.fspath(p) for p in paths]
    with _lock:
        _pending.update(paths)
    threading.Thread(target=_work, args=(paths,), daemon=True).start()


def digest(path: str, data: bytes | None = None) -> tuple[str, int]:
    """(sha256 hex, size) of a file: the prefetched one (used once), else computed now."""
    with _finished:
        while path in _pending:
            _finished.wait()
        known = _done.pop(path, None)
    if known is not None:
        return known
    if data is not None:
        return hashlib.sha256(data).hexdigest(), len(data)
    return _hash_file(path)


def forget() -> None:
    """Drop hashes not asked for (the files may change before a next run in this process)."""
    with _lock:
        _done.clear()
