"""Checking the rows read from one kind of file, all files at once, column by column.

Input: the data rows of every source stacked in one frame (text columns with canonical
names, `file`, `sheet`, `row`, `_src`, and the title-block values `_t_*`). Output: the
records (records.py layout, values normalised where certain) and one problem per thing
wrong, naming the row (source_ref) and the printed column, in column order within a row.
Nothing is dropped except rows that are not voters at all (blank, summary, signature).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import polars as pl

from pemilih.contract import (
    COMBINED_BIRTH,
    KPU_COLUMNS,
    KPU_HEADERS,
    PROBLEM_COLUMNS,
    REF_COLUMNS,
    REGION_PARTS,
    REGISTRY_COLUMNS,
    REGISTRY_DATES,
    REGISTRY_HEADERS,
)
from pemilih.domain.regions import district_prefixes
from pemilih.io import dates, identity, places, values
from pemilih.io.columns import judge_columns
from pemilih.io.headers import printed
from pemilih.io.rows import classify

EMPTY_PROBLEMS = {c: (pl.Int64 if c == "row" else pl.String) for c in PROBLEM_COLUMNS}
# Input columns that are not record columns: the combined birth column, the registry's code parts.
_EXTRA_INPUTS = (COMBINED_BIRTH, *REGION_PARTS)
_BIRTH = r"^(.*?)[\s,]*(\d{1,4}\s*[-/|.]\s*\d{1,2}\s*[-/|.]\s*\d{1,4})$"
_REGISTRY_DATE_LABELS = {c: REGISTRY_HEADERS[c] for c in REGISTRY_DATES}
# Rows checked at a time (_check): a regency's extract in one go, a province's in slices.
SLICE_ROWS = 1_000_000


def _tidy(df: pl.DataFrame, data: list[str]) -> pl.DataFrame:
    """Spaces around values trimmed and blank cells made null, touching only columns that need it.

    Checking costs a fraction of rewriting every column; the columns with codes are trimmed
    again, fully (tabs, no-break spaces), where each distinct value is judged."""
    if not data or df.height == 0:
        return df
    spaced = df.select((pl.col(data).str.starts_with(" ") | pl.col(data).str.ends_with(" ")).any())
    blank = df.select((pl.col(data).str.len_bytes() == 0).any())
    to_strip = [c for c in data if spaced[c][0]]
    if to_strip:
        df = df.with_columns(pl.col(to_strip).str.strip_chars())
    to_null = [c for c in data if blank[c][0] or c in to_strip]
    if to_null:
        df = df.with_columns(pl.when(pl.col(to_null).str.len_bytes() == 0).then(None)
                             .otherwise(pl.col(to_null)).name.keep())
    return df


def _prepare(df: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Trimmed text, blanks as null, only voter rows, every canonical column present."""
    data = [c for c in df.columns if c in columns or c in _EXTRA_INPUTS]
    df = _tidy(df, data)
    df = df.filter(classify(df, data))
    if COMBINED_BIRTH in df.columns:  # `RANTEPAO, 12-05-1980` in one column
        parts = pl.col(COMBINED_BIRTH).str.extract_groups(_BIRTH)
        place = pl.when(parts.struct.field("2").is_null()).then(pl.col(COMBINED_BIRTH)).otherwise(
            parts.struct.field("1").str.strip_chars(" ,"))
        df = df.with_columns(
            pl.coalesce([pl.col(c) for c in ("tempat_lahir",) if c in df.columns] + [place]).alias("tempat_lahir"),
            pl.coalesce([pl.col(c) for c in ("tanggal_lahir",) if c in df.columns] + [parts.struct.field("2")])
            .alias("tanggal_lahir"))
    missing = [c for c in columns if c not in df.columns]
    return df.with_columns([pl.lit(None, pl.String).alias(c) for c in missing]).with_row_index("_i")


def _problem_frame(found: dict[tuple[str, int], pl.DataFrame | None], columns: list[str],
                   labels: dict[str, str]) -> pl.DataFrame:
    """All problems, ordered by row, then column order, then check order within a column."""
    order = {c: i for i, c in enumerate(columns)}
    parts = []
    for (col, step), frame in found.items():
        if frame is not None and frame.height:
            parts.append(frame.select("_i", pl.lit(order.get(col, len(order)) * 10 + step, pl.Int32).alias("_k"),
                                      pl.lit(labels.get(col, col)).alias("column"), "code", "reason"))
    if not parts:
        return pl.DataFrame(schema={"_i": pl.UInt32, "_k": pl.Int32, "column": pl.String,
                                    "code": pl.String, "reason": pl.String})
    stacked = pl.concat(parts, how="vertical_relaxed").with_row_index("_n")
    return stacked.sort("_i", "_k", "_n").drop("_n")


