"""A voter list as every list sheet writes it: the KPU columns under their printed names, in
the contract's order, birth dates as `DD-MM-YYYY` text (formats.md sections 1 and 2).

The store keeps dates as ISO; whatever is written for people or for KPU's import goes
through here, so that no sheet prints them another way.
"""
from __future__ import annotations

import polars as pl

from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
from pemilih.domain.dates import printed_date

DATE_COLUMNS = ("tanggal_lahir",)


def printed_values(frame: pl.DataFrame, columns=KPU_COLUMNS) -> list[pl.Expr]:
    """The expressions selecting `columns` of `frame` as printed (dates DD-MM-YYYY), under
    their own names."""
    return [printed_date(c).alias(c) if c in DATE_COLUMNS else pl.col(c) for c in columns]


def printed(frame: pl.DataFrame, columns=KPU_COLUMNS, headers: dict[str, str] | None = None) -> pl.DataFrame:
    """`columns` of `frame` under their printed headers (KPU_HEADERS, or `headers` where it
    names one), dates DD-MM-YYYY."""
    named = {**KPU_HEADERS, **(headers or {})}
    return frame.select(e.alias(named[c]) for e, c in zip(printed_values(frame, columns), columns))
