"""Which voters have a village: the one rule the unresolved queue rests on.

A KPU row whose KODE DESA is missing and whose names the reader could not match to the region
reference is received with kode_desa empty (io/places.py). Such a voter is on the list but in
no village: the unresolved queue (store/unresolved.py) holds it until a person picks its
village. It is never counted as a village, and every count of voters counts it on a line of
its own, under LABEL.
"""
from __future__ import annotations

import polars as pl

LABEL = "(BELUM PUNYA DESA)"  # the queue's line in recaps and lists of villages


def has_village(code: str | None) -> bool:
    return bool(code)


def without_village(column: str = "kode_desa") -> pl.Expr:
    """The rows of a frame without a village (has_village's rule, column-wise)."""
    return pl.col(column).is_null() | (pl.col(column) == "")
