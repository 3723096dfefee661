"""The Rakor dashboard's data: recaps of periods and of stored election lists, per process cache.

Nothing is counted here: a period is store/recap.py's recap (the log replayed by
store/history.py, counted by engine/recap.py); a stored list (DPS, DPT, DPTb) is counted by
the same engine as a moment, its rows both at the start and at the end.

Replaying the log of a scale-1.0 regency takes about two seconds, too slow for every page
view; the result cannot change until a new event is written, so it is cached per process,
keyed on the database, the newest event and the question asked (like web/villages.py).
"""
from __future__ import annotations

import calendar
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import connection
from django.utils import timezone

from pemilih.contract import RECAP_KECAMATAN_CODE, RECAP_PLACE, recap_tms_column
from pemilih.cycle import recap as step
from pemilih.cycle.common import StepError
from pemilih.domain.codes import regimes
from pemilih.store.recap import ZONE, Recap
from pemilih.web import params, workspace

CACHE_SIZE = 24
_cache: OrderedDict = OrderedDict()
_computing: dict = {}  # key -> lock held while it is computed
_guard = threading.Lock()


class PeriodError(ValueError):
    """A period or list the user asked for that cannot be counted; the message says why."""


# --- the cache ---------------------------------------------------------------------------

def _cached(question: tuple, compute):
    key = (*workspace.state(), *question)
    # One computation per key: the server's threads asking the same question at once (the
    # meeting opening the page together) wait for the first instead of replaying again.
    with _guard:
        lock = _computing.setdefault(key, threading.Lock())
    with lock:
        with _guard:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        value = compute()
        with _guard:
            _cache[key] = value
            _computing.pop(key, None)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return value


def clear_cache() -> None:
    _cache.clear()


def warm() -> None:
    """Count the dashboard's default period now (e.g. in the server's master process before it
    forks its workers, which then inherit the cache); the connection is closed afterwards so
    that no forked process shares it."""
    try:
        period = default_period()
        if period is not None:
            period_recap(*period, default_regime())
    finally:
        connection.close()


# --- what can be counted -----------------------------------------------------------------

def today() -> date:
    return timezone.localtime(timezone.now(), ZONE).date()


def default_period() -> tuple[date, date] | None:
    """From the day the current list was received to today; None without a list."""
    from pemilih.store.models import Event
    base = Event.objects.filter(kind=Event.LIST_IMPORTED).order_by("-seq").first()
    if base is None:
        return None
    start = timezone.localtime(base.happened_at, ZONE).date()
    return start, max(start, today())


def default_regime() -> str:
    """The code table of the latest election, else KPU's (the steps' one default)."""
    from pemilih.cycle.common import working_regime
    return working_regime(workspace.current())


def months_with_events() -> list[date]:
    """The first day of every month (WITA) in which the list changed."""
    from pemilih.store import projection
    from pemilih.store.models import Event
    kinds = [Event.LIST_IMPORTED, *projection.CHANGE_KINDS, projection.REVIEW_UNDONE]
    moments = Event.objects.filter(kind__in=kinds).datetimes("happened_at", "month", tzinfo=ZONE)
    return sorted({m.date().replace(day=1) for m in moments})


def stored_lists() -> list[dict]:
    """[{id, label, day}] of every election list set, oldest first."""
    from pemilih.store.models import ElectionList
    out = []
    for made in ElectionList.objects.select_related("election", "event").order_by("id"):
        day = timezone.localtime(made.event.happened_at, ZONE).date()
        out.append({"id": made.pk, "day": day,
                    "label": f"{made.stage} {made.election.code} ({day:%d-%m-%Y})"})
    return out


# --- recaps ------------------------------------------------------------------------------

