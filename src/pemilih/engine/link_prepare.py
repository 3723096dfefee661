"""Linkage features of list rows and registry records, column-wise (Polars).

The readers hand over text as written (records.py). Linkage needs a few derived columns:

* `nik_full`: the NIK as digits, after undoing what typing from a KTP does (`O` for 0, `I`/`l`
  for 1, spaces and dots); kept when it has 15 to 17 digits (one digit lost or added is
  still evidence), else null.
* `nik_rs`: region (digits 1-6) and serial (13-16) of a 16-digit NIK, without the birth
  date. The date part is compared through `dob` instead: comparing it twice would count
  the same evidence twice and make a stranger born on the same day in the same district
  (NIK serial 0002 next to 0001) look like a typo of the person.
* `nik_pre`: the leading digits Excel kept of a NIK stored as a number (`7.32601450789E+15`).
* `dob`: the birth date written in the row, else the one encoded in the NIK; `birth_year`.
* `name_key` (matcher spelling, pemilih.domain.names.link_key), `name_flat` (the same
  without spaces), `name_tokens` (its words), `name_sorted` (the words in alphabetical order,
  joined), `name_sound` (pemilih.domain.names.sound_key, joined), `place`, `address` and
  `address_tokens`, `village`, `district`.
"""
from __future__ import annotations

import polars as pl

from pemilih.engine import names
from pemilih.engine.held import textual

ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TYPED = {"O": "0", "o": "0", "I": "1", "l": "1", "i": "1"}
# Exponent 15 means 16 digits before the decimal point: the mantissa's digits are the NIK's start.
_FLOAT = r"^(\d)\.(\d+)[eE]\+?15$"


def _nik_full(col: str) -> pl.Expr:
    text = pl.col(col).fill_null("").str.strip_chars()
    fixed = text.str.replace_many(list(_TYPED), list(_TYPED.values())).str.replace_all(r"[\s.\-]", "")
    float_like = text.str.contains(r"[eE]\+?\d+$") | text.str.contains(r"^\d{15,16}\.0+$")
    ok = fixed.str.contains(r"^\d{15,17}$") & ~float_like
    return pl.when(ok).then(fixed).otherwise(None)


def _nik_pre(col: str) -> pl.Expr:
    text = pl.col(col).fill_null("").str.strip_chars()
    parts = text.str.extract_groups(_FLOAT)
    mantissa = parts.struct.field("1") + parts.struct.field("2").str.strip_chars_end("0")
    # `7326014507890000.0`: Excel's 15 significant digits, the last one lost.
    fifteen = text.str.extract(r"^(\d{15})\d?\.0+$", 1)
    return pl.coalesce(mantissa, fifteen)


