"""Dates as written in lists: DD-MM-YYYY, DD/MM/YYYY, DD|MM|YYYY, YYYY-MM-DD, date cells.

A file has one pattern. Day-first is the contract, but a file exported from a month-first
program would be read wrong silently if every date were taken day-first, so the pattern is
detected per file: values whose first number cannot be a month (>12) vote day-first, values
whose second cannot be a month vote month-first; month-first needs clear evidence. A
value that only makes sense with day and month swapped relative to the file's pattern is
DATE-AMBIGUOUS; one that is no date either way (31-02-1980) or cannot be read is
DATE-INVALID. Date cells arrive as ISO text already (grid.py). Dates are personal data:
reasons never repeat the value.
"""
from __future__ import annotations

import re
from datetime import date
from functools import partial

import polars as pl

from pemilih.io.columns import OK_EMPTY, Verdict, judge_column

_SEP = r"\s*[-/|.]\s*"
_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}})")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DAY_FIRST_VOTE = rf"^(1[3-9]|2\d|3[01]){_SEP}(0?[1-9]|1[0-2]){_SEP}\d{{4}}$"
_MONTH_FIRST_VOTE = rf"^(0?[1-9]|1[0-2]){_SEP}(1[3-9]|2\d|3[01]){_SEP}\d{{4}}$"
EARLIEST_YEAR, LATEST_YEAR = 1850, 2100  # outside: a typing error, not a date
# A file is read month first only on clear evidence: this many values that cannot be day
# first, and more than twice those that cannot be month first. Otherwise the contract's
# day-first order stands, and the odd values are DATE-AMBIGUOUS errors, never silent guesses.
MONTH_FIRST_VOTES = 3
HOW = "tulis DD-MM-YYYY, misalnya 12-05-1980"


def _real(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if EARLIEST_YEAR <= year <= LATEST_YEAR else None
    except ValueError:
        return None


def judge_date(value: str | None, *, label: str, month_first: bool = False, required: bool = False,
               latest: date | None = None) -> Verdict:
    if value is None:
        return Verdict(None, "DATE-INVALID", f"{label} kosong") if required else OK_EMPTY
    text = value.strip()
    if m := _DMY.fullmatch(text):
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        day, month = (second, first) if month_first else (first, second)
    elif m := _YMD.fullmatch(text):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        return Verdict(value, "DATE-INVALID", f"{label} tidak dapat dibaca sebagai tanggal; {HOW}")
    found = _real(year, month, day)
    if found is None:
        if day != month and _real(year, day, month):
            pattern = "MM-DD-YYYY" if month_first else "DD-MM-YYYY"
            return Verdict(value, "DATE-AMBIGUOUS", f"{label} tidak cocok dengan pola tanggal berkas ini "
                           f"({pattern}): hari dan bulan mungkin tertukar; periksa dokumen lalu {HOW}")
        return Verdict(value, "DATE-INVALID", f"{label} bukan tanggal yang ada di kalender; {HOW}")
    if latest is not None and found > latest:
        return Verdict(value, "DATE-INVALID", f"{label} berada di masa depan")
    return Verdict(found.isoformat())


def month_first_files(df: pl.DataFrame, columns: list[str]) -> set[str]:
    """Files whose dates are written month first (more month-first votes than day-first)."""
    present = [c for c in columns if c in df.columns]
    votes = df.select("file", *[pl.col(c).str.contains(_MONTH_FIRST_VOTE).fill_null(False).alias(c)
                                for c in present])
    votes = votes.select("file", pl.sum_horizontal(present).alias("m")).filter(pl.col("m") > 0)
    if votes.height == 0:
        return set()  # the common case: nothing written month first, no more work
    suspects = set(votes["file"].unique().to_list())
    part = df.filter(pl.col("file").is_in(list(suspects)))
    counted = part.select("file", pl.sum_horizontal(
        [pl.col(c).str.contains(_DAY_FIRST_VOTE).fill_null(False) for c in present]).alias("d"),
        pl.sum_horizontal([pl.col(c).str.contains(_MONTH_FIRST_VOTE).fill_null(False) for c in present]).alias("m"),
    ).group_by("file").agg(pl.col("d").sum(), pl.col("m").sum())
    return {f for f, d, m in counted.iter_rows() if m >= MONTH_FIRST_VOTES and m > 2 * d}


def _fast_parse(text: pl.Series, month_first: pl.Series | None) -> pl.Series:
    """Dates in the file's plain pattern (or ISO), parsed by Polars; null where not certain."""
    day_first = text.str.strptime(pl.Date, "%d-%m-%Y", strict=False)
    if month_first is not None:
        day_first = pl.select(pl.when(month_first).then(text.str.strptime(pl.Date, "%m-%d-%Y", strict=False))
                              .otherwise(day_first)).to_series()
    parsed = day_first
    if parsed.null_count() > text.null_count():  # ISO text, as date cells arrive
        parsed = parsed.fill_null(text.str.strptime(pl.Date, "%Y-%m-%d", strict=False))
    # Polars also reads 2-digit years (12-05-80 -> year 80): such values go the careful way.
    return pl.select(pl.when(parsed.dt.year().is_between(EARLIEST_YEAR, LATEST_YEAR)).then(parsed)).to_series()


def judge_dates(df: pl.DataFrame, col: str, label: str, month_first: set[str], required: bool,
                latest: date | None = None):
    """(ISO column, problems) for a date column, each file read in its own day/month order.

    Polars parses the values in the plain pattern; only the rest (other separators, invalid,
    ambiguous, future, empty when required) go through judge_date, once per distinct value."""
    text = df[col]
    mf = df["file"].is_in(list(month_first)) if month_first else None
    if mf is not None and not mf.any():
        mf = None
    parsed = _fast_parse(text, mf)
    if latest is not None:
        parsed = pl.select(pl.when(parsed <= latest).then(parsed)).to_series()
    value = parsed.dt.to_string("%Y-%m-%d")
    rest = parsed.is_null() & (text.is_not_null() | required)
    if not rest.any():
        return value.alias(col), None
    keyed = text if mf is None else pl.select(pl.when(mf).then(pl.lit("M")).otherwise(pl.lit("D"))
                                               .add(text)).to_series()
    careful = pl.DataFrame({"_i": df["_i"], "_k": keyed}).filter(rest)
    judge = partial(judge_date, label=label, required=required, latest=latest)

    def by_order(key: str | None) -> Verdict:
        if key is None or mf is None:
            return judge(key)
        return judge(key[1:], month_first=key[0] == "M")
    fixed, problems = judge_column(careful, "_k", by_order)
    positions = rest.arg_true()
    value = value.scatter(positions, fixed) if len(positions) else value
    return value.alias(col), problems


def is_valid(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Vectorised: the (year, month, day) is a calendar date (used for the NIK's own date)."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = (pl.when(month == 2).then(pl.when(leap).then(29).otherwise(28))
            .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    return (month.is_between(1, 12) & (day >= 1) & (day <= days)).fill_null(False)
