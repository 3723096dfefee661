"""What KPU's periodic recap is made of: the period's bounds in local days, the code table's TMS
codes, and the Recap the recap step (cycle/recap.py) counts from the log's replay."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from pemilih.domain import codes as code_tables
from pemilih.store import settings

ZONE = ZoneInfo(settings.TIME_ZONE)


@dataclass
class Recap:
    start_day: date
    end_day: date
    regime: str
    tms_codes: list[str]
    villages: pl.DataFrame
    kecamatan: pl.DataFrame
    total: dict[str, int]
    events: int
    unresolved: int = 0  # voters without a village at the end (counted in the totals, on a row of their own)
    # Retention runs in the period (store/retention.py): one line each, counts only.
    deletions: list[str] = field(default_factory=list)


def tms_codes(regime: str) -> list[str]:
    """The recap's TMS columns: every code KPU counts as TMS. Only removals are counted in them:
    a move (TMS-8 in PEMILU2024) is a correction of TPS, the voter stays listed, and the recap
    counts it among the corrections (U); its column keeps the removals recorded under the code
    before moves existed."""
    return code_tables.tms_codes(regime)


def bounds(start_day: date, end_day: date) -> tuple[datetime, datetime]:
    """The start of `start_day` and the end of `end_day`, local time (WITA)."""
    if end_day < start_day:
        raise ValueError("Tanggal akhir periode sebelum tanggal awalnya")
    start = datetime.combine(start_day, time(0), ZONE)
    return start, datetime.combine(end_day + timedelta(days=1), time(0), ZONE) - timedelta(microseconds=1)

