"""Shape a reader's tables (pemilih/contract.py) into the rows of the store's tables.

Pure Polars: the result goes straight to bulk.write_frame, so every column name here is a
column of the target table and every value is already in its stored form.
"""
from __future__ import annotations

import polars as pl

from pemilih.contract import KPU_COLUMNS, PROBLEM_COLUMNS, REF_COLUMNS, REGISTRY_COLUMNS

# Registry columns that have a KPU column of the same name are stored in it (queryable);
# the others (residence code, occupation, status, dates of death and moves) go to payload.
REGISTRY_SHARED = [c for c in REGISTRY_COLUMNS if c in KPU_COLUMNS]
REGISTRY_PAYLOAD = [c for c in REGISTRY_COLUMNS if c not in KPU_COLUMNS]


def data_columns(kind: str) -> list[str]:
    return KPU_COLUMNS if kind == "kpu" else REGISTRY_COLUMNS


def missing_columns(kind: str, records: pl.DataFrame) -> list[str]:
    return [c for c in REF_COLUMNS + data_columns(kind) if c not in records.columns]


def record_rows(kind: str, records: pl.DataFrame, batch_id: int, file_ids: dict[str, int]) -> pl.DataFrame:
    """store_sourcerecord rows for the records of one batch (ids filled by the database)."""
    text = KPU_COLUMNS if kind == "kpu" else REGISTRY_SHARED
    columns = [
        pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
        pl.col("file").cast(pl.Utf8).replace_strict(file_ids, return_dtype=pl.Int64).alias("file_id"),
        pl.col("source_ref").cast(pl.Utf8),
        pl.col("sheet").cast(pl.Utf8),
        pl.col("row").cast(pl.Int64),
        *[pl.col(c).cast(pl.Utf8) for c in text],
    ]
    if kind == "registry":
        payload = pl.struct([pl.col(c).cast(pl.Utf8) for c in REGISTRY_PAYLOAD]).struct.json_encode()
        columns.append(payload.alias("payload"))
    return records.select(columns)


def problem_rows(problems: pl.DataFrame, batch_id: int) -> pl.DataFrame:
    """store_rowproblem rows; `column` keeps its name (quoted by the writer)."""
    present = [c for c in PROBLEM_COLUMNS if c in problems.columns]
    frame = problems.select([
        pl.lit(batch_id, dtype=pl.Int64).alias("batch_id"),
        *[pl.col(c).cast(pl.Int64 if c == "row" else pl.Utf8) for c in present],
    ])
    return frame


def file_names(records: pl.DataFrame) -> set[str]:
    return set(records.get_column("file").cast(pl.Utf8).unique().drop_nulls().to_list())


def duplicate_refs(records: pl.DataFrame, limit: int = 3) -> list[str]:
    refs = records.get_column("source_ref")
    return refs.filter(refs.is_duplicated()).unique(maintain_order=True).head(limit).to_list()
