"""Cutting one village's ordered families into TPS: contiguous runs, fewest, balanced.

Plain sequences in, cut positions out; engine/tps.py does the table work around it. The
families come in neighbourhood order (RW, RT, address) and may not be reordered, so a TPS is
a run of consecutive families. Every family here fits under the cap (a larger one is taken
out beforehand and gets a TPS of its own).

Three steps, each O(k log m) on the prefix sums (k runs, m families):
1. the fewest runs the cap allows: greedy, each run as long as the cap permits (for runs of a
   fixed sequence, greedy is optimal);
2. the smallest largest run with that many runs: binary search on the limit, same greedy;
3. the cuts: each placed at the family boundary nearest its ideal share j*n/k, among the
   boundaries that keep the run under the limit and leave a tail that still fits into the
   runs left (checked against the tail starts of a greedy from the right).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import accumulate


def prefix_sums(sizes: Sequence[int]) -> list[int]:
    """cum[i] = voters in families 0..i-1; cum[0] = 0, cum[-1] = all."""
    return [0, *accumulate(sizes)]


def _run_end(cum: list[int], start: int, limit: int) -> int:
    """The end (exclusive) of the longest run from `start` holding at most `limit` voters."""
    return bisect_right(cum, cum[start] + limit, start + 1) - 1


def runs_needed(cum: list[int], limit: int) -> int:
    """The fewest runs of at most `limit` voters; every family must fit under `limit`."""
    last, start, runs = len(cum) - 1, 0, 0
    while start < last:
        end = _run_end(cum, start, limit)
        if end == start:
            raise ValueError(f"keluarga lebih besar dari batas {limit}")
        start, runs = end, runs + 1
    return runs


def smallest_limit(cum: list[int], runs: int, largest_family: int, cap: int) -> int:
    """The smallest largest run possible with `runs` runs (never above cap)."""
    lo, hi = max(-(-cum[-1] // runs), largest_family), cap
    while lo < hi:
        mid = (lo + hi) // 2
        if runs_needed(cum, mid) <= runs:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _tail_starts(cum: list[int], limit: int, runs: int) -> list[int]:
    """tails[r]: the earliest family from which the rest fits into r runs (greedy from the
    right end, each run as long as the limit allows, gives the longest such tail)."""
    tails = [len(cum) - 1]
    for _ in range(runs):
        tails.append(bisect_left(cum, cum[tails[-1]] - limit))
    return tails


def _nearest(cum: list[int], lo: int, hi: int, share: int, runs: int) -> int:
    """The boundary in [lo, hi] whose voters-before is nearest share/runs (ties: the earlier)."""
    i = bisect_left(cum, -(-share // runs), lo, hi + 1)
    candidates = [e for e in (i - 1, i) if lo <= e <= hi]  # i is in [lo, hi + 1]: never empty
    return min(candidates, key=lambda e: (abs(cum[e] * runs - share), e))


def balanced_starts(sizes: Sequence[int], cap: int) -> list[int]:
    """Index of the first family of each TPS run: the fewest runs of at most `cap` voters,
    then as even as the families allow. [] for no families."""
    if not sizes:
        return []
    cum = prefix_sums(sizes)
    runs = runs_needed(cum, cap)
    limit = smallest_limit(cum, runs, max(sizes), cap)
    tails = _tail_starts(cum, limit, runs)
    starts = [0]
    for j in range(1, runs):
        start = starts[-1]
        hi = _run_end(cum, start, limit)
        lo = max(start + 1, tails[runs - j])
        if lo > hi:  # cannot happen: the greedy cut `hi` always leaves a tail that fits
            raise AssertionError("pembagian TPS tidak konsisten")
        starts.append(_nearest(cum, lo, hi, j * cum[-1], runs))
    return starts
