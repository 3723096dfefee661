"""Announcement sheets (pengumuman daftar pemilih): one PDF per village, each TPS from a new
page, identifiers masked (formats.md section 1).

Everything that works on whole columns (masking, ages, TPS and RT/RW numbers, counts per TPS)
is done here with Polars, once for the regency; the villages are then drawn by worker
processes (announcement_pages) that get plain strings. Workers are started with "spawn":
forking after Polars has started its thread pool is not safe (see io/sheets.py).

What an announcement never shows: a full NIK or NKK, a birth date (the age on voting day
instead), disability. A number that could be an identifier in a free-text column (a NIK typed
into KETERANGAN) is masked too, by the same rule (domain/masking), and a date in the birthplace
column is left out.
"""
from __future__ import annotations

import multiprocessing as mp
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path

import polars as pl

from pemilih.domain.masking import id_expr, mask_digits_in_text, text_expr
from pemilih.domain.regions import is_kelurahan, regency_name
from pemilih.io.announcement_pages import SEP, Tps, VillageJob, render_village
from pemilih.io.words_id import day_and_date, long_date

INPUT = ["kecamatan", "desa", "kode_desa", "tps", "nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir",
         "jenis_kelamin", "status_kawin", "alamat", "rt", "rw", "keterangan"]
PRINTED = ["nkk", "nik", "nama", "tempat_lahir", "umur", "jenis_kelamin", "status_kawin", "alamat", "rt",
           "rw", "keterangan"]  # the order of announcement_pages.COLUMNS after "No"
FREE_TEXT = ["nama", "tempat_lahir", "alamat", "keterangan"]
STAGE_NAMES = {
    "DPS": "Daftar Pemilih Sementara", "DPSHP": "Daftar Pemilih Sementara Hasil Perbaikan",
    "DPT": "Daftar Pemilih Tetap", "DPTB": "Daftar Pemilih Tambahan", "DPK": "Daftar Pemilih Khusus",
    "DPB": "Daftar Pemilih Berkelanjutan",
}
DATE_FORMATS = ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d")  # the contract writes DD-MM-YYYY
DATE_IN_TEXT = r"\d{1,4}[-/.|]\d{1,2}[-/.|]\d{1,4}"
BLANK_DATE = "...................................."


def write_announcements(voters: pl.DataFrame, out_dir, *, title: str, stage: str, election_name: str,
                        voting_day: date, processes: int = 2, progress: Callable[[int], None] | None = None,
                        signed_on: date | None = None, announced: tuple[date, date] | None = None,
                        responses_until: date | None = None, decisions: dict[str, str] | None = None,
                        places: dict[tuple[str, str], str] | None = None) -> list[Path]:
    """One PDF per village in out_dir (created if missing), named
    `<stage>_<kode desa without dots>_<DESA NAME>.pdf`; returns the paths in village-code
    order. progress(n), when given, is called with the number of villages done so far.
    signed_on dates the signature block; without it the date is left to be written by hand.
    Each sheet names the village's regency (from its code). `announced` (first and last day)
    prints the announcement period; `responses_until` invites responses until that day: a
    list that takes none (a DPT) is printed without it. `decisions`: per village code, the
    decision that set the list (`Keputusan Panitia ... Nomor ...`), cited on each sheet.
    `places`: (kode_desa, TPS as `001`) -> the TPS's place and address (the election's TPS
    register), printed under its heading."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stage_line = f"{STAGE_NAMES.get(stage.upper(), stage).upper()} ({stage})"
    common = dict(title=title.upper(), stage_line=stage_line, election=election_name, stage=stage,
                  voting_day=day_and_date(voting_day),
                  signed=long_date(signed_on) if signed_on else BLANK_DATE,
                  announced=(day_and_date(announced[0]), day_and_date(announced[1])) if announced else (),
                  responses_until=day_and_date(responses_until) if responses_until else "")
    found = villages(voters, voting_day, places)
    names = _unique([file_name(stage, v["kode_desa"], v["desa"], v["kecamatan"]) for v in found])
    known = next((regency_name(v["kode_desa"]) for v in found if regency_name(v["kode_desa"])), "")
    jobs = [VillageJob(path=str(out / name), regency=regency_name(v["kode_desa"]) or known, **common,
                       decision=(decisions or {}).get(v["kode_desa"], ""),
                       **{k: v[k] for k in ("kecamatan", "desa", "village_label", "tps", "columns")})
            for name, v in zip(names, found)]
    _render_all(jobs, processes, progress)
    return [Path(j.path) for j in jobs]


def file_name(stage: str, kode_desa: str, desa: str, kecamatan: str = "") -> str:
    """`DPS_7326012001_PANTANAKAN_LOLO.pdf`; without a code, the kecamatan's name instead.
    The stage keeps its case (DPTb)."""
    head = re.sub(r"[^A-Za-z0-9]+", "_", stage or "").strip("_") or "DAFTAR"
    middle = re.sub(r"[^A-Za-z0-9]+", "", kode_desa or "") or _slug(kecamatan)  # nothing like ../
    return f"{head}_{middle}_{_slug(desa)}.pdf"


def _unique(names: list[str]) -> list[str]:
    """Two villages whose names come out the same (no code, spelling) must not overwrite
    each other: the later ones get _2, _3."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else name.replace(".pdf", f"_{seen[name]}.pdf"))
    return out


