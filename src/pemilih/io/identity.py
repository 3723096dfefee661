"""NIK and NKK checks over whole columns, with the rules of pemilih.domain.nik.

Same codes, order and stopping points as `nik_problems`: a value that is empty, a float,
not digits or not 16 long gets that one problem and nothing more; a well-formed one is then
checked for its region (NIK/NKK-REGION), for a NIK its serial (NIK-SERIAL: 0000), its encoded
date (NIK-DATE) and, when the date is
possible, sex and birth date against the row (NIK-SEX-MISMATCH, NIK-DOB-MISMATCH).
The codes and reasons are the domain's (pemilih.domain.nik: shape_problem, region_problem, ...).
Almost every value is well formed, so the whole column gets one regular-expression test and
only the rest is looked at closely, in Python. Reasons show values only masked.
A number cell in a workbook is NIK-FLOAT whatever its digits: Excel keeps 15 significant
digits, so the 16th may already be lost.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from pemilih.domain import nik as rules
from pemilih.domain.verdict import Verdict
from pemilih.io.columns import judge_column
from pemilih.io.dates import is_valid

PROBLEM_SCHEMA = {"_i": pl.UInt32, "code": pl.String, "reason": pl.String}
WELL_FORMED = r"^[0-9]{16}$"  # rules.DIGITS16, as Polars reads it


def _shape(text: str | None, numeric: bool, label: str) -> tuple[str, str]:
    """(code, reason) for a cleaned value that is not 16 plain digits."""
    found = rules.shape_problem(text, label, numeric)
    return found.code, found.reason


def _pair(problem: rules.Problem) -> tuple[str, str]:
    return problem.code, problem.reason


def check_id(df: pl.DataFrame, col: str, label: str, prefixes: set[str]):
    """(cleaned column, well-formed mask, problems) for the NIK or NKK column of df."""
    text = df[col]
    numeric = df[f"_{col}_num"].fill_null(False) if f"_{col}_num" in df.columns else None
    well = text.str.contains(WELL_FORMED).fill_null(False)
    if numeric is not None:
        well = well & ~numeric
    rows = []
    if not well.all():  # the few odd ones, one by one
        odd = df.select("_i", pl.col(col).alias("_t"), (numeric if numeric is not None else pl.lit(False))
                        .alias("_n"), pl.int_range(0, df.height, dtype=pl.UInt32).alias("_at")).filter(~well)
        fixed_at, fixed = [], []
        for i, t, n, at in odd.iter_rows():
            cleaned = rules.clean_id(t)
            if cleaned != t:
                fixed_at.append(at)
                fixed.append(cleaned)
            if cleaned and not n and rules.DIGITS16.fullmatch(cleaned):
                continue  # only spaces or an apostrophe around a good number
            rows.append((i, *_shape(cleaned, bool(n), label)))
        if fixed_at:
            text = text.scatter(fixed_at, pl.Series(fixed, dtype=pl.String))
            well = text.str.contains(WELL_FORMED).fill_null(False) & (~numeric if numeric is not None else True)
    region = pl.DataFrame({"_i": df["_i"], "_p": text.str.head(6)}).filter(well)
    judged = judge_column(region, "_p", lambda p: Verdict(p) if p in prefixes else Verdict(
        p, *_pair(rules.region_problem(label, p))))[1]
    found = [pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row")]
    if judged is not None:
        found.append(judged)
    if label == "NIK":  # after the region, as nik_problems orders them
        found.append(pl.DataFrame({"_i": df["_i"]}).filter(well & (text.str.slice(12) == rules.SERIAL_NONE))
                     .with_columns(pl.lit(rules.SERIAL_PROBLEM.code).alias("code"),
                                   pl.lit(rules.SERIAL_PROBLEM.reason).alias("reason")))
    return text.alias(col), well, pl.concat(found)


def _nik_date_ok(nik: pl.Series, today: date | None = None) -> pl.Series:
    """Digits 7-12 are a possible date, in the latest century not after today (as split_nik)."""
    today = today or date.today()
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    year2 = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    frame = pl.DataFrame({"d": day, "m": month, "y": year2})
    d = pl.when(pl.col("d") > 40).then(pl.col("d") - 40).otherwise(pl.col("d"))
    y = pl.when(2000 + pl.col("y") <= today.year).then(2000 + pl.col("y")).otherwise(1900 + pl.col("y"))
    return frame.select(is_valid(y, pl.col("m"), d)).to_series()


def check_person(df: pl.DataFrame, well: pl.Series, sex: str, born: str, born_ok: pl.Series) -> pl.DataFrame:
    """NIK-DATE, then (when possible) NIK-SEX-MISMATCH and NIK-DOB-MISMATCH for well-formed NIKs."""
    nik = df["nik"]
    date_ok = _nik_date_ok(nik)
    dated = df.select("_i").filter(well & ~date_ok).with_columns(
        pl.lit(rules.DATE_PROBLEM.code).alias("code"), pl.lit(rules.DATE_PROBLEM.reason).alias("reason"))
    found = [dated]
    nday = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    frame = pl.DataFrame({"_i": df["_i"], "_nday": nday, "_mmyy": nik.str.slice(8, 4), "_sex": df[sex],
                          "_born": df[born], "_ok": well & date_ok, "_born_ok": born_ok})
    frame = frame.filter(pl.col("_ok"))
    nik_sex = pl.when(pl.col("_nday") > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
    day = pl.when(pl.col("_nday") > 40).then(pl.col("_nday") - 40).otherwise(pl.col("_nday"))
    born_col = pl.col("_born")
    same_born = ((born_col.str.slice(8, 2).cast(pl.Int32, strict=False) == day)
                 & (pl.concat_str([born_col.str.slice(5, 2), born_col.str.slice(2, 2)]) == pl.col("_mmyy")))
    sex_bad = pl.col("_sex").is_in(["L", "P"]) & (pl.col("_sex") != nik_sex)
    mismatch = {s: rules.sex_mismatch_problem(s) for s in ("L", "P")}
    found.append(frame.filter(sex_bad).select(
        "_i", pl.col("_sex").replace_strict({s: p.code for s, p in mismatch.items()}, return_dtype=pl.String)
        .alias("code"),
        pl.col("_sex").replace_strict({s: p.reason for s, p in mismatch.items()}, return_dtype=pl.String)
        .alias("reason")))
    found.append(frame.filter(pl.col("_born_ok") & ~same_born.fill_null(False)).select(
        "_i", pl.lit(rules.DOB_MISMATCH.code).alias("code"), pl.lit(rules.DOB_MISMATCH.reason).alias("reason")))
    return pl.concat(found)
