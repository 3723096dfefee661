"""TPS assignment: the voters of each village into polling stations (domain.md section 6).

The rules, as KPU applies them and as a village committee is expected to:
- never more voters at a TPS than the cap (300 Pemilu 2024, 600 Pilkada 2024, the committee's
  figure for a Pilkalem);
- a TPS never spans two villages (kode_desa);
- a family (one non-empty NKK within the village) votes at one TPS;
- neighbours vote together: voters are ordered by RW, then RT (as numbers: "3", "003" and
  " 3 " are one RT), then address, then NKK, and a TPS is a run of consecutive families;
- the fewest TPS the cap allows, sizes as even as the families allow (601 voters, cap 600:
  two TPS of about 300, not 600 + 1).
A family larger than the cap cannot follow both the cap and the family rule: it gets a TPS of
its own (over the cap) and a warning for the committee. A voter without NKK is a family of one;
so is one whose NKK is unusable (all zeros, or turned by Excel into 7.32601E+15, which would
otherwise merge unrelated households into one "family").

Tables in, tables out; the cutting of one village's family sequence is tps_split.py's job.
The result does not depend on the order of the input rows: every sort ends on `key`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pemilih.domain.masking import mask_id
from pemilih.engine.tps_split import balanced_starts

REQUIRED = ["key", "kode_desa", "nkk", "rw", "rt", "alamat"]
ORDER = ["kode_desa", "_rw", "_rt", "_alamat", "_nkk_sort", "_key_t"]  # `_key_t` last: input order never matters
_DAMAGED_NKK = r"^(\d+[.,]?\d*[eE][+-]?\d+|0+)$"  # scientific notation or all zeros


@dataclass
class TpsAssignment:
    voters: pl.DataFrame       # key, kode_desa, tps, urut (order within the TPS); tps null without a village
    per_tps: pl.DataFrame      # kode_desa, tps, pemilih, keluarga
    per_village: pl.DataFrame  # kode_desa, pemilih, keluarga, tps, tps_minimum, pemilih_terkecil,
                               # pemilih_terbesar, keluarga_melebihi_batas
    warnings: list[str] = field(default_factory=list)


def assign_tps(voters: pl.DataFrame, max_per_tps: int) -> TpsAssignment:
    """Every voter's TPS (1..n within the village), with per-TPS and per-village counts and
    the warnings a committee must read (in Bahasa Indonesia)."""
    _validate(voters, max_per_tps)
    ordered = _ordered(voters)
    placed = ordered.filter(pl.col("kode_desa") != "")
    families = _families(placed)
    labels, warnings = _label_all(families, max_per_tps)
    families = families.with_columns(pl.Series("tps", labels, dtype=pl.Int64))
    warnings += _damaged_nkk_warnings(placed)
    unplaced = ordered.height - placed.height
    if unplaced:
        warnings.append(f"{unplaced} pemilih tanpa kode desa tidak diberi TPS; lengkapi kode desanya dulu.")
    per_tps = _per_tps(families)
    return TpsAssignment(_voters_out(ordered, families), per_tps,
                         _per_village(per_tps, families, max_per_tps), warnings)


def _validate(voters: pl.DataFrame, max_per_tps: int) -> None:
    if isinstance(max_per_tps, bool) or not isinstance(max_per_tps, int) or max_per_tps < 1:
        raise ValueError(f"batas pemilih per TPS harus bilangan bulat positif, bukan {max_per_tps!r}")
    missing = [c for c in REQUIRED if c not in voters.columns]
    if missing:
        raise ValueError(f"kolom tidak ada: {', '.join(missing)}")
    keys = voters["key"]
    if keys.null_count() or keys.n_unique() != keys.len():
        raise ValueError("kolom key harus terisi dan unik untuk setiap pemilih")


def _number(values: pl.Series) -> pl.Series:
    """The first run of digits as a number: "3", "003", " 3 ", "RT 3" are all 3."""
    return values.str.extract(r"(\d+)").cast(pl.Int64, strict=False)


def _text(values: pl.Series | pl.Expr) -> pl.Series | pl.Expr:
    # `[^\S ]|\s{2,}` rather than `\s+`: the same result, without rewriting every single space
    return values.str.strip_chars().str.replace_all(r"[^\S ]|\s{2,}", " ").str.to_uppercase()


def _neighbourhood_rank(voters: pl.DataFrame, col: str) -> pl.Expr:
    """RW or RT as one sort key: the dense rank of its distinct values by number, then (for
    values without digits) by text. "3", "003" and " 3 " share a rank, so their voters
    interleave by address instead of forming three groups. Worked out on the distinct values
    (a handful per column) and mapped back; empty values sort last."""
    distinct = voters[col].cast(pl.String).drop_nulls().unique()
    number = _number(distinct)
    text = pl.select(pl.when(number.is_null()).then(_text(distinct)).otherwise(pl.lit(""))).to_series()
    rank = pl.DataFrame({"n": number, "t": text}).select(
        pl.struct(pl.col("n").fill_null(pl.Int64.max()), "t").rank("dense").cast(pl.UInt32)).to_series()
    return pl.col(col).cast(pl.String).replace_strict(distinct, rank, default=None, return_dtype=pl.UInt32)


def _ordered(voters: pl.DataFrame) -> pl.DataFrame:
    """One row per voter in neighbourhood order (`_rank`), with `_first`: the rank of the
    first member of the voter's family, which also serves as the family's id."""
    nkk = pl.col("_nkk_raw")
    damaged = nkk.str.contains(_DAMAGED_NKK).fill_null(False)
    usable = nkk.str.contains(r"\d").fill_null(False) & ~damaged
    alone = pl.when(pl.col("_nkk").is_null()).then(pl.col("_rank"))  # no usable NKK: a family of one
    return (voters.lazy().select(
                "key", pl.col("kode_desa").cast(pl.String).str.strip_chars().fill_null(""),
                _neighbourhood_rank(voters, "rw").alias("_rw"), _neighbourhood_rank(voters, "rt").alias("_rt"),
                _text(pl.col("alamat").cast(pl.String)).fill_null("").alias("_alamat"),
                pl.col("nkk").cast(pl.String).str.replace_all(r"\s", "").alias("_nkk_raw"),
                pl.col("key").cast(pl.String).alias("_key_t"))
            .with_columns(pl.when(usable).then(nkk).alias("_nkk"), damaged.alias("_nkk_damaged"))
            .with_columns(pl.col("_nkk").fill_null("").alias("_nkk_sort"))
            .sort(ORDER, nulls_last=True).with_row_index("_rank")
            .with_columns(pl.col("_rank").min().over("kode_desa", "_nkk", alone).alias("_first"))
            .drop("_nkk_raw", "_nkk_sort", "_alamat", "_key_t")
            .collect())


def _families(placed: pl.DataFrame) -> pl.DataFrame:
    """One row per family in neighbourhood order: a family sits where its first member does."""
    return (placed.group_by("_first")
            .agg(pl.col("kode_desa").first(), pl.len().alias("size"), pl.col("_nkk").first())
            .sort("_first"))


def _label_all(families: pl.DataFrame, cap: int) -> tuple[list[int], list[str]]:
    """The TPS number of every family, village by village, and the warnings."""
    sizes = families["size"].to_list()
    nkks = families["_nkk"].to_list()
    villages = (families.with_row_index("_i").group_by("kode_desa", maintain_order=True)
                .agg(pl.col("_i").first().alias("at"), pl.len().alias("n")))
    labels: list[int] = []
    warnings: list[str] = []
    for kode, at, n in villages.iter_rows():
        village_labels = village_tps(sizes[at:at + n], cap)
        labels += village_labels
        warnings += _village_warnings(kode, sizes[at:at + n], nkks[at:at + n], village_labels, cap)
    return labels, warnings


def village_tps(sizes: list[int], cap: int) -> list[int]:
    """TPS number (1..) of each family of one village, families given in neighbourhood order.
    Families over the cap each get a TPS of their own; the rest are cut into balanced runs.
    TPS are numbered in neighbourhood order of their first family."""
    big = [i for i, s in enumerate(sizes) if s > cap]
    regular = [i for i, s in enumerate(sizes) if s <= cap] if big else list(range(len(sizes)))
    starts = balanced_starts([sizes[i] for i in regular] if big else sizes, cap)
    firsts = sorted([regular[s] for s in starts] + big)
    number = {first: n for n, first in enumerate(firsts, start=1)}
    labels = [0] * len(sizes)
    bounds = [*starts, len(regular)]
    for run in range(len(starts)):
        tps = number[regular[bounds[run]]]
        for j in range(bounds[run], bounds[run + 1]):
            labels[regular[j]] = tps
    for i in big:
        labels[i] = number[i]
    return labels


def _mask(nkk: str | None) -> str:
    return mask_id(nkk) or "(tanpa NKK)"


def _village_warnings(kode: str, sizes: list[int], nkks: list, labels: list[int], cap: int) -> list[str]:
    out = []
    for size, nkk, tps in zip(sizes, nkks, labels):
        if size > cap:
            out.append(f"Desa {kode}: keluarga NKK {_mask(nkk)} berisi {size} pemilih, melebihi batas "
                       f"{cap} pemilih per TPS. Satu keluarga tidak boleh dipisah ke dua TPS, jadi "
                       f"keluarga ini mendapat TPS {tps:03d} sendiri dengan {size} pemilih; "
                       f"panitia perlu memutuskan penanganannya.")
    regular = [s for s in sizes if s <= cap]
    runs = len({t for s, t in zip(sizes, labels) if s <= cap})
    least = -(-sum(regular) // cap)
    if runs > least:
        out.append(f"Desa {kode}: {sum(regular)} pemilih memerlukan {runs} TPS, {runs - least} lebih "
                   f"banyak dari {sum(regular)}/{cap} dibulatkan ke atas ({least}), karena keluarga "
                   f"tidak boleh dipisah dan satu TPS harus berisi RW/RT yang berurutan.")
    return out


def _damaged_nkk_warnings(placed: pl.DataFrame) -> list[str]:
    counts = (placed.filter("_nkk_damaged").group_by("kode_desa").agg(pl.len().alias("n"))
              .sort("kode_desa"))
    return [f"Desa {kode}: {n} pemilih dengan NKK rusak (semua nol atau notasi ilmiah Excel seperti "
            f"7.32601E+15) diperlakukan masing-masing sebagai keluarga satu orang."
            for kode, n in counts.iter_rows()]


def _voters_out(ordered: pl.DataFrame, families: pl.DataFrame) -> pl.DataFrame:
    """key, kode_desa, tps, urut; sorted by village, TPS and neighbourhood order. Families
    are in village order already, so a running village number gives an integer sort key."""
    village_no = (pl.col("kode_desa") != pl.col("kode_desa").shift()).fill_null(True).cum_sum()
    tps_of = families.select("_first", "tps", village_no.alias("_village"))
    voters = (ordered.join(tps_of, on="_first", how="left")
              .sort("_village", "tps", "_rank", nulls_last=True))
    urut = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("_village", "tps")
    return voters.select("key", "kode_desa", "tps", pl.when(pl.col("tps").is_not_null()).then(urut).alias("urut"))


def _per_tps(families: pl.DataFrame) -> pl.DataFrame:
    return (families.group_by("kode_desa", "tps")
            .agg(pl.col("size").sum().cast(pl.Int64).alias("pemilih"), pl.len().cast(pl.Int64).alias("keluarga"))
            .sort("kode_desa", "tps"))


def _per_village(per_tps: pl.DataFrame, families: pl.DataFrame, cap: int) -> pl.DataFrame:
    big = (families.filter(pl.col("size") > cap).group_by("kode_desa")
           .agg(pl.len().cast(pl.Int64).alias("keluarga_melebihi_batas")))
    return (per_tps.group_by("kode_desa")
            .agg(pl.col("pemilih").sum(), pl.col("keluarga").sum(), pl.len().cast(pl.Int64).alias("tps"),
                 pl.col("pemilih").min().alias("pemilih_terkecil"),
                 pl.col("pemilih").max().alias("pemilih_terbesar"))
            .with_columns(((pl.col("pemilih") + cap - 1) // cap).alias("tps_minimum"))
            .join(big, on="kode_desa", how="left")
            .with_columns(pl.col("keluarga_melebihi_batas").fill_null(0))
            .select("kode_desa", "pemilih", "keluarga", "tps", "tps_minimum", "pemilih_terkecil",
                    "pemilih_terbesar", "keluarga_melebihi_batas")
            .sort("kode_desa"))
