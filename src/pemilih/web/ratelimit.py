"""A per-client limit shared by the server's worker processes, with no server of its own.

A fixed table of SLOTS counters in a memory-mapped file of the workspace: a client's slot is a
hash of its address; each slot holds (window number, count) as two 32-bit integers. Counting
takes a lock on that slot's 8 bytes (fcntl, between processes) and a thread lock (fcntl locks
do not separate the threads of one process), so no count is lost. Two clients that share a
slot share a limit: with 65,536 slots that is rare, and only ever stricter. The address itself
is not stored. (Django's file cache did this job first: it lists its whole folder on every
write, which made a look-up cost grow with the number of clients seen.)
"""
from __future__ import annotations

import fcntl
import hashlib
import mmap
import os
import struct
import threading
from pathlib import Path

SLOTS = 65_536
SLOT = struct.Struct("<II")  # window number, count


class Limiter:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        if os.fstat(self.fd).st_size < SLOTS * SLOT.size:
            os.ftruncate(self.fd, SLOTS * SLOT.size)
        self.map = mmap.mmap(self.fd, SLOTS * SLOT.size)
        self.lock = threading.Lock()

    def hit(self, client: str, window: int, limit: int) -> bool:
        """Count one request of `client` in `window`; False once it is over `limit`."""
        slot = int.from_bytes(hashlib.blake2b(client.encode(), digest_size=8).digest(), "little") % SLOTS
        offset = slot * SLOT.size
        window &= 0xFFFFFFFF
        with self.lock:
            fcntl.lockf(self.fd, fcntl.LOCK_EX, SLOT.size, offset)
            try:
                seen, count = SLOT.unpack_from(self.map, offset)
                count = count + 1 if seen == window else 1
                SLOT.pack_into(self.map, offset, window, min(count, 0xFFFFFFFF))
            finally:
                fcntl.lockf(self.fd, fcntl.LOCK_UN, SLOT.size, offset)
        return count <= limit


_limiters: dict[str, Limiter] = {}
_made = threading.Lock()


def limiter(path: Path) -> Limiter:
    key = str(path)
    with _made:
        if key not in _limiters:
            _limiters[key] = Limiter(path)
        return _limiters[key]