def _finish(df: pl.DataFrame, problems: pl.DataFrame, columns: list[str]):
    ref = pl.concat_str([pl.col("file"), pl.col("sheet"), pl.col("row").cast(pl.String)], separator=":")
    df = df.with_columns(ref.alias("source_ref"))
    records = df.select(*REF_COLUMNS, *columns)
    problems = (problems.join(df.select("_i", *REF_COLUMNS), on="_i", how="left", maintain_order="left")
                .select(PROBLEM_COLUMNS))
    return records, problems


def _check(df: pl.DataFrame, kind: str, columns: list[str], judges: dict, date_labels: dict[str, str],
           found: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every row checked, SLICE_ROWS at a time: each check judges a row by its own values and
    its file's date order (decided here, over all the file's rows), so the slices give what
    the whole would, in a fraction of the working memory (a provincial extract). Two slices are
    checked side by side: a slice's many small steps leave the second core idle (a provincial
    extract of 5.4 million rows is read in 8.2 s instead of 10.4 s, at the same peak)."""
    month_first = dates.month_first_files(df, list(date_labels))
    if df.height <= SLICE_ROWS:
        return _check_rows(df, kind, columns, judges, date_labels, found, month_first)
    def one(start: int):
        part = df.slice(start, SLICE_ROWS)
        inside = pl.col("_i").is_between(start, start + part.height - 1)
        mine = {k: None if f is None else f.filter(inside) for k, f in found.items()}
        return _check_rows(part, kind, columns, judges, date_labels, mine, month_first)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="periksa") as pool:
        parts = list(pool.map(one, range(0, df.height, SLICE_ROWS)))
    return pl.concat([r for r, _ in parts]), pl.concat([p for _, p in parts])


def _check_rows(df: pl.DataFrame, kind: str, columns: list[str], judges: dict, date_labels: dict[str, str],
                found: dict, month_first: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Values, dates, then NIK/NKK (which need the normalised sex and birth date)."""
    df, simple = judge_columns(df, judges, values.AS_IS)
    found.update({(c, 0): f for c, f in simple.items()})
    for col, label in date_labels.items():
        # A voter born in the future is a typing error; the registry's own dates are its to keep.
        latest = date.today() if col == "tanggal_lahir" and kind == "kpu" else None
        value, bad = dates.judge_dates(df, col, label, month_first, col == "tanggal_lahir", latest)
        df = df.with_columns(value.alias(col))
        found[(col, 0)] = bad
    born_ok = df["tanggal_lahir"].is_not_null()
    if found.get(("tanggal_lahir", 0)) is not None:
        born_ok = born_ok & ~df["_i"].is_in(found[("tanggal_lahir", 0)]["_i"].implode())
    prefixes = district_prefixes()
    for col, label in (("nkk", "NKK"), ("nik", "NIK")):
        value, well, bad = identity.check_id(df, col, label, prefixes)
        df = df.with_columns(value)
        found[(col, 0)] = bad
        if col == "nik":
            found[(col, 1)] = identity.check_person(df, well, "jenis_kelamin", "tanggal_lahir", born_ok)
    return _finish(df, _problem_frame(found, columns, printed(kind)), columns)


def check_kpu(df: pl.DataFrame):
    """(records, problems) for rows of KPU lists."""
    df = _prepare(df, KPU_COLUMNS)  # before the title fills in: a blank row must stay blank
    df = df.with_columns(pl.coalesce(c, t).alias(c)
                         for c, t in (("kecamatan", "_t_kec"), ("desa", "_t_desa"), ("tps", "_t_tps")))
    df, village_problems = places.resolve_villages(df)
    found = {(c, 0): f for c, f in village_problems.items()}
    return _check(df, "kpu", KPU_COLUMNS, values.kpu_judges(), {"tanggal_lahir": KPU_HEADERS["tanggal_lahir"]}, found)


def check_registry(df: pl.DataFrame):
    """(records, problems) for rows of civil-registry extracts."""
    df = _prepare(df, REGISTRY_COLUMNS)
    df, code_problems = places.registry_codes(df)
    found = {(c, 0): f for c, f in code_problems.items()}
    return _check(df, "registry", REGISTRY_COLUMNS, values.registry_judges(), _REGISTRY_DATE_LABELS, found)


def empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=EMPTY_PROBLEMS)
