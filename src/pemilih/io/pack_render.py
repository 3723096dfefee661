"""The polling-day pack's PDFs drawn in worker processes, as the announcements are: a regency
has some 700 TPS and each prints an officers' copy and its invitations (45 s in one process).

A job is plain data (the writer, the file, the TPS's printed rows, its place, the heading),
so a worker imports the writers alone (no Django, no store); the numbers were issued before.
"""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from pemilih.io.polling_day import Heading, TpsPlace, TpsVoters

MIN_PARALLEL = 40  # below this (about 2 s of drawing), starting two workers costs more than it saves


@dataclass(frozen=True)
class PackJob:
    writer: Callable  # io/kpps_copy_pdf.write_kpps_copy or io/invitation_pdf.write_invitations
    path: Path
    tps: TpsVoters
    place: TpsPlace
    head: Heading


def render(job: PackJob) -> Path:
    return job.writer(job.path, job.tps, job.place, job.head)


def render_all(jobs: list[PackJob], processes: int = 2, advance: Callable[[], None] | None = None) -> list[Path]:
    """Every job's PDF, in the jobs' order; `advance()` after each one is written."""
    if processes <= 1 or len(jobs) < MIN_PARALLEL:
        done = []
        for job in jobs:
            done.append(render(job))
            if advance:
                advance()
        return done
    paths: list[Path | None] = [None] * len(jobs)
    with ProcessPoolExecutor(min(processes, len(jobs)), mp_context=mp.get_context("spawn")) as pool:
        futures = {pool.submit(render, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            paths[futures[future]] = future.result()
            if advance:
                advance()
    return paths
