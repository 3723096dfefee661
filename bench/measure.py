"""Run a command and measure it honestly: wall time, CPU time and peak memory of its whole
process tree.

Peak memory is the peak of the summed PSS (proportional set size) of the process and all its
descendants, sampled every 10 ms from /proc, so pages shared between a parent and its forked
workers are counted once, and workers' memory is not missed (ru_maxrss would report only the
largest single process).

Sampling is not free: the kernel walks a process's page tables to report its PSS, ~3.5 ms of
CPU for a 400 MB process on the benchmark VM, so a sample every 10 ms takes a third of a core
or more from the command being timed on a 2-core machine. `repeat(..., memory_run=True)`
therefore times unsampled runs and measures the memory in one extra sampled run.

CPU time is user + system of the command and every descendant it waited for (its worker
processes), from the rusage of reaped children: steadier than wall time on a shared machine.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Run:
    seconds: float
    peak_mb: float  # 0 when the run was not sampled
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float = 0.0  # user + system of the process tree


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


def _task_children(pid: int) -> list[int] | None:
    """Children of pid from /proc/<pid>/task/*/children; None when the kernel lacks that file."""
    found = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as fh:
                found += map(int, fh.read().split())
    except FileNotFoundError:
        return None if not os.path.exists(f"/proc/{pid}") else found
    except OSError:
        pass  # the process or one of its threads ended meanwhile
    return found


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
    # Reading the tree from the process's own task files costs a few microseconds; scanning
    # all of /proc (the fallback) about a millisecond per sample.
    tree = None if os.path.exists(f"/proc/{root}/task/{root}/children") else _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _pss_kb(pid)
        kids = tree.get(pid, []) if tree is not None else _task_children(pid)
        stack.extend(kids or [])
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _compiled() -> None:
    """pemilih's modules byte-compiled, once per benchmark process, as an installation has
    them: pip byte-compiles what it installs (Splink's modules, every library's), but an
    editable install leaves that to the first run, which does not happen where
    PYTHONDONTWRITEBYTECODE is set (this VM): each run then compiled pemilih's modules anew,
    some 0.2-0.3 s of a 3 s verification."""
    global _COMPILED
    if not _COMPILED:
        import compileall
        compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "src" / "pemilih"), quiet=1)
        _COMPILED = True


_COMPILED = False


def run(cmd: list[str], env: dict | None = None, cwd: str | None = None, sample: bool = True) -> Run:
    """Run cmd to completion; sample the memory of its process tree unless sample=False."""
    _compiled()
    cpu_before = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd,
                            text=True)
    peak = [0]
    done = threading.Event()

    def sampling():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss_kb(proc.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sampling, daemon=True)
    if sample:
        sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    done.set()
    if sample:
        sampler.join()
    return Run(seconds, peak[0] / 1024, proc.returncode, out, err, cpu)


def repeat(cmd: list[str], times: int, env: dict | None = None, before=None,
           ok_codes=(0,), memory_run: bool = False) -> dict:
    """Run cmd `times` times (calling before() ahead of each run); median wall and CPU, max peak.

    memory_run=True: the timed runs are not sampled, and one more run, not timed, measures the
    peak memory (see the module's docstring for why)."""
    def one(sample: bool) -> Run:
        if before:
            before()
        r = run(cmd, env=env, sample=sample)
        if r.returncode not in ok_codes:
            raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stderr[-2000:]}")
        return r

    runs = [one(not memory_run) for _ in range(times)]
    sampled = [one(True)] if memory_run else runs
    return {
        "median_s": statistics.median(r.seconds for r in runs),
        "min_s": min(r.seconds for r in runs),
        "cpu_s": statistics.median(r.cpu_s for r in runs),
        "peak_mb": max(r.peak_mb for r in sampled),
        "runs": len(runs),
        "last": runs[-1],
    }


def save(name: str, result: dict, text: str) -> None:
    """A benchmark's results as bench/results/<name>.json and its table as <name>.md."""
    import json
    from pathlib import Path
    folder = Path(__file__).resolve().parent / "results"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (folder / f"{name}.md").write_text(text + "\n")