def period_recap(start_day: date, end_day: date, regime: str) -> Recap:
    """The recap step's count of the period, cached (the replay of the log cached apart, so
    another code table for the same period does not replay it again)."""
    if regime not in regimes():
        raise PeriodError(f"Tabel kode '{regime}' tidak dikenal")
    if end_day < start_day:
        raise PeriodError("Tanggal akhir periode sebelum tanggal awalnya")
    for day in (start_day, end_day):
        if not params.EARLIEST <= day <= params.LATEST:
            raise PeriodError(f"Tanggal {day.isoformat()} di luar rentang {params.EARLIEST.year}-{params.LATEST.year}")
    ws = workspace.current()
    try:
        found = _cached(("replay", start_day, end_day), lambda: step.replay(ws, start_day, end_day))
    except (ValueError, OverflowError) as exc:  # a day the clock cannot hold
        raise PeriodError(str(exc)) from None
    return _cached(("recap", start_day, end_day, regime),
                   lambda: step.period(ws, start_day, end_day, regime, found=found))


def cooperation(end_day: date) -> list:
    """The cooperation's sections as of the period's end (cycle/cooperation.py), cached like
    the recap: the voter-education targets count the whole list."""
    from pemilih.cycle.cooperation import rakor_sections
    ws = workspace.current()
    return _cached(("cooperation", end_day), lambda: rakor_sections(ws, end_day))


def list_recap(list_id: int, regime: str) -> Recap:
    """A stored election list counted as a moment: its voters at start and end, nothing
    happened in between (new, TMS and corrections are zero)."""
    return _cached(("list", list_id, regime), lambda: _count_list(list_id, regime))


def _count_list(list_id: int, regime: str) -> Recap:
    try:
        return step.of_list(workspace.current(), list_id, regime)
    except StepError as exc:
        raise PeriodError(str(exc)) from None


# --- kecamatan ---------------------------------------------------------------------------

def kecamatan_code(kode_desa: str) -> str:
    """`73.26.01.2001` -> `73.26.01` (region codes: province.regency.district.village)."""
    return ".".join(str(kode_desa).split(".")[:3])


def kecamatan_codes(result: Recap) -> dict[str, str]:
    """Kecamatan name -> its code (engine/recap.by_kecamatan's: the code most of its villages
    start with), in code order."""
    return {name: code or "" for name, code in result.kecamatan.select("kecamatan", RECAP_KECAMATAN_CODE).iter_rows()}


def find_kecamatan(result: Recap, wanted: str) -> str | None:
    """The kecamatan named or coded `wanted` (case and spaces ignored), None when none."""
    text = re.sub(r"\s+", " ", (wanted or "").strip()).upper()
    if not text:
        return None
    codes = kecamatan_codes(result)
    for name, code in codes.items():
        if text == code or text == str(name).upper():
            return name
    return None


def narrowed(result: Recap, kecamatan: str | None) -> Recap:
    """The recap of one kecamatan (its villages, its row, its total); all when None."""
    return step.narrowed(result, kecamatan)


# --- what the pages show ----------------------------------------------------------------

def measure(code: str) -> str:
    return recap_tms_column(code)


def table_rows(result: Recap, by: str) -> list[dict]:
    """Rows for a page: per kecamatan (`by="kecamatan"`) or per village, each with its name,
    code, the counts the page shows and the TMS counts in code order."""
    codes = kecamatan_codes(result) if by == "kecamatan" else {}
    frame = result.kecamatan if by == "kecamatan" else result.villages  # in code order (engine/recap.py)
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append({
            "name": r["kecamatan"] if by == "kecamatan" else r["desa"],
            "code": codes.get(r["kecamatan"], "") if by == "kecamatan" else r["kode_desa"],
            "villages": r.get("desa_count"),
            "tms": [r[f"{measure(c)}_jml"] for c in result.tms_codes],
            **{k: r[k] for k in r if k not in RECAP_PLACE and k != "desa_count"},
        })
    return rows


def total_row(result: Recap) -> dict:
    t = result.total
    return {**t, "tms": [t.get(f"{measure(c)}_jml", 0) for c in result.tms_codes]}


@dataclass
class Column:
    """One period or stored list of a comparison."""
    key: str
    label: str
    result: Recap
    moment: bool  # a stored list: only its voters count