def _slug(text: str) -> str:
    text = re.sub(r"['`’]", "", text or "").upper()  # Sa'dan -> SADAN, not SA_DAN
    return re.sub(r"[^A-Z0-9]+", "_", text).strip("_")


def villages(voters: pl.DataFrame, voting_day: date,
             places: dict[tuple[str, str], str] | None = None) -> list[dict]:
    """Per village (ordered by code): names, label, per-TPS counts and the printed columns
    joined into one string each."""
    missing = [c for c in INPUT if c not in voters.columns]
    if missing:
        raise ValueError(f"kolom tidak ada dalam daftar pemilih: {', '.join(missing)}")
    table = printed(voters, voting_day).sort(["_key", "_tps_order", "tps"], nulls_last=True, maintain_order=True)
    counts = table.group_by("_key", "tps", maintain_order=True).agg(
        pl.len().alias("n"), (pl.col("jenis_kelamin") == "L").sum().alias("l"),
        (pl.col("jenis_kelamin") == "P").sum().alias("p"))
    per_tps: dict[str, list[Tps]] = {}
    for key, label, n, men, women in counts.iter_rows():
        per_tps.setdefault(key, []).append(Tps(label, n, men, women,
                                                   mask_digits_in_text((places or {}).get((key, label), ""))))
    joined = table.group_by("_key", maintain_order=True).agg(
        pl.col("kode_desa", "kecamatan", "desa").first(), *[pl.col(c).str.join(SEP) for c in PRINTED])
    out = []
    for row in joined.iter_rows(named=True):
        kode = row["kode_desa"]
        out.append({"kode_desa": kode, "kecamatan": row["kecamatan"], "desa": row["desa"],
                    "village_label": _village_label(kode), "tps": tuple(per_tps[row["_key"]]),
                    "columns": tuple(row[c] for c in PRINTED)})
    return out


def _village_label(kode: str) -> str:
    """The village part of a code starting with 1 is a kelurahan (formats.md section 1)."""
    return "Kelurahan" if is_kelurahan(kode) else "Desa/Lembang"


def printed(voters: pl.DataFrame, voting_day: date) -> pl.DataFrame:
    """The cells as printed, all text: masked identifiers, age instead of birth date, TPS/RT/RW
    in 3 digits; plus _key (village) and _tps_order for sorting."""
    clean = voters.select(pl.col(c).cast(pl.String).fill_null("").str.replace_all(r"[\x00-\x1f\x7f]", " ")
                          .str.strip_chars() for c in INPUT)
    kode = pl.col("kode_desa")
    return clean.with_columns(
        *[id_expr(pl.col(c)).alias(c) for c in ("nkk", "nik")],
        *[text_expr(pl.col(c)).alias(c) for c in FREE_TEXT if c != "tempat_lahir"],
        # A merged TEMPAT/TANGGAL LAHIR cell (`RANTEPAO, 01-05-1990`) must not print the date.
        text_expr(pl.col("tempat_lahir")).str.replace_all(DATE_IN_TEXT, "").str.strip_chars(" ,/-"),
        *[_three_digits(pl.col(c)).alias(c) for c in ("tps", "rt", "rw")],
        age_on(pl.col("tanggal_lahir"), voting_day).alias("umur"),
        pl.col("tps").cast(pl.Int64, strict=False).alias("_tps_order"),
        pl.when(kode != "").then(kode).otherwise(pl.concat_str("kecamatan", pl.lit("|"), "desa")).alias("_key"),
    ).drop("tanggal_lahir")


def _three_digits(col: pl.Expr) -> pl.Expr:
    """`1`, `01`, `0001` -> `001`; anything not a number is printed as written."""
    number = col.cast(pl.Int64, strict=False)
    return pl.when(number.is_not_null() & (number >= 0)).then(number.cast(pl.String).str.zfill(3)).otherwise(col)


def age_on(born: pl.Expr, day: date) -> pl.Expr:
    """Age in whole years on `day` as text; blank when the date cannot be read or is later."""
    when = pl.coalesce(born.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS)
    # month() and day() are Int8: widen before multiplying, or April * 100 wraps around.
    before_birthday = (when.dt.month().cast(pl.Int32) * 100 + when.dt.day().cast(pl.Int32)) > (
        day.month * 100 + day.day)
    age = pl.lit(day.year) - when.dt.year().cast(pl.Int32) - before_birthday.cast(pl.Int32)
    return pl.when(age >= 0).then(age.cast(pl.String)).otherwise(pl.lit(""))


def _render_all(jobs: list[VillageJob], processes: int, progress) -> None:
    """Biggest villages first, so the workers finish close together."""
    order = sorted(jobs, key=lambda j: -j.rows)
    if processes <= 1 or len(jobs) <= 1:
        for n, job in enumerate(order, 1):
            render_village(job)
            if progress:
                progress(n)
        return
    pool = ProcessPoolExecutor(min(processes, len(jobs)), mp_context=mp.get_context("spawn"))
    try:
        futures = [pool.submit(render_village, job) for job in order]
        for n, future in enumerate(as_completed(futures), 1):
            future.result()
            if progress:
                progress(n)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
