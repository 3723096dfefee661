"""Where voter education is needed: the villages ranked by what the list shows.

Five factors, each a share of a village's voters (higher: more need):

- `pemula`: first-time voters: on the list and under 17 (domain/eligibility.VOTING_AGE) on the
  last election's voting day (`since`), by their birth date (age counted as
  eligibility.age_on counts it); a voter without a readable birth date is not counted;
- `tanpa_ktpel`: voters without KTP-el (KTP-EL = B, as the recap counts them);
- `disabilitas`: voters with a disability recorded (DISABILITAS not empty and not 0);
- `tms`: voters struck from the list (standing TMS removals) out of those listed plus struck;
- `tidak_hadir`: registered voters who did not come to vote, where the ballots of the
  village's TPS were recorded (ballots-recorded events: registered - came, out of registered).

The score is simple and shown whole: for each factor, a village's share divided by the largest
share of that factor among the villages (the neediest village gets 1, one with none 0); the
score is the mean of these over the factors the village has, times 100. Each factor's share
and rank (1 = the largest share; equal shares share a rank) are in the table beside it. A
factor the data cannot give (no birth dates, no KTP-el or DISABILITAS column filled, no
removal recorded, no ballots recorded) is left out for every village and said so, with why;
turnout is left out only for the villages without records. Counts only: no voter is named.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pemilih.domain.eligibility import VOTING_AGE
from pemilih.engine.findings_status import age_on

# factor -> (what the table calls it, what its share is of)
FACTORS = {
    "pemula": ("Pemilih pemula", "pemilih"),
    "tanpa_ktpel": ("Belum KTP-el", "pemilih"),
    "disabilitas": ("Penyandang disabilitas", "pemilih"),
    "tms": ("Dicoret TMS", "pemilih + dicoret"),
    "tidak_hadir": ("Tidak hadir memilih", "pemilih terdaftar di TPS"),
}
PLACE = ["kode_desa", "kecamatan", "desa"]
NO_KTPEL = "B"  # KTP-EL as judged (domain/values.KTP_EL): B = belum
NO_DISABILITY = ("", "0")


@dataclass
class Targets:
    table: pl.DataFrame  # per village, by rank: PLACE, pemilih, per factor count/_pct/_peringkat, skor, peringkat
    factors: list[str]  # the factors used, in FACTORS order
    missing: dict[str, str] = field(default_factory=dict)  # factor -> why it was left out


def _first_time(since: date) -> pl.Expr:
    born = pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False)
    return (age_on(born, since) < VOTING_AGE).fill_null(False)


def targets(voters: pl.DataFrame, *, since: date, removed: pl.DataFrame | None = None,
            turnout: pl.DataFrame | None = None) -> Targets:
    """`voters`: the current list (PLACE, tanggal_lahir, ktp_el, disabilitas; a row without a
    village is left out); `removed`: kode_desa of each standing TMS removal (None: unknown);
    `turnout`: kode_desa, came, registered per TPS recorded (None or empty: none recorded)."""
    listed = voters.filter(pl.col("kode_desa").is_not_null())
    missing: dict[str, str] = {}
    if not listed.select(pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False).is_not_null().any()).item():
        missing["pemula"] = "tanggal lahir tidak terbaca pada daftar"
    if not listed.select(pl.col("ktp_el").is_not_null().any()).item():
        missing["tanpa_ktpel"] = "kolom KTP-EL kosong pada seluruh daftar"
    has_disability = ~pl.col("disabilitas").fill_null("").str.strip_chars().is_in(NO_DISABILITY)
    if not listed.select(has_disability.any()).item():
        missing["disabilitas"] = "kolom DISABILITAS kosong pada seluruh daftar"
    if removed is None or not removed.height:
        missing["tms"] = "belum ada pencoretan TMS tercatat"
    if turnout is None or not turnout.height:
        missing["tidak_hadir"] = "belum ada penggunaan surat suara TPS yang dicatat"
    names = (listed.group_by("kode_desa").agg(pl.col("kecamatan").drop_nulls().mode().first(),
                                              pl.col("desa").drop_nulls().mode().first()))
    table = listed.group_by("kode_desa").agg(
        pl.len().alias("pemilih"),
        _first_time(since).sum().alias("pemula"),
        (pl.col("ktp_el") == NO_KTPEL).fill_null(False).sum().alias("tanpa_ktpel"),
        has_disability.sum().alias("disabilitas"),
    ).join(names, on="kode_desa")
    base = {"pemula": pl.col("pemilih"), "tanpa_ktpel": pl.col("pemilih"), "disabilitas": pl.col("pemilih")}
    if "tms" not in missing:
        struck = removed.filter(pl.col("kode_desa").is_not_null()).group_by("kode_desa").agg(pl.len().alias("tms"))
        table = table.join(struck, on="kode_desa", how="left").with_columns(pl.col("tms").fill_null(0))
        base["tms"] = pl.col("pemilih") + pl.col("tms")
    if "tidak_hadir" not in missing:
        came = turnout.group_by("kode_desa").agg(pl.col("came").sum().alias("hadir"),
                                                 pl.col("registered").sum().alias("terdaftar"))
        table = (table.join(came, on="kode_desa", how="left")
                 .with_columns((pl.col("terdaftar") - pl.col("hadir")).alias("tidak_hadir")))
        base["tidak_hadir"] = pl.col("terdaftar")
    used = [f for f in FACTORS if f not in missing]
    for f in used:
        share = pl.when(base[f] > 0).then(pl.col(f) / base[f])
        table = table.with_columns((share * 100).alias(f"{f}_pct"))
        table = table.with_columns(pl.col(f"{f}_pct").rank("min", descending=True).cast(pl.Int64)
                                   .alias(f"{f}_peringkat"))
    parts = [(pl.col(f"{f}_pct") / pl.col(f"{f}_pct").max()).fill_nan(0.0) for f in used]
    if parts:
        table = table.with_columns((pl.mean_horizontal(parts) * 100).alias("skor"))
    else:
        table = table.with_columns(pl.lit(None, dtype=pl.Float64).alias("skor"))
    table = (table.sort(["skor", "kode_desa"], descending=[True, False], nulls_last=True)
             .with_columns(pl.col("skor").rank("min", descending=True).cast(pl.Int64).alias("peringkat")))
    columns = [*PLACE, "pemilih", *(c for f in used for c in (f, f"{f}_pct", f"{f}_peringkat")),
               *(["hadir", "terdaftar"] if "tidak_hadir" in used else []), "skor", "peringkat"]
    counts = {c: pl.Int64 for c in ("pemilih", *used, "hadir", "terdaftar") if c in columns}
    return Targets(table.select(columns).cast(counts), used, missing)
