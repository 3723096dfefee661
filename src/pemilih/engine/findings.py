"""Verification of a voter list against the civil registry: the findings (formats.md section 4).

`verify()` takes the list and registry records (pemilih.contract layout) and returns the
findings table plus the links behind it. Per list row, by precedence (as the code tables):
TMS-5 (not in the registry) > TMS-2 (the duplicate that goes) > TMS-1 > TMS-4 > TMS-6 > TMS-7
> TMS-3 > TMS-D; a row with a TMS gets no U; otherwise one U per field that differs. The
list's data-quality problems (NIK-LENGTH, DATE-INVALID, ...) become findings of their own,
and so does a well-formed NIK the registry does not know (NIK-NOT-FOUND). Then one B per
eligible resident of the list's villages who is on no row.

Extra columns after the contract's ten: `finding_key` (stable: the same finding on the same
data gets the same key, which is what review decisions hang on) and `evidence` (JSON: how
the row was linked, per field level and weight for probabilistic links).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from pemilih.contract import FINDING_KEY_PARTS, FINDINGS_COLUMNS, FINDINGS_EXTRA
from pemilih.domain.codes import DEFAULT_REGIME
from pemilih.domain.dates import printed_date
from pemilih.domain.eligibility import VOTING_AGE
from pemilih.domain.masking import id_expr
from pemilih.engine import dedupe, encoded_registry, findings_fields, findings_status
from pemilih.engine import findings_text as T
from pemilih.engine.ahead import Ahead
from pemilih.engine.held import held
from pemilih.engine.link import Linkage, link

COLUMNS, EXTRA = FINDINGS_COLUMNS, FINDINGS_EXTRA
LINK_UNCERTAIN = "LINK-UNCERTAIN"
TMS_ORDER = ["TMS-5", "TMS-2", "TMS-1", "TMS-4", "TMS-6", "TMS-7", "TMS-3", "TMS-D"]
_TMS_TEXT = {
    "TMS-1": "Meninggal dunia menurut data Disdukcapil",
    "TMS-4": "Pindah ke luar kabupaten menurut data Disdukcapil",
    "TMS-6": "Anggota TNI aktif menurut data pekerjaan Disdukcapil",
    "TMS-7": "Anggota Polri aktif menurut data pekerjaan Disdukcapil",
    "TMS-3": "Di bawah umur: belum pernah kawin dan belum berumur 17 tahun pada hari pemungutan suara",
    "TMS-D": "Berdomisili di desa kurang dari 6 bulan sebelum DPS ditetapkan",
}


@dataclass
class Verification:
    findings: pl.DataFrame  # COLUMNS + EXTRA, all text
    links: pl.DataFrame  # lid, rid, method, score, evidence
    residual: int
    seconds: dict = field(default_factory=dict)
    estimated: bool = False  # the linkage model was re-estimated on this list (link_estimate)
    uncertain: int = 0  # rows whose best candidate was not sure enough (LINK-UNCERTAIN)


def verify(list_records: pl.DataFrame, registry_records: pl.DataFrame, on: date,
           regime: str = DEFAULT_REGIME, dps_set_on: date | None = None,
           list_problems: pl.DataFrame | None = None, model: dict | None = None,
           threshold: float | None = None, key: bytes | None = None,
           estimate: bool | None = None) -> Verification:
    """All findings for this list against this registry extract, for voting day `on`. An
    encoded extract (engine/encoded_registry.frame) is linked with `key`, its secret key."""
    registry_records = held(registry_records)  # as `pemilih verify` reads it: the same either way
    area = findings_status.home_area(registry_records)
    registry = findings_status.current_village(registry_records, area)
    kwargs = {"estimate": estimate} | ({} if threshold is None else {"threshold": threshold})
    # Each record's status needs nothing of the linkage (but an encoded extract's birth dates,
    # which linkage makes known): worked out meanwhile, on the core the linkage leaves idle.
    ahead = None if encoded_registry.is_encoded(registry) else Ahead(
        "status", findings_status.statuses, registry, on, regime, dps_set_on, area)
    linkage, list_records, registry = _link(list_records, registry, on, model, key, kwargs)
    t = time.perf_counter()
    weak = linkage.links["lid"].is_in(dedupe.weak_across_villages(linkage.links, list_records).implode())
    links = linkage.links.filter(~weak)
    uncertain = pl.concat([linkage.uncertain, linkage.links.filter(weak)])
    diffs = findings_fields.differences(list_records, registry, links)
    dups = dedupe.duplicates(links, _ranked(diffs, list_records, registry, links, key))
    status = ahead.take() if ahead else findings_status.statuses(registry, on, regime, dps_set_on, area)
    # Per linked row its TMS code (the duplicate that goes first), in narrow columns only: the
    # wide values are taken for the rows that become findings.
    state = (links.select("lid", "rid", "score").join(status, on="rid", how="left")
             .join(dups.select("lid", "keep_lid"), on="lid", how="left")
             .with_columns(pl.when(pl.col("keep_lid").is_not_null()).then(pl.lit("TMS-2"))
                           .otherwise(pl.col("code")).alias("code")))
    found = T.how_found(links)
    take = _Taker(list_records, registry)
    parts = [_tms(take.rows(state.filter(pl.col("code").is_not_null())).with_columns(found.alias("found")),
                  on, dps_set_on, registry),
             _u(take.rows(diffs.join(state.filter(pl.col("code").is_null()).select("lid", "rid", "score"),
                                     on="lid")).with_columns(found.alias("found"))),
             _unknown(take, links, uncertain), _quality(take, links, list_problems),
             _new_voters(take, status, links, list_records, on)]
    # The uncertain rows' evidence is shown too (they are no link: their rows are not in `links`).
    findings = _finish(pl.concat(parts, how="diagonal_relaxed"), pl.concat([links, uncertain]))
    seconds = dict(linkage.seconds, temuan=time.perf_counter() - t)
    return Verification(findings, links, linkage.residual, seconds, linkage.estimated,
                        int((findings["code"] == LINK_UNCERTAIN).sum()))


def _link(list_records: pl.DataFrame, registry: pl.DataFrame, on: date, model: dict | None, key: bytes | None,
          kwargs: dict) -> tuple[Linkage, pl.DataFrame, pl.DataFrame]:
    """The linkage, and the list and registry as the findings read them: for an encoded
    extract, the list with its NIK tokens (NIK-NOT-FOUND compares tokens) and the registry
    with the birth dates linkage made known."""
    if not encoded_registry.is_encoded(registry):
        return link(list_records, registry, model, **kwargs), list_records, registry
    from pemilih.engine import link_encoded
    linkage = link_encoded.link(list_records, registry, key, model, **kwargs)
    tokens = linkage.list_tokens
    registry = encoded_registry.with_known_dates(registry, linkage.links, list_records, tokens["token_tanggal_lahir"],
                                                 on, key)
    return linkage, list_records.with_columns(tokens["token_nik"]), registry


def _ranked(diffs: pl.DataFrame, list_records: pl.DataFrame, registry: pl.DataFrame, links: pl.DataFrame,
            key: bytes | None) -> pl.DataFrame:
    """The differing fields that decide which of two duplicates stays: with an encoded extract,
    also those it withholds (told by tokens; never proposed)."""
    if not encoded_registry.is_encoded(registry):
        return diffs
    withheld = encoded_registry.withheld_differences(list_records, registry, links, key)
    return pl.concat([diffs.select("lid", "field"), withheld])


class _Taker:
    """Adds list and registry values to a few rows, by position (lid, rid, keep_lid)."""

    REGISTRY = {"tgl_mati": "tgl_mati", "tgl_pindah": "tgl_pindah",
                "kode_wilayah_tujuan": "kode_wilayah_tujuan", "tgl_datang": "tgl_datang"}

    def __init__(self, list_records: pl.DataFrame, registry: pl.DataFrame):
        self.list, self.registry = list_records, registry
        self.ref = encoded_registry.ref_column(registry)  # how a finding names the record
        self.REGISTRY = {"registry_nik": self.ref, **self.REGISTRY}

    def rows(self, df: pl.DataFrame) -> pl.DataFrame:
        cols = [self.list["source_ref"].gather(df["lid"]), self.list["nik"].gather(df["lid"])]
        if "rid" in df.columns:
            cols += [self.registry[src].gather(df["rid"]).cast(pl.String).alias(name)  # held as categories
                     for name, src in self.REGISTRY.items()]
        if "keep_lid" in df.columns:
            cols.append(self.list["source_ref"].gather(df["keep_lid"]).alias("duplicate_of"))
        return df.with_columns(cols)


def _row(df: pl.DataFrame, code: pl.Expr, reason: pl.Expr, kind: int, **cols) -> pl.DataFrame:
    base = {"field": pl.lit(""), "current": pl.lit(""), "proposed": pl.lit(""),
            "registry_nik": pl.lit(""), "duplicate_of": pl.lit(""), "score": pl.lit(1.0)}
    base.update(cols)
    return df.select(pl.col("lid"), pl.col("source_ref"), pl.col("nik").fill_null("").alias("nik"),
                     code.alias("code"), *[v.alias(k) for k, v in base.items()], reason.alias("reason"),
                     pl.lit(kind).alias("_kind"))


def _tms(linked: pl.DataFrame, on: date, dps_set_on: date | None, registry: pl.DataFrame) -> pl.DataFrame:
    rows = linked.filter(pl.col("code").is_not_null())
    rows = rows.with_columns(findings_status.ages(registry, rows["rid"], on).alias("age"))
    code = pl.col("code")
    detail = (pl.when(code == "TMS-1").then(pl.lit(" (tanggal kematian ") + _printed("tgl_mati") + ")")
              .when(code == "TMS-4").then(pl.lit(" (tanggal pindah ") + _printed("tgl_pindah")
                                          + pl.lit(", tujuan ") + pl.col("kode_wilayah_tujuan").fill_null("-") + ")")
              .when(code == "TMS-3").then(pl.lit(f" ({T.printed(on)}: umur ") + pl.col("age").cast(pl.String)
                                          + pl.lit(" tahun)"))
              .when(code == "TMS-D").then(pl.lit(f" ({T.printed(dps_set_on)}); datang ")
                                          + _printed("tgl_datang"))
              .otherwise(pl.lit("")).fill_null(""))
    dup = (pl.lit("Terdaftar ganda: orang yang sama dengan baris ") + pl.col("duplicate_of")
           + pl.lit(", yang dipertahankan karena paling cocok dengan data Disdukcapil"))
    reason = pl.when(code == "TMS-2").then(dup).otherwise(
        code.replace_strict(_TMS_TEXT, default="Tidak memenuhi syarat") + detail) + pl.lit("; ") + pl.col("found")
    return _row(rows, code, reason, 0, registry_nik=pl.col("registry_nik"),
                duplicate_of=pl.col("duplicate_of").fill_null(""), score=pl.col("score"))


def _printed(col: str) -> pl.Expr:
    return printed_date(col).fill_null("-")


def _u(rows: pl.DataFrame) -> pl.DataFrame:
    villages = T.village_names(rows.filter(pl.col("field") == "KODE DESA")["proposed"])
    reason = T.u_reason(pl.col("field"), pl.col("current"), pl.col("proposed"), pl.col("found"), villages)
    return _row(rows, pl.lit("U"), reason, 1, field=pl.col("field"), current=pl.col("current"),
                proposed=pl.col("proposed"), registry_nik=pl.col("registry_nik"), score=pl.col("score"))


def _unknown(take: _Taker, links: pl.DataFrame, uncertain: pl.DataFrame) -> pl.DataFrame:
    """Rows linked to nobody: TMS-5, unless a candidate came close (LINK-UNCERTAIN), which a
    person settles before anyone is struck from the list."""
    lids = pl.DataFrame({"lid": pl.int_range(take.list.height, dtype=pl.UInt32, eager=True)})
    free = lids.join(links.select("lid"), on="lid", how="anti")
    close = uncertain.join(free, on="lid", how="semi").select("lid", "rid", "score", "evidence")
    rows = take.rows(free.join(close, on="lid", how="anti"))
    reason = pl.lit("Tidak dikenal: tidak ditemukan di data Disdukcapil, baik lewat NIK maupun lewat "
                    "pencocokan nama, tanggal lahir, NKK dan tempat tinggal")
    unknown = _row(rows, pl.lit("TMS-5"), reason, 0, score=pl.lit(0.0))
    if close.height == 0:
        return unknown
    close = take.rows(close).with_columns(T.how_found(close.with_columns(pl.lit("probabilistik").alias("method")))
                                          .alias("found"))
    # The record by its masked NIK, or by its token in an encoded extract (either way, registry_nik).
    doubt = (pl.lit("Belum pasti: mungkin orang yang sama dengan penduduk ")
             + id_expr(pl.col("registry_nik")) + pl.lit(" di data Disdukcapil, tetapi tidak cukup yakin; ")
             + pl.col("found") + pl.lit(". Periksa dulu sebelum dicoret atau diperbaiki"))
    return pl.concat([unknown, _row(close, pl.lit(LINK_UNCERTAIN), doubt, 2, registry_nik=pl.col("registry_nik"),
                                    score=pl.col("score"))])


def _quality(take: _Taker, links: pl.DataFrame, problems: pl.DataFrame | None) -> pl.DataFrame:
    """The reader's row problems, and well-formed NIKs the registry does not know."""
    def with_link(df: pl.DataFrame) -> pl.DataFrame:
        df = df.join(links.select("lid", "rid"), on="lid", how="left")
        nik = take.registry[take.ref].gather(df["rid"].fill_null(0))
        return take.rows(df.drop("rid")).with_columns(
            pl.when(df["rid"].is_not_null()).then(nik).otherwise(pl.lit("")).alias("registry_nik"))

    parts = []
    if problems is not None and problems.height:
        refs = take.list.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("lid"), "source_ref")
        per_row = problems.filter(pl.col("row").is_not_null()).select(
            "source_ref", pl.col("code").alias("pcode"), pl.col("column").fill_null("").alias("pfield"),
            pl.col("reason").alias("preason"))
        hit = with_link(per_row.join(refs, on="source_ref").drop("source_ref"))
        parts.append(_row(hit, pl.col("pcode"), pl.col("preason"), 2, field=pl.col("pfield"),
                          registry_nik=pl.col("registry_nik")))
    # A well-formed NIK matched exactly is known; only the other rows can hold an unknown one.
    rest = pl.DataFrame({"lid": pl.int_range(take.list.height, dtype=pl.UInt32, eager=True)}).join(
        links.filter(pl.col("method") == "nik").select("lid"), on="lid", how="anti")
    niks = rest.with_columns(take.list["nik"].gather(rest["lid"])).filter(
        pl.col("nik").str.contains(r"^\d{16}$").fill_null(False))
    # An encoded registry has the NIK's token only: the list's token is compared with it.
    key = "token_nik" if encoded_registry.is_encoded(take.registry) else "nik"
    niks = niks.with_columns(take.list[key].gather(niks["lid"]).alias("k"))
    unknown = niks.join(take.registry.select(pl.col(key).alias("k")), on="k", how="anti").select("lid")
    # Linked all the same (by name, birth date, ...): a typing slip against the linked
    # resident's NIK is named (position and digits only).
    unknown = with_link(unknown)
    reason = pl.lit("NIK tidak terdaftar di data Disdukcapil") + T.slip(pl.col("nik"), pl.col("registry_nik"))
    parts.append(_row(unknown, pl.lit("NIK-NOT-FOUND"), reason,
                      2, field=pl.lit("NIK"), current=pl.col("nik"), registry_nik=pl.col("registry_nik")))
    return pl.concat(parts)


