"""`pemilih recap`: KPU's periodic recap of the list, for any period, from the events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from pemilih.domain.codes import code_table
from pemilih.engine import recap as engine
from pemilih.store import history, settings

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


def tms_codes(regime: str) -> list[str]:
    return [c.code for c in code_table(regime).values() if c.kind == "tms"]


def bounds(start_day: date, end_day: date) -> tuple[datetime, datetime]:
    """The start of `start_day` and the end of `end_day`, local time (WITA)."""
    if end_day < start_day:
        raise ValueError("Tanggal akhir periode sebelum tanggal awalnya")
    start = datetime.combine(start_day, time(0), ZONE)
    return start, datetime.combine(end_day + timedelta(days=1), time(0), ZONE) - timedelta(microseconds=1)


def recap(ws, start_day: date, end_day: date, regime: str, found: history.Period | None = None) -> Recap:
    """The list at the start of `start_day` and at the end of `end_day` (local time, WITA);
    `found`: the log already replayed for exactly that period, when the caller has it."""
    ws.activate()
    found = found or history.period(*bounds(start_day, end_day))
    codes = tms_codes(regime)
    villages = engine.recap(found.start, found.end, found.removals, found.corrected, codes)
    return Recap(start_day, end_day, regime, codes, villages, engine.by_kecamatan(villages),
                 engine.total(villages), found.events)