def _nik_date(nik: pl.Expr) -> pl.Expr:
    """The ISO birth date encoded in digits 7-12 (day + 40 for women), or null if impossible."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    day = pl.when(day > 40).then(day - 40).otherwise(day)
    yy = nik.str.slice(10, 2).cast(pl.Int32, strict=False)
    # Two-digit years: the most recent century that does not put the birth in the future.
    year = pl.when(yy + 2000 <= pl.lit(_this_year())).then(yy + 2000).otherwise(yy + 1900)
    text = (year.cast(pl.String) + "-" + nik.str.slice(8, 2) + "-"
            + day.cast(pl.String).str.zfill(2))
    made = text.str.to_date("%Y-%m-%d", strict=False).dt.to_string("%Y-%m-%d")
    return pl.when(nik.str.len_chars() >= 12).then(made)


def _this_year() -> int:
    from datetime import date
    return date.today().year


def prepare(records: pl.DataFrame, kind: str, ids: pl.Series | None = None) -> pl.DataFrame:
    """Linkage features, one row per record, keyed by `rid`: the record's position, or its
    position in the whole table when `records` is a part of it taken at `ids`.

    Most rows have a well-formed NIK and a readable birth date (the reader writes valid dates
    as ISO), and their features are plain column slices; only the other rows (a percent or
    so) go through the repairs, on a subset, because the repairs cost per row."""
    village = "kode_desa" if kind == "kpu" else "kode_wilayah"
    rid = pl.int_range(pl.len(), dtype=pl.UInt32) if ids is None else pl.lit(ids.cast(pl.UInt32))
    df = textual(records.select(
        rid.alias("rid"),
        pl.col("nik"), pl.col("nkk"), pl.col("nama"), pl.col("tempat_lahir"),
        pl.col("tanggal_lahir"), pl.col("jenis_kelamin"),
        pl.col("alamat") if "alamat" in records.columns else pl.lit(None, pl.String).alias("alamat"),
        pl.col(village).alias("village")))
    plain = (pl.col("nik").str.contains(r"^\d{16}$") & pl.col("tanggal_lahir").str.contains(ISO_DATE)).fill_null(False)
    df = df.with_columns(
        pl.when(pl.col("nik").str.contains(r"^\d{16}$")).then(pl.col("nik")).alias("nik_full"),
        pl.lit(None, pl.String).alias("nik_pre"),
        pl.when(pl.col("tanggal_lahir").str.contains(ISO_DATE)).then(pl.col("tanggal_lahir")).alias("dob_written"),
        pl.lit(None, pl.String).alias("nik_dob"),
        pl.when(pl.col("nkk").str.contains(r"^\d{16}$")).then(pl.col("nkk")).alias("nkk_ok"),
        pl.when(pl.col("jenis_kelamin").is_in(["L", "P"])).then(pl.col("jenis_kelamin")).alias("sex"),
        pl.when(pl.col("village").str.contains(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"))
        .then(pl.col("village")).alias("village"),
        plain.alias("_plain"))
    odd = df.filter(~pl.col("_plain"))
    if odd.height:
        df = df.update(with_nik_dates(odd.with_columns(_nik_full("nik").alias("nik_full"),
                                                       _nik_pre("nik").alias("nik_pre"))),
                       on="rid", include_nulls=True)
    return _derived(df.drop("_plain"))


def with_nik_dates(df: pl.DataFrame) -> pl.DataFrame:
    """`nik_dob`, the birth date encoded in the NIK (or in what Excel kept of it)."""
    nik16 = pl.when(pl.col("nik_full").str.len_chars() == 16).then(pl.col("nik_full"))
    return _derived(df.with_columns(_nik_date(pl.coalesce(nik16, pl.col("nik_pre"))).alias("nik_dob")))


def _derived(df: pl.DataFrame) -> pl.DataFrame:
    nik16 = pl.col("nik_full").str.len_chars() == 16
    df = df.with_columns(
        pl.when(nik16).then(pl.col("nik_full").str.slice(0, 6) + pl.col("nik_full").str.slice(12, 4))
        .alias("nik_rs"),
        pl.coalesce(pl.col("nik_full").str.slice(0, 6), pl.col("nik_pre").str.slice(0, 6)).alias("nik_region"),
        pl.coalesce("dob_written", "nik_dob").alias("dob"),
        pl.col("village").str.slice(0, 8).alias("district"), pl.col("village").str.slice(0, 5).alias("regency"))
    return df.with_columns(pl.col("dob").str.slice(0, 4).alias("birth_year"))


# The name features add_name_features gives, in order (after `name_key`, `place`, `address`, `address_tokens`).
NAME_FEATURES = ("name_flat", "name_tokens", "name_sound", "name_ends")


def add_name_features(df: pl.DataFrame) -> pl.DataFrame:
    """Name, place and address keys (for the rows that take part in probabilistic linkage).
    A name's features are worked out once per distinct name (name_features)."""
    address = names.address_key("alamat") if "alamat" in df.columns else pl.lit("")
    named = name_features(df["nama"])
    df = df.with_columns(named["name_key"], names.place_key("tempat_lahir").alias("place"),
                         address.alias("address"))
    df = df.with_columns(names.words_of_address(pl.col("address")).alias("address_tokens"))
    df = df.with_columns(pl.when(pl.col("place") != "").then(pl.col("place")).alias("place"),
                         pl.when(pl.col("address") != "").then(pl.col("address")).alias("address"))
    return df.with_columns(*[named[c] for c in NAME_FEATURES], named["name_sorted"])


def name_features(nama: pl.Series) -> pl.DataFrame:
    """Per name of `nama`, in its order: name_key, NAME_FEATURES and name_sorted, null for a
    name that leaves no key. Worked out once per distinct name and taken back by a join: the
    0.2 province's 0.54 million candidate records bear a ninth as many names (their features
    took 0.84 s, now 0.47 s)."""
    distinct = nama.fill_null("").unique().to_frame("_nama")
    key = names.link_keys(distinct["_nama"])
    some = key != ""
    df = distinct.with_columns(pl.when(some).then(key).alias("name_key"))
    df = df.with_columns(
        pl.when(some).then(key.str.replace_all(" ", "")).alias("name_flat"),
        pl.when(some).then(key.str.split(" ")).alias("name_tokens"),
        pl.when(some).then(names.sound_key(pl.lit(key)).str.replace_all(" ", "")).alias("name_sound"),
        pl.when(some).then(names.name_ends(pl.lit(key).str.split(" "))).alias("name_ends"))
    per_name = df.with_columns(sorted_words(df))
    return (nama.fill_null("").to_frame("_nama").join(per_name, on="_nama", how="left", maintain_order="left")
            .drop("_nama"))


def sorted_words(df: pl.DataFrame) -> pl.Series:
    """`name_sorted`: the name's words in alphabetical order, joined (a name written surname
    first is the same name). Most names have one or two words, put in order by one comparison;
    only longer names are sorted as lists, which costs per row (1.5 million of a province's
    names: 0.2 s instead of 1.1 s)."""
    first, second = (pl.col("name_tokens").list.get(i, null_on_oob=True) for i in (0, 1))
    out = df.select(pl.when(pl.col("name_tokens").list.len() <= 1).then(pl.col("name_flat"))
                    .when(first <= second).then(first + second).otherwise(second + first)
                    .alias("name_sorted")).to_series()
    longer = (df["name_tokens"].list.len() >= 3).arg_true()
    if longer.len() == 0:
        return out
    return out.scatter(longer, df["name_tokens"].gather(longer).list.sort().list.join(""))