def choices() -> list[dict]:
    """What a comparison can pick: months with changes, then the stored lists."""
    out = [{"key": f"bulan-{m:%Y-%m}", "label": f"Bulan {_month_name(m)}"} for m in months_with_events()]
    out += [{"key": f"daftar-{x['id']}", "label": f"Daftar {x['label']}"} for x in stored_lists()]
    return out


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember"]


def _month_name(day: date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


def column(key: str, regime: str) -> Column:
    """The period or list a comparison key names: `bulan-YYYY-MM`, `daftar-<id>`,
    `rentang-YYYYMMDD-YYYYMMDD`."""
    if m := re.fullmatch(r"bulan-(\d{4})-(\d{2})", key):
        try:
            first = params.month(int(m[1]), int(m[2]))
        except params.ParamError as err:
            raise PeriodError(str(err)) from None
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        return Column(key, f"Bulan {_month_name(first)}", period_recap(first, last, regime), False)
    if m := re.fullmatch(r"daftar-(\d+)", key):
        try:
            params.identifier(m[1])
        except params.ParamError as err:
            raise PeriodError(str(err)) from None
        result = list_recap(int(m[1]), regime)
        label = next((f"Daftar {x['label']}" for x in stored_lists() if x["id"] == int(m[1])), key)
        return Column(key, label, result, True)
    if m := re.fullmatch(r"rentang-(\d{8})-(\d{8})", key):
        try:
            start, end = (params.compact_day(x) for x in (m[1], m[2]))
        except params.ParamError as err:
            raise PeriodError(str(err)) from None
        return Column(key, f"{start:%d-%m-%Y} s.d. {end:%d-%m-%Y}", period_recap(start, end, regime), False)
    raise PeriodError(f"Periode tidak dikenal: {key}")


def by_end(columns: list[Column]) -> list[Column]:
    """Oldest first: by the last day each counts up to, a list before a period ending that day."""
    return sorted(columns, key=lambda c: (c.result.end_day, not c.moment, c.result.start_day))


PERIOD_MEASURES = ["awal", "baru", "tms", "ubah", "jk"]


def comparison(columns: list[Column]) -> dict:
    """Side by side: totals per measure and voters per kecamatan, each column with its
    difference from the column before it."""
    measures = [("awal_jml", "Pemilih awal"), ("baru_jml", "Pemilih baru (B)"), ("tms_jml", "Jumlah TMS"),
                ("ubah_jml", "Perbaikan data (U)"), ("jk_masuk_l", "Jenis kelamin dikoreksi menjadi L"),
                ("jk_masuk_p", "Jenis kelamin dikoreksi menjadi P"), ("akhir_l", "Pemilih akhir L"),
                ("akhir_p", "Pemilih akhir P"), ("akhir_jml", "Pemilih akhir")]
    totals = []
    for key, label in measures:
        only_periods = key.split("_")[0] in PERIOD_MEASURES
        values = [None if (c.moment and only_periods) else c.result.total.get(key, 0) for c in columns]
        totals.append({"label": label, "cells": _with_change(values)})
    # In the order of the kecamatan's codes (as every recap lists them), a name no column codes last.
    coded = {n: code for c in columns for n, code in kecamatan_codes(c.result).items() if code}
    names = sorted({n for c in columns for n in c.result.kecamatan["kecamatan"].to_list()},
                   key=lambda n: (n not in coded, coded.get(n, ""), n))
    per = []
    for name in names:
        values = []
        for c in columns:
            row = c.result.kecamatan.filter(pl.col("kecamatan") == name)
            values.append(int(row["akhir_jml"][0]) if row.height else 0)
        per.append({"label": name, "cells": _with_change(values)})
    return {"totals": totals, "kecamatan": per}


def _with_change(values: list) -> list[dict]:
    out, before = [], None
    for v in values:
        change = None if v is None or before is None else v - before
        out.append({"value": v, "change": change})
        if v is not None:
            before = v
    return out
