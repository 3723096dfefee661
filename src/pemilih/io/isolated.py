"""Readers run in child processes held to memory and time limits, so that a hostile file costs
one child, never the server, the job queue or `pemilih check`.

`Pool(workers)` hands out `submit(fn, *args)` and `result(task)`: the value fn returned in a
child, or `Failed(reason)` when the child ran out of memory (RLIMIT_AS: the parser's allocation
fails and it aborts, or Python raises MemoryError), out of time (RLIMIT_CPU per file, and a wall
clock here), or died otherwise. A worker that dies breaks a ProcessPoolExecutor for every file
it holds: the pool is then started afresh, the file awaited is read once more alone in a child
of its own (so the reason is its own, not a neighbour's), and the others go on in the new pool.

Children are forked while this process has not loaded Polars (`pemilih check` starts its pool
first), else made by a fork server: forking a process whose Polars threads run is not safe.
The children import only the reader they run (calamine, no Polars, no Django).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from pemilih.domain import limits

_PENDING = object()
# A child that has used no CPU for this long is stuck (a parser that ran out of memory halfway
# can block instead of dying): it is killed, and its file is unreadable. Parsing never waits.
STALL_SECONDS = 20
_POLL = 1.0


@dataclass(frozen=True)
class Failed:
    """A file whose reading was stopped; `reason` in Bahasa Indonesia."""

    reason: str


def memory_reason() -> str:
    return (f"membaca berkas ini memerlukan memori melebihi batas ({limits.READ_MEMORY_BYTES // limits.MB} MB) "
            "atau merusak pembaca; berkas ditolak (periksa apakah ada isian jauh di luar tabel)")


def time_reason(seconds: int) -> str:
    return f"membaca berkas ini melebihi batas waktu ({seconds} detik); berkas ditolak"


def crash_reason(code: int | None) -> str:
    if code is not None and code < 0 and -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS):
        return memory_reason()
    if code is not None and code < 0 and -code in (signal.SIGXCPU, signal.SIGALRM):
        return time_reason(limits.READ_SECONDS)
    return "pembaca berkas berhenti tak terduga (berkas rusak atau dibuat untuk merusak pembaca); berkas ditolak"


# What the fork server imports once, so that each child it forks starts at once: the main
# module (else every child would import it again) and the readers, none of which loads Polars.
_PRELOAD = ["__main__", "python_calamine", "pemilih.io.workbook", "pemilih.io.coklit_read", "pemilih.io.responses"]


def _context():
    methods = mp.get_all_start_methods()
    if "polars" not in sys.modules and "fork" in methods:
        return mp.get_context("fork")
    if "forkserver" not in methods:
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    return ctx


def _limit(memory: int) -> None:
    """In the child: its own address space bounded, no core file, Ctrl-C left to the parent."""
    import resource
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if memory:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _call(fn, args: tuple, seconds: int):
    """In the child: fn(*args) with `seconds` more of CPU time than used so far, and twice that
    of wall time (SIGALRM, whose default action ends even a blocked process)."""
    import resource
    used = resource.getrusage(resource.RUSAGE_SELF)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    soft = int(used.ru_utime + used.ru_stime) + seconds + 1
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(seconds * 2 + 10)
    try:
        return fn(*args)
    except MemoryError:
        return Failed(memory_reason())
    except RecursionError:
        return Failed("berkas bersarang terlalu dalam untuk dibaca; berkas ditolak")
    finally:
        signal.alarm(0)


def _cpu(pid: int) -> float | None:
    """CPU seconds a process has used (Linux /proc), None when it cannot be told."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class _Watch:
    """Notices children that have used no CPU for STALL_SECONDS."""

    def __init__(self):
        self.seen: dict[int, tuple[float | None, float]] = {}

    def stalled(self, pids, idle: int = 0) -> bool:
        """More than `idle` of these children (workers with no file to read wait without CPU)
        have used no CPU for STALL_SECONDS."""
        now = time.monotonic()
        stuck = 0
        for pid in pids:
            cpu = _cpu(pid)
            last = self.seen.get(pid)
            if last is None or cpu is None or cpu != last[0]:
                self.seen[pid] = (cpu, now)
            elif now - last[1] > STALL_SECONDS:
                stuck += 1
        return stuck > idle


def _alone(conn, fn, args, memory, seconds) -> None:
    _limit(memory)
    try:
        value = _call(fn, args, seconds)
    except Exception as exc:  # noqa: BLE001 - sent to the parent, raised there
        value = exc
    conn.send(value)
    conn.close()


class _Task:
    __slots__ = ("fn", "args", "future", "value")

    def __init__(self, fn, args):
        self.fn, self.args, self.future, self.value = fn, args, None, _PENDING


