"""An encoded civil-registry extract as the findings engine reads a registry (engine/findings.py).

The frame has the columns of a clear extract (cycle/verify.KEEP) so that one engine serves
both: what the encoded extract releases in clear (sex, region codes, marital status, death,
moves, the occupation's class) fills its column; what it withholds (NIK, NKK, name, birthplace,
birth date, address, RT, RW) is null, and a null registry value is never proposed in a `U`.
Beside them: `registry_ref` (how findings name the record: ENCODED_REF_PREFIX and the first
ENCODED_REF_DIGITS hex digits of the NIK token, never a NIK) and the tokens and filters the
linkage reads (engine/link_encoded.py). `is_encoded` tells the engine which linkage to run.

Two facts are learnt after linkage, never guessed: a linked record's birth date is the list
row's when their date tokens are equal; and for the one birth year in which the 17th birthday
can fall on either side of voting day, the date is found from its token (link_encoded.cohort_dates).
Every other withheld value stays null.
"""
from __future__ import annotations

from datetime import date

import polars as pl

from pemilih.contract import ENCODED_REF_DIGITS, ENCODED_REF_PREFIX, OCCUPATION_CLASSES
from pemilih.domain import eligibility as E
from pemilih.engine import link_encoded

# The clear extract's columns the findings read that the encoded extract withholds.
WITHHELD = ("nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "alamat", "rt", "rw", "pekerjaan")
# ... and those it releases, under the same names.
RELEASED = ("jenis_kelamin", "status_kawin", "kode_wilayah", "status", "tgl_mati", "tgl_pindah",
            "kode_wilayah_tujuan", "tgl_datang")
# What linkage reads of the encoded extract.
LINKAGE = ("token_nik", "token_nkk", "clk_nama", "clk_tempat_lahir", "clk_alamat", "thn_lahir",
           "token_tanggal_lahir", "token_nama", "token_kata_nama", "token_nik_wilayah", "token_nik_wilayah_urut")
REF = "registry_ref"


def is_encoded(registry: pl.DataFrame) -> bool:
    return REF in registry.columns


def ref_column(registry: pl.DataFrame) -> str:
    """The column that names a registry record in findings: its NIK, or its token's reference."""
    return REF if is_encoded(registry) else "nik"


def frame(encoded: pl.DataFrame) -> pl.DataFrame:
    """The registry frame of an encoded extract (io/registry_encoded.read, current form)."""
    blank_null = lambda c: pl.when(pl.col(c) != "").then(pl.col(c)).alias(c)  # noqa: E731
    occupation = {v: k for k, v in OCCUPATION_CLASSES.items()}  # class -> the occupation it stands for
    job = pl.col("kelas_pekerjaan").replace_strict(occupation, default=None, return_dtype=pl.String)
    ref = pl.when(pl.col("token_nik") != "").then(pl.lit(ENCODED_REF_PREFIX)
                                                  + pl.col("token_nik").str.slice(0, ENCODED_REF_DIGITS))
    return encoded.select(
        *(pl.lit(None, pl.String).alias(c) for c in WITHHELD if c != "pekerjaan"),
        *(blank_null(c) for c in RELEASED), job.alias("pekerjaan"), ref.alias(REF), *LINKAGE)


def with_known_dates(registry: pl.DataFrame, links: pl.DataFrame, list_records: pl.DataFrame,
                     list_dob_tokens: pl.Series, voting_day: date, key: bytes) -> pl.DataFrame:
    """`tanggal_lahir` where it is known (see the module's text), for the age rules and texts."""
    same = links.select("lid", "rid").filter(
        (list_dob_tokens.gather(links["lid"]) != "")
        & (list_dob_tokens.gather(links["lid"]) == registry["token_tanggal_lahir"].gather(links["rid"])))
    same = same.with_columns(list_records["tanggal_lahir"].gather(same["lid"]).alias("d")).unique("rid")
    born = pl.Series("tanggal_lahir", [None] * registry.height, dtype=pl.String).scatter(same["rid"], same["d"])
    year = voting_day.year - E.VOTING_AGE
    cohort = registry.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("rid"), "token_tanggal_lahir").filter(
        (registry["thn_lahir"] == str(year)) & born.is_null())
    found = cohort.with_columns(link_encoded.cohort_dates(cohort["token_tanggal_lahir"], year, key).alias("d"))
    found = found.filter(pl.col("d").is_not_null())
    return registry.with_columns(born.scatter(found["rid"], found["d"]))


def withheld_differences(list_records: pl.DataFrame, registry: pl.DataFrame, links: pl.DataFrame,
                         key: bytes) -> pl.DataFrame:
    """(lid, field) of the withheld fields in which a list row that shares its registry record
    with another differs from it, told by unequal tokens or filters: which of two duplicates
    stays (engine/dedupe.py) counts every differing field, as with a clear extract (RT and RW,
    not encoded, cannot be counted). Only for the few rows of such groups; nothing proposed."""
    from pemilih.contract import KPU_HEADERS
    from pemilih.engine import names
    from pemilih.engine import registry_encode as enc
    shared = links.filter(pl.len().over("rid") > 1).select("lid", "rid")
    rows = list_records[shared["lid"]]
    listed = enc.normalised(rows.with_columns(pl.col("tanggal_lahir").fill_null("")))
    flat = names.link_keys(rows["nama"].fill_null("")).str.replace_all(" ", "")
    mine = {
        "nik": enc.tokens(key, "token_nik", listed["token_nik"]),
        "nkk": enc.tokens(key, "token_nkk", listed["token_nkk"]),
        "nama": enc.tokens(key, "token_nama", flat),
        "tanggal_lahir": enc.tokens(key, "token_tanggal_lahir", listed["clk_tanggal_lahir"]),
        "tempat_lahir": listed["clk_tempat_lahir"].map_elements(enc.BloomField(key, "clk_tempat_lahir").encode,
                                                               return_dtype=pl.String),
        "alamat": listed["clk_alamat"].map_elements(enc.BloomField(key, "clk_alamat").encode, return_dtype=pl.String),
    }
    theirs = {"nik": "token_nik", "nkk": "token_nkk", "nama": "token_nama", "tanggal_lahir": "token_tanggal_lahir",
              "tempat_lahir": "clk_tempat_lahir", "alamat": "clk_alamat"}
    parts = []
    for column, values in mine.items():
        other = registry[theirs[column]].gather(shared["rid"])
        hit = shared.select("lid").filter((other != "") & (values.fill_null("") != other))
        parts.append(hit.with_columns(pl.lit(KPU_HEADERS[column]).alias("field")))
    return pl.concat(parts) if parts else pl.DataFrame(schema={"lid": pl.UInt32, "field": pl.String})