def _new_voters(take: _Taker, status: pl.DataFrame, links: pl.DataFrame, list_records: pl.DataFrame,
                on: date) -> pl.DataFrame:
    """Eligible residents of the list's villages who are on no list row (B)."""
    villages = list_records.select(pl.col("kode_desa").alias("kode_wilayah")).drop_nulls().unique()
    free = status.filter(pl.col("code").is_null()).join(links.select("rid"), on="rid", how="anti")
    free = free.with_columns(take.registry["kode_wilayah"].gather(free["rid"]).cast(pl.String).alias("kode_wilayah"),
                             take.registry[take.ref].gather(free["rid"]).alias("registry_nik"))
    rows = free.join(villages, on="kode_wilayah", how="semi").sort("kode_wilayah", "registry_nik")
    rows = rows.with_columns(findings_status.ages(take.registry, rows["rid"], on).alias("age"))
    age = pl.lit("umur ") + pl.col("age").cast(pl.String) + pl.lit(f" tahun pada {T.printed(on)}")
    if "thn_lahir" in take.registry.columns:  # an encoded extract: the birth year where the date is withheld
        rows = rows.with_columns(take.registry["thn_lahir"].gather(rows["rid"]).alias("year"))
        at_least = f", berumur {VOTING_AGE} tahun atau lebih pada {T.printed(on)}"
        age = pl.coalesce(age, pl.lit("lahir tahun ") + pl.col("year") + pl.lit(at_least))
    reason = (pl.lit("Pemilih baru: penduduk desa ini, ") + age.fill_null("umur ?")
              + pl.lit(", memenuhi syarat tetapi belum ada di daftar pemilih"))
    rows = rows.with_columns(pl.lit(None, pl.UInt32).alias("lid"), pl.lit("").alias("source_ref"),
                             pl.col("registry_nik").alias("nik"))
    return _row(rows, pl.lit("B"), reason, 3, registry_nik=pl.col("registry_nik"))


