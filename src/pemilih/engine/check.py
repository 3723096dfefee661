"""The pre-flight check: everything wrong with a set of files, before any of it is received.

Takes what the readers found (ReadResult per kind), adds what only shows across files
(NIK-DUPLICATE: the second and later rows with one NIK, across every file of a kind checked
together) and returns a CheckReport: a status, counts per village and TPS, and every error
with the row it points to. Tables in, tables out; printing is check_text.py's job.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pemilih.contract import PROBLEM_COLUMNS, ReadResult
from pemilih.domain.masking import LONG_NUMBER, id_expr, text_expr
from pemilih.domain.village_queue import without_village

PASS, FAIL, UNREADABLE = "PASS", "FAIL", "UNREADABLE"
EXIT_CODES = {PASS: 0, FAIL: 1, UNREADABLE: 2}
VILLAGE_KEYS = ["kode_desa", "kecamatan", "desa"]


def duplicate_niks(records: pl.DataFrame) -> pl.DataFrame:
    """NIK-DUPLICATE problems: every row whose well-formed NIK appeared on an earlier row."""
    niks = records.select("source_ref", "file", "sheet", "row", "nik").with_row_index("_n")
    niks = niks.filter(pl.col("nik").is_duplicated())  # a hash pass; the rest works on few rows
    niks = niks.filter(pl.col("nik").str.contains(r"^\d{16}$").fill_null(False))
    niks = niks.with_columns(pl.col("source_ref").first().over("nik").alias("_first"),
                             pl.col("_n").first().over("nik").alias("_first_n"))
    dup = niks.filter(pl.col("_n") != pl.col("_first_n"))
    return dup.sort("_n").select(
        "source_ref", "file", "sheet", "row", pl.lit("NIK").alias("column"), pl.lit("NIK-DUPLICATE").alias("code"),
        pl.concat_str([pl.lit("NIK "), id_expr(pl.col("nik")), pl.lit(" sudah tercatat di "), pl.col("_first"),
                       pl.lit("; satu orang hanya boleh terdaftar sekali")]).alias("reason"))


def with_duplicates(result: ReadResult) -> ReadResult:
    """The result with its NIK-DUPLICATE problems added, so an import records on each row
    exactly what the check reported (the readers see one file at a time, not the whole set)."""
    if result.records.height == 0:
        return result
    if result.problems.height and (result.problems["code"] == "NIK-DUPLICATE").any():
        return result  # added already
    dupes = duplicate_niks(result.records)
    if dupes.height == 0:
        return result
    problems = pl.concat([result.problems.select(PROBLEM_COLUMNS),
                          dupes.select(PROBLEM_COLUMNS).cast(result.problems.select(PROBLEM_COLUMNS).schema)])
    return ReadResult(result.kind, result.records, problems, result.files, result.refused)


def _mask_reasons(problems: pl.DataFrame) -> pl.DataFrame:
    """A last guard: no number that could be a NIK or NKK leaves a reason in clear."""
    if problems.height == 0 or not problems["reason"].str.contains(LONG_NUMBER).any():
        return problems
    return problems.with_columns(text_expr(pl.col("reason")))


def _villages(result: ReadResult) -> pl.DataFrame:
    """kode_desa, kecamatan, desa (+ tps) of each record; the registry's from KODE_WILAYAH."""
    records = result.records
    if result.kind == "kpu":
        return records.select("source_ref", *VILLAGE_KEYS, "tps")
    from pemilih.domain import region_tables
    names = region_tables.villages().select(pl.col("code").alias("kode_desa"),
                                           pl.col("kecamatan").str.to_uppercase(),
                                           pl.col("name").str.to_uppercase().alias("desa"))
    return (records.select("source_ref", pl.col("kode_wilayah").alias("kode_desa"))
            .join(names, on="kode_desa", how="left", maintain_order="left")
            .with_columns(pl.lit(None, pl.String).alias("tps")))


@dataclass
class CheckReport:
    status: str
    rows: int
    per_village: pl.DataFrame  # jenis, kode_desa, kecamatan, desa, rows, errors
    per_tps: pl.DataFrame  # jenis, kode_desa, kecamatan, desa, tps, rows
    errors: pl.DataFrame  # PROBLEM_COLUMNS + jenis, in file order
    files: list[dict] = field(default_factory=list)
    # KPU rows whose village could not be resolved: received, they wait in the unresolved queue
    # (domain/village_queue.py) until a person picks their village.
    unresolved: int = 0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.status]

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "rows": self.rows,
            "rows_per_village": self.per_village.to_dicts(),
            "rows_per_tps": self.per_tps.to_dicts(),
            "errors": self.errors.select("source_ref", "column", "code", "reason", "file", "jenis").to_dicts(),
            "files": self.files,
            "unresolved": self.unresolved,
        }

    def to_text(self) -> str:
        from pemilih.engine.check_text import render
        return render(self)


