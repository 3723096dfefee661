"""The per-client limit holds across processes and threads, and windows reset it."""
from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

from pemilih.web.ratelimit import Limiter


def _hits(path, client, n, limit) -> int:
    lim = Limiter(path)
    return sum(lim.hit(client, 7, limit) for _ in range(n))


def test_two_processes_with_threads_share_one_count(tmp_path):
    path = tmp_path / "batas.bin"
    ctx = mp.get_context("spawn")
    with ctx.Pool(2) as pool:
        allowed = pool.starmap(_hits, [(path, "10.0.0.1", 150, 200)] * 2)
    with ThreadPoolExecutor(4) as threads:
        allowed += list(threads.map(lambda _: _hits(path, "10.0.0.1", 25, 200), range(4)))
    assert sum(allowed) == 200  # 400 tries, exactly the limit let through: no count lost


def test_clients_and_windows_are_apart(tmp_path):
    lim = Limiter(tmp_path / "batas.bin")
    assert [lim.hit("a", 1, 2) for _ in range(3)] == [True, True, False]
    assert lim.hit("b", 1, 2) is True
    assert lim.hit("a", 2, 2) is True  # a new window starts again