def _finish(df: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    tms_rank = {c: i for i, c in enumerate(TMS_ORDER)}
    df = df.join(links.select("lid", "method", "evidence"), on="lid", how="left")
    df = df.with_columns(pl.col("code").replace_strict(tms_rank, default=99, return_dtype=pl.Int32).alias("_t"))
    df = df.sort(pl.col("lid").is_null(), "lid", "_kind", "_t", maintain_order=True)
    evidence = pl.col("evidence").fill_null("")  # exact NIK links need none: the NIK is the evidence
    out = df.select(*[pl.col(c) for c in COLUMNS[:8]], pl.col("score").round(4).cast(pl.String),
                    "reason", evidence.alias("evidence"))
    return out.with_columns(finding_keys(out)).select(COLUMNS + EXTRA)


def finding_keys(findings: pl.DataFrame) -> pl.Series:
    """The stable key of each finding: the first 16 hex digits of the MD5 of
    `code|source_ref|field|proposed|registry_nik` (any tool can recompute it). Hashed by
    DuckDB's md5 over the column (a province's 1.3 million findings in 0.4 s instead of 1.2 s
    one by one in Python), in the frame's order."""
    import duckdb
    text = findings.select(pl.concat_str(FINDING_KEY_PARTS, separator="|").alias("k"))
    if text.height == 0:
        return pl.Series("finding_key", [], dtype=pl.String)
    with duckdb.connect() as con:
        con.register("keyed", text)
        keys = con.sql("SELECT substr(md5(k), 1, 16) AS finding_key FROM keyed").pl()["finding_key"]
    return keys.cast(pl.String)