def _file_summary(result: ReadResult, problems: pl.DataFrame) -> list[dict]:
    """Per file: read, refused or unreadable; rows read and errors found."""
    rows = dict(result.records.group_by("file").len().iter_rows()) if result.records.height else {}
    stats = {f: (n, unreadable, why) for f, n, unreadable, why in problems.group_by("file").agg(
        pl.len(), (pl.col("code") == "FILE-UNREADABLE").any(),
        pl.col("reason").filter(pl.col("row").is_null()).first()).iter_rows()}
    out = []
    for f in result.files:
        errors, unreadable, why = stats.get(f.name, (0, False, None))
        status = "tidak terbaca" if unreadable else "ditolak" if why is not None else "dibaca"
        out.append({"name": f.name, "kind": result.kind, "status": status, "rows": rows.get(f.name, 0),
                    "errors": errors, "sha256": f.sha256, "reason": why})
    return out


def check(results) -> CheckReport:
    """The report for one ReadResult, a list of them, or read_grouped()'s dict."""
    if isinstance(results, ReadResult):
        results = [results]
    elif isinstance(results, dict):
        results = list(results.values())
    errors, villages, tps, files, total, unresolved = [], [], [], [], 0, 0
    for result in results:
        problems = with_duplicates(result).problems  # unchanged if already added
        problems = _mask_reasons(problems.select(PROBLEM_COLUMNS))
        files += _file_summary(result, problems)
        total += result.records.height
        where = _villages(result)
        # Errors per village: look up the few rows with problems, not every row.
        bad = (problems.filter(pl.col("row").is_not_null()).select("source_ref")
               .join(where, on="source_ref", how="inner").group_by(VILLAGE_KEYS).len("errors"))
        per_tps = where.group_by(*VILLAGE_KEYS, "tps").agg(pl.len().alias("rows"))
        counted = (per_tps.group_by(VILLAGE_KEYS).agg(pl.col("rows").sum())
                   .join(bad, on=VILLAGE_KEYS, how="left", nulls_equal=True)
                   .with_columns(pl.col("errors").fill_null(0)))
        villages.append(counted.with_columns(pl.lit(result.kind).alias("jenis")))
        if result.kind == "kpu":
            tps.append(per_tps.with_columns(pl.lit(result.kind).alias("jenis")))
            unresolved += where.filter(without_village()).height
        errors.append(_in_file_order(problems, result).with_columns(pl.lit(result.kind).alias("jenis")))
    report = _report(errors, villages, tps, files, total)
    report.unresolved = unresolved
    return report


def _in_file_order(problems: pl.DataFrame, result: ReadResult) -> pl.DataFrame:
    """Problems grouped by file in the order the files were given; within a file by row."""
    order = {f.name: i for i, f in enumerate(result.files)}
    return (problems.with_columns(pl.col("file").replace_strict(order, default=len(order)).alias("_f"),
                                  pl.col("row").fill_null(0).alias("_r"))
            .with_row_index("_n").sort("_f", "sheet", "_r", "_n").drop("_f", "_r", "_n"))


def _report(errors, villages, tps, files, total) -> CheckReport:
    village_cols = ["jenis", *VILLAGE_KEYS, "rows", "errors"]
    tps_cols = ["jenis", *VILLAGE_KEYS, "tps", "rows"]
    per_village = (pl.concat(villages).select(village_cols).sort("jenis", *VILLAGE_KEYS, nulls_last=True)
                   if villages else pl.DataFrame(schema=dict.fromkeys(village_cols, pl.String)))
    per_tps = (pl.concat(tps).select(tps_cols).sort("jenis", *VILLAGE_KEYS, "tps", nulls_last=True)
               if tps else pl.DataFrame(schema={c: (pl.UInt32 if c == "rows" else pl.String) for c in tps_cols}))
    error_frame = pl.concat(errors) if errors else pl.DataFrame(
        schema={**{c: (pl.Int64 if c == "row" else pl.String) for c in PROBLEM_COLUMNS}, "jenis": pl.String})
    if (error_frame["code"] == "FILE-UNREADABLE").any():
        status = UNREADABLE
    elif error_frame.height:
        status = FAIL
    else:
        status = PASS
    return CheckReport(status, total, per_village, per_tps, error_frame, files)