class Pool:
    """Child processes that read files; see the module's note."""

    def __init__(self, workers: int = 2, *, memory: int | None = None, seconds: int | None = None):
        self.workers = max(1, workers)
        self.memory = limits.READ_MEMORY_BYTES if memory is None else memory
        self.seconds = limits.READ_SECONDS if seconds is None else seconds
        self._lock = threading.Lock()
        self._tasks: list[_Task] = []
        self._executor = None
        self._generation = 0

    # --- the parent's side -----------------------------------------------------------------
    def _new_executor(self):
        return ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_limit,
                                   initargs=(self.memory,))

    def submit(self, fn, *args) -> _Task:
        task = _Task(fn, args)
        with self._lock:
            if self._executor is None:
                self._executor = self._new_executor()
            self._tasks.append(task)
            task.future = self._executor.submit(_call, fn, args, self.seconds)
        return task

    def result(self, task: _Task):
        """The value of fn, or Failed; an exception fn raised is raised here."""
        while True:
            with self._lock:
                if task.value is not _PENDING:
                    return _raised(task.value)
                future, generation = task.future, self._generation
            try:
                value = self._wait(future)
            except (BrokenProcessPool, CancelledError, FutureTimeout) as exc:
                with self._lock:
                    if task.value is not _PENDING:
                        return _raised(task.value)
                    if generation != self._generation:
                        continue  # another thread started the pool afresh: wait on the new future
                    self._restart(task)
                    task.value = (Failed(time_reason(self.seconds)) if isinstance(exc, FutureTimeout)
                                  else self._read_alone(task))
                    self._tasks.remove(task)
                    return _raised(task.value)
            except Exception as exc:  # fn's own error, raised in the child: the caller's
                with self._lock:
                    task.value = exc
                    self._forget(task)
                raise
            with self._lock:
                task.value = value
                self._forget(task)
            return value

    def _wait(self, future):
        """future.result(), or FutureTimeout after the wall limit or when a worker is stuck."""
        deadline = time.monotonic() + self.seconds * 2 + 15
        watch = _Watch()
        while True:
            try:
                return future.result(timeout=_POLL)
            except FutureTimeout:
                if time.monotonic() > deadline:
                    raise
                with self._lock:
                    executor = self._executor
                    pids = list(getattr(executor, "_processes", {}) or {}) if executor is not None else []
                    busy = sum(1 for t in self._tasks if t.value is _PENDING and not t.future.done())
                if watch.stalled(pids, idle=max(0, len(pids) - busy)):
                    raise BrokenProcessPool("a worker is stuck") from None

    def map(self, fn, items):
        """fn over items in order (a generator), read ahead by the workers."""
        tasks = [self.submit(fn, *(item if isinstance(item, tuple) else (item,))) for item in items]
        for task in tasks:
            yield self.result(task)

    def _forget(self, task: _Task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    def _restart(self, awaited: _Task) -> None:
        """Kill the workers; every file still pending goes to a fresh pool (the one awaited
        is read alone by the caller)."""
        self._kill()
        self._generation += 1
        pending = [t for t in self._tasks if t.value is _PENDING and t is not awaited and not _finished(t.future)]
        if pending:
            self._executor = self._new_executor()
            for t in pending:
                t.future = self._executor.submit(_call, t.fn, t.args, self.seconds)

    def _read_alone(self, task: _Task):
        ctx = _context()
        here, there = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_alone, args=(there, task.fn, task.args, self.memory, self.seconds),
                            daemon=True)
        child.start()
        there.close()
        try:
            deadline, watch = time.monotonic() + self.seconds * 2 + 15, _Watch()
            while not here.poll(_POLL):
                if not child.is_alive() and not here.poll(0):
                    break
                if time.monotonic() > deadline:
                    return Failed(time_reason(self.seconds))
                if watch.stalled([child.pid]):
                    return Failed(memory_reason())
            else:
                try:
                    return here.recv()
                except (EOFError, OSError):
                    pass
            child.join(5)
            return Failed(crash_reason(child.exitcode))
        finally:
            here.close()
            if child.is_alive():
                child.kill()
            child.join()

    def _kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        for process in list(getattr(executor, "_processes", {}).values()):
            try:
                process.kill()
            except (OSError, AttributeError):
                pass
        executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            self._tasks.clear()
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
            _settle(executor)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# How long close() lets the pool's manager thread finish (_settle). Python's own exit waits for
# that thread without a limit anyway; a second or two was too short on a loaded machine.
SETTLE_SECONDS = 10.0


def _settle(executor) -> None:
    """Give the pool's manager thread a moment to finish once its workers are told to stop.
    Python 3.11 wakes every such thread at exit, and one that closes its wake-up pipe at that
    instant makes the interpreter print a Bad file descriptor traceback as the command ends
    (seen under load in `pemilih check`). A child still busy past the moment is left as
    before: close() does not wait longer for a file being read."""
    thread = getattr(executor, "_executor_manager_thread", None)  # CPython's; absent elsewhere
    if thread is not None:
        thread.join(SETTLE_SECONDS)


def _finished(future) -> bool:
    """Done with a value (not broken by the dead worker): kept, not read again."""
    return future.done() and not future.cancelled() and future.exception() is None


def _raised(value):
    if isinstance(value, BaseException):
        raise value
    return value


def run(fn, *args, memory: int | None = None, seconds: int | None = None):
    """fn(*args) in one child process of its own: its value, or Failed."""
    pool = Pool(1, memory=memory, seconds=seconds)
    return pool._read_alone(_Task(fn, args))


def worker_count(wanted: int) -> int:
    return max(1, min(wanted, os.cpu_count() or 1))
