"""Dates over whole columns: the file's day/month order, and the plain values parsed by Polars.

The rule for one value (accepted forms, DATE-INVALID, DATE-AMBIGUOUS, the reasons) is
pemilih.domain.dates.judge_date; here only what needs the whole file. A file has one
pattern. Day-first is the contract, but a file exported from a month-first program would be
read wrong silently if every date were taken day-first, so the pattern is detected per file:
values whose first number cannot be a month (>12) vote day-first, values whose second cannot
be a month vote month-first; month-first needs clear evidence. Date cells arrive as ISO text
already (grid.py). Polars parses the values in the plain patterns (nearly all); the rest go to
judge_date once per distinct value.
"""
from __future__ import annotations

from datetime import date
from functools import partial

import polars as pl

from pemilih.domain.dates import EARLIEST_YEAR, LATEST_YEAR, PLAIN_DMY, PLAIN_YMD, judge_date
from pemilih.domain.verdict import Verdict
from pemilih.io.columns import judge_column

_SEP = r"\s*[-/|.]\s*"
_DAY_FIRST_VOTE = rf"^(1[3-9]|2[0-9]|3[01]){_SEP}(0?[1-9]|1[0-2]){_SEP}[0-9]{{4}}$"
_MONTH_FIRST_VOTE = rf"^(0?[1-9]|1[0-2]){_SEP}(1[3-9]|2[0-9]|3[01]){_SEP}[0-9]{{4}}$"
# A file is read month first only on clear evidence: this many values that cannot be day
# first, and more than twice those that cannot be month first. Otherwise the contract's
# day-first order stands, and the odd values are DATE-AMBIGUOUS errors, never silent guesses.
MONTH_FIRST_VOTES = 3


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
    """Dates in the file's plain pattern (or ISO), parsed by Polars; null where not certain.

    Only values of exactly the plain shapes (domain.dates.PLAIN_DMY / PLAIN_YMD): strptime is
    more lenient than the contract (1-digit fields, longer years), so anything else goes the
    careful way, to judge_date."""
    plain = text.str.contains(PLAIN_DMY).fill_null(False)
    dmy = pl.select(pl.when(plain).then(text)).to_series()
    day_first = dmy.str.strptime(pl.Date, "%d-%m-%Y", strict=False)
    if month_first is not None:
        day_first = pl.select(pl.when(month_first).then(dmy.str.strptime(pl.Date, "%m-%d-%Y", strict=False))
                              .otherwise(day_first)).to_series()
    parsed = day_first
    if parsed.null_count() > text.null_count():  # ISO text, as date cells arrive
        iso = pl.select(pl.when(text.str.contains(PLAIN_YMD).fill_null(False)).then(text)).to_series()
        parsed = parsed.fill_null(iso.str.strptime(pl.Date, "%Y-%m-%d", strict=False))
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
