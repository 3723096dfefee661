"""NIK and NKK checks over whole columns, with the rules of pemilih.domain.nik.

Same codes, order and stopping points as `nik_problems`: a value that is empty, a float,
not digits or not 16 long gets that one problem and nothing more; a well-formed one is then
checked for its region (NIK/NKK-REGION), its encoded date (NIK-DATE) and, when the date is
possible, sex and birth date against the row (NIK-SEX-MISMATCH, NIK-DOB-MISMATCH).
Almost every value is well formed, so the whole column gets one regular-expression test and
only the rest is looked at closely, in Python. Reasons show values only masked.
A number cell in a workbook is NIK-FLOAT whatever its digits: Excel keeps 15 significant
digits, so the 16th may already be lost.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from pemilih.domain.nik import looks_like_float, mask
from pemilih.io.columns import Verdict, judge_column
from pemilih.io.dates import is_valid

PROBLEM_SCHEMA = {"_i": pl.UInt32, "code": pl.String, "reason": pl.String}


def _shape(text: str | None, numeric: bool, label: str) -> tuple[str, str]:
    """(code, reason) for a value that is not 16 plain digits."""
    if not text:
        return f"{label}-EMPTY", f"{label} kosong"
    if numeric or looks_like_float(text):
        return f"{label}-FLOAT", (f"{label} tersimpan sebagai angka ({mask(text)}); digit terakhir hilang "
                                  "karena Excel. Format kolom sebagai Teks dan ketik ulang dari KTP/KK")
    if not text.isdigit():
        return f"{label}-INVALID", f"{label} berisi karakter selain angka"
    return f"{label}-LENGTH", f"{label} harus 16 digit, tertulis {len(text)} digit"


def _clean(text: str | None) -> str | None:
    """Spaces and the apostrophe typed in Excel to keep a number as text: removed."""
    if text is None:
        return None
    return text.strip().lstrip("'").strip() or None


def check_id(df: pl.DataFrame, col: str, label: str, prefixes: set[str]):
    """(cleaned column, well-formed mask, problems) for the NIK or NKK column of df."""
    text = df[col]
    numeric = df[f"_{col}_num"].fill_null(False) if f"_{col}_num" in df.columns else None
    well = text.str.contains(r"^\d{16}$").fill_null(False)
    if numeric is not None:
        well = well & ~numeric
    rows = []
    if not well.all():  # the few odd ones, one by one
        odd = df.select("_i", pl.col(col).alias("_t"), (numeric if numeric is not None else pl.lit(False))
                        .alias("_n"), pl.int_range(0, df.height, dtype=pl.UInt32).alias("_at")).filter(~well)
        fixed_at, fixed = [], []
        for i, t, n, at in odd.iter_rows():
            cleaned = _clean(t)
            if cleaned != t:
                fixed_at.append(at)
                fixed.append(cleaned)
            if cleaned and not n and len(cleaned) == 16 and cleaned.isdigit():
                continue  # only spaces or an apostrophe around a good number
            rows.append((i, *_shape(cleaned, bool(n), label)))
        if fixed_at:
            text = text.scatter(fixed_at, pl.Series(fixed, dtype=pl.String))
            well = text.str.contains(r"^\d{16}$").fill_null(False) & (~numeric if numeric is not None else True)
    region = pl.DataFrame({"_i": df["_i"], "_p": text.str.head(6)}).filter(well)
    judged = judge_column(region, "_p", lambda p: Verdict(p) if p in prefixes else Verdict(
        p, f"{label}-REGION", f"kode wilayah {label} ({p}) tidak ada dalam daftar Kemendagri"))[1]
    found = [pl.DataFrame(rows, schema=PROBLEM_SCHEMA, orient="row")]
    if judged is not None:
        found.append(judged)
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
        pl.lit("NIK-DATE").alias("code"),
        pl.lit("tanggal lahir dalam NIK (digit 7-12) bukan tanggal yang mungkin").alias("reason"))
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
    want = (pl.when(pl.col("_sex") == "P").then(pl.lit("perempuan (hari + 40)"))
            .otherwise(pl.lit("laki-laki (hari 01-31)")))
    found.append(frame.filter(sex_bad).select("_i", pl.lit("NIK-SEX-MISMATCH").alias("code"), pl.concat_str(
        [pl.lit("jenis kelamin "), pl.col("_sex"), pl.lit(" tidak cocok dengan NIK; untuk "), want]).alias("reason")))
    found.append(frame.filter(pl.col("_born_ok") & ~same_born.fill_null(False)).select(
        "_i", pl.lit("NIK-DOB-MISMATCH").alias("code"),
        pl.lit("tanggal lahir tidak cocok dengan tanggal dalam NIK").alias("reason")))
    return pl.concat(found)
