"""Run a command and measure it honestly: wall time and peak memory of its whole process tree.

Peak memory is the peak of the summed PSS (proportional set size) of the process and all its
descendants, sampled every 10 ms from /proc, so pages shared between a parent and its forked
workers are counted once, and workers' memory is not missed (ru_maxrss would report only the
largest single process).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class Run:
    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


def _children_map() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may contain spaces or parentheses: split after the last ')'.
        ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kb(root: int) -> int:
    tree = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        stack.extend(tree.get(pid, []))
    return total


def run(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> Run:
    """Run cmd to completion, sampling the memory of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                            text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return Run(seconds, peak[0] / 1024, proc.returncode, out, err)


def repeat(cmd: list[str], times: int, env: dict | None = None, before=None,
           ok_codes=(0,)) -> dict:
    """Run cmd `times` times (calling before() ahead of each run); median wall, max peak."""
    runs = []
    for _ in range(times):
        if before:
            before()
        r = run(cmd, env=env)
        if r.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr[-2000:]}")
        runs.append(r)
    return {
        "median_s": statistics.median(r.seconds for r in runs),
        "min_s": min(r.seconds for r in runs),
        "peak_mb": max(r.peak_mb for r in runs),
        "runs": len(runs),
        "last": runs[-1],
    }
