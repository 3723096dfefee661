"""Checking a column once per distinct value, not once per row.

Most columns of a voter list hold few distinct values (sex, marital status, TPS, RT, RW,
village codes; even birth dates repeat), so each distinct value is judged by a plain Python
function (a judge of pemilih.domain.values, returning a domain Verdict) and the verdicts are
mapped back onto the rows with one Polars lookup. The rules stay readable Python; a
200,000-row column costs a hash and a lookup.
"""
from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pemilih.domain.verdict import Verdict


def _trimmed(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


def judge_column(df: pl.DataFrame, col: str, judge: Callable[[str | None], Verdict], as_is: str | None = None):
    """(normalised column, problems frame with _i, code, reason) for one column of df.

    df must have `_i` (row index). judge() is called once per distinct value, None included,
    with spaces (tabs, no-break spaces) around it removed and a blank value given as None.
    `as_is`: a regular expression matching only values judge() keeps unchanged and without a
    problem (the domain states it next to the judge): for columns of mostly distinct values
    (names), those are skipped by one column-wise test instead of a Python call each."""
    series = df[col]
    distinct = series if as_is is None else series.filter(~series.str.contains(as_is).fill_null(False))
    verdicts = {v: judge(_trimmed(v)) for v in distinct.unique().to_list()}
    changed = {v: x.value for v, x in verdicts.items() if v is not None and x.value != v}
    value = series.replace(changed) if changed else series
    if None in verdicts and verdicts[None].value is not None:
        value = value.fill_null(verdicts[None].value)
    bad = {v: x for v, x in verdicts.items() if x.code}
    if not bad:
        return value.alias(col), None
    hit = pl.col(col).is_in([v for v in bad if v is not None])
    if None in bad:
        hit = hit | pl.col(col).is_null()
    rows = df.filter(hit).select("_i", pl.col(col).alias("_v"))
    codes = {("" if v is None else v): x.code for v, x in bad.items()}
    reasons = {("" if v is None else v): x.reason for v, x in bad.items()}
    key = pl.col("_v").fill_null("")
    problems = rows.select("_i", key.replace_strict(codes, return_dtype=pl.String).alias("code"),
                           key.replace_strict(reasons, return_dtype=pl.String).alias("reason"))
    return value.alias(col), problems


def judge_columns(df: pl.DataFrame, judges: dict[str, Callable], as_is: dict[str, str] | None = None
                  ) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """judge_column for several columns: (df with normalised columns, problems per column)."""
    new, problems = [], {}
    for col, judge in judges.items():
        value, found = judge_column(df, col, judge, (as_is or {}).get(col))
        new.append(value)
        if found is not None:
            problems[col] = found
    return df.with_columns(new), problems
