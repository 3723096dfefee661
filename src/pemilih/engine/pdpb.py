"""The list KPU gets back: the village's events read under KPU's rules (continuous updating, PDPB).

The village's list (the projection) holds every change the committees, the verifier and the
residents made, judged by the election's code table and counted on its voting day. KPU keeps
its list under its own code table (`PEMILU2024`) and judges age on an eligibility date that
is a setting of the hand-back. The same events, two views:

- a voter struck under a rule of the village election only (`TMS-D`: resident less than six
  months) is still KPU's voter: kept on the list, reported on the information sheet;
- a new voter not yet 17 and never married on the eligibility date is not KPU's voter yet:
  left out, reported on the information sheet;
- a move to another TPS of the same village (`TMS-8`) changes the voter's TPS: listed under
  its own heading, never as a voter struck.

Then the list is made ready for KPU's import (`ready`): each village under the name its code
has in the regions table, a TPS for every voter (the election's where the voter is on it,
otherwise the family's or the village's smallest, marked as proposed), numbers counted
afresh per village and TPS. A voter without a village code cannot be placed in any village's
list: such rows are set apart (`unresolved`) and reported on a sheet of their own.

Tables in, tables out: the store reads the list, the log and the election; io writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pemilih.contract import KPU_COLUMNS
from pemilih.domain import region_tables
from pemilih.domain.codes import MOVE
from pemilih.domain.eligibility import VOTING_AGE
from pemilih.domain.village_queue import without_village
from pemilih.engine.findings_status import age_on

# Columns that follow from others and are no correction of their own: the village's names
# follow its code, the number follows the order within the TPS.
DERIVED = ("kecamatan", "desa", "no")
PROPOSED_TPS = "TPS usulan"
INFO_SCHEMA = {"key": pl.String, "reason": pl.String, **{c: pl.String for c in KPU_COLUMNS}}


@dataclass(frozen=True)
class Rules:
    """What KPU's view takes from the village's events."""

    kept_codes: frozenset[str]  # removal codes KPU applies too; any other code is the village's own
    code_labels: dict[str, str]  # code -> its printed meaning (for the reasons given)
    eligible_on: date  # age is judged on this day


@dataclass
class KpuView:
    voters: pl.DataFrame  # key + KPU_COLUMNS: KPU's list (villages resolved or not)
    info: pl.DataFrame  # INFO_SCHEMA: voters the two lists treat apart, with why


def kpu_view(now: pl.DataFrame, removed: pl.DataFrame, shared_keys: pl.Series, rules: Rules) -> KpuView:
    """KPU's list from the village's (`now`: key + KPU_COLUMNS) and the period's removals
    (`removed`: key, code, evidence + KPU_COLUMNS as each row stood)."""
    village_only = removed.filter(~pl.col("code").is_in(list(rules.kept_codes)))
    kept = pl.concat([now.select("key", *KPU_COLUMNS), village_only.select("key", *KPU_COLUMNS)])
    is_new = ~pl.col("key").is_in(shared_keys.implode())
    too_young = kept.filter(is_new & _under_age(rules.eligible_on))
    voters = kept.join(too_young.select("key"), on="key", how="anti")
    info = pl.concat([
        village_only.join(too_young.select("key"), on="key", how="anti").select(
            "key", _village_reason(rules).alias("reason"), *KPU_COLUMNS),
        too_young.select("key", pl.lit(f"Belum berumur {VOTING_AGE} tahun dan belum pernah kawin pada "
                                       f"{rules.eligible_on:%d-%m-%Y} (tanggal acuan PDPB); tetap di daftar "
                                       "desa, belum masuk daftar KPU").alias("reason"), *KPU_COLUMNS),
    ]).select(INFO_SCHEMA.keys()).cast(INFO_SCHEMA)
    return KpuView(voters, info)


def _under_age(day: date) -> pl.Expr:
    born = pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False)
    married = pl.col("status_kawin").is_in(["S", "P"]).fill_null(False)
    return (age_on(born, day) < VOTING_AGE).fill_null(False) & ~married


def _village_reason(rules: Rules) -> pl.Expr:
    label = pl.col("code").replace_strict(rules.code_labels, default=pl.col("code"), return_dtype=pl.String)
    # The label, not the code: a code of the village's table means nothing (or something else) in KPU's.
    return pl.format("Dicoret dari daftar desa: {} (aturan pemilihan kepala desa saja); tetap pemilih "
                     "menurut KPU", label)


def split_unresolved(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows with a village code, rows without): a row without one belongs to no village's list."""
    unplaced = without_village()
    return frame.filter(~unplaced), frame.filter(unplaced)


def with_region_names(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with `kecamatan` and `desa` the names its `kode_desa` has in the regions table
    (upper case, as KPU's lists write them); a code the table lacks keeps the names written."""
    table = region_tables.printed_name_table().rename({"kecamatan": "_kec", "desa": "_desa"})
    return (frame.join(table, on="kode_desa", how="left", maintain_order="left")
            .with_columns(pl.coalesce("_kec", "kecamatan").alias("kecamatan"),
                          pl.coalesce("_desa", "desa").alias("desa"))
            .drop("_kec", "_desa"))


def ready(voters: pl.DataFrame, shared_keys: pl.Series, election_tps: pl.DataFrame) -> pl.DataFrame:
    """KPU's list (villages resolved) as it is written: region names, a TPS on every row (KPU's
    voters keep theirs; a new voter takes the election's `tps_number` where on its list, else a
    TPS the row has, else the family's, else the village's smallest, with KETERANGAN saying it
    is proposed), then numbered
    1.. per village and TPS: listed voters in their old order, new ones after them."""
    placed = _tps(voters, election_tps.join(pl.DataFrame({"key": shared_keys}), on="key", how="anti"))
    old_no = pl.col("no").str.strip_chars().cast(pl.Int64, strict=False)
    is_new = pl.col("key").is_in(shared_keys.implode())
    ordered = placed.sort([pl.col("kode_desa"), pl.col("tps"), ~is_new, old_no, pl.col("nkk"), pl.col("nama")],
                          nulls_last=True, maintain_order=True)
    numbered = ordered.with_columns(
        (pl.int_range(pl.len()).over("kode_desa", "tps") + 1).cast(pl.String).alias("no"))
    return with_region_names(numbered).select("key", *KPU_COLUMNS)


def _tps(voters: pl.DataFrame, election_tps: pl.DataFrame) -> pl.DataFrame:
    elected = election_tps.select("key", pl.col("tps_number").cast(pl.Int64).alias("_elected"))
    frame = voters.join(elected, on="key", how="left", maintain_order="left").with_columns(
        _tps_text(pl.col("tps")).alias("tps"))
    frame = frame.with_columns(pl.coalesce(_tps_text(pl.col("_elected")), pl.col("tps")).alias("tps"))
    listed = frame.filter(pl.col("tps").is_not_null())
    family = (listed.filter(pl.col("nkk").is_not_null()).group_by("kode_desa", "nkk")
              .agg(pl.col("tps").min().alias("_family")))
    smallest = (listed.group_by("kode_desa", "tps").len().sort("len", "tps")
                .group_by("kode_desa", maintain_order=True).first()
                .select("kode_desa", pl.col("tps").alias("_smallest")))
    frame = frame.join(family, on=["kode_desa", "nkk"], how="left", maintain_order="left").join(
        smallest, on="kode_desa", how="left", maintain_order="left")
    proposed = pl.col("tps").is_null()
    note = pl.when(pl.col("keterangan").is_null() | (pl.col("keterangan") == "")).then(pl.lit(PROPOSED_TPS)) \
        .otherwise(pl.col("keterangan") + "; " + PROPOSED_TPS)
    return frame.with_columns(
        pl.when(proposed).then(note).otherwise(pl.col("keterangan")).alias("keterangan"),
        pl.coalesce("tps", "_family", "_smallest", pl.lit("001")).alias("tps"),
    ).drop("_elected", "_family", "_smallest")


def _tps_text(value: pl.Expr) -> pl.Expr:
    """A TPS number as KPU writes it: three digits (`7` -> `007`); blank is none."""
    number = value.cast(pl.String).str.strip_chars().cast(pl.Int64, strict=False)
    return pl.when(number.is_not_null() & (number > 0)).then(number.cast(pl.String).str.zfill(3))


@dataclass
class Changes:
    """What the package lists against the list KPU shared, each under its own heading."""

    added: pl.DataFrame  # key + KPU_COLUMNS + evidence (B)
    removed: pl.DataFrame  # key, code, evidence + KPU_COLUMNS (TMS under KPU's codes)
    moved: pl.DataFrame  # key, nik, nama, kode_desa, kecamatan, desa, old, new, evidence (TPS within the village)
    corrected: pl.DataFrame  # key, nik, nama, kode_desa, column, old, new, evidence (U, one row per field)


def changes(shared: pl.DataFrame, voters: pl.DataFrame, removals: pl.DataFrame, fields: pl.DataFrame,
            reasons: pl.DataFrame) -> Changes:
    """The changes from `shared` (key + KPU_COLUMNS, as KPU shared it) to `voters` (KPU's list,
    ready). `removals`: key, code, evidence of the period's removals; `fields`: key, column,
    code, evidence, effect of each field's last correction; `reasons`: key, evidence of each key's
    last change (for new voters)."""
    shared = with_region_names(shared).with_columns(pl.coalesce(_tps_text(pl.col("tps")), pl.col("tps")).alias("tps"))
    added = (voters.join(shared.select("key"), on="key", how="anti")
             .join(reasons.select("key", "evidence"), on="key", how="left"))
    removed = (shared.join(voters.select("key"), on="key", how="anti")
               .join(removals.select("key", "code", "evidence"), on="key", how="left")
               .with_columns(pl.col("code").fill_null("TMS")))
    both = shared.join(voters, on="key", suffix="_new")
    differ = pl.concat([
        both.filter(~pl.col(c).eq_missing(pl.col(f"{c}_new"))).select(
            "key", pl.col("nik_new").alias("nik"), pl.col("nama_new").alias("nama"),
            pl.col("kode_desa_new").alias("kode_desa"), pl.col("kecamatan_new").alias("kecamatan"),
            pl.col("desa_new").alias("desa"), pl.lit(c).alias("column"),
            pl.col(c).alias("old"), pl.col(f"{c}_new").alias("new"))
        for c in KPU_COLUMNS if c not in DERIVED])
    differ = differ.join(fields.select("key", "column", "code", "evidence", "effect"), on=["key", "column"],
                         how="left")
    is_move = (pl.col("column") == "tps") & (pl.col("effect") == MOVE)
    moved = differ.filter(is_move).select("key", "nik", "nama", "kode_desa", "kecamatan", "desa", "old", "new",
                                          "evidence")
    corrected = differ.filter(~is_move).select("key", "nik", "nama", "kode_desa", "column", "old", "new",
                                               "evidence")
    return Changes(added, removed.select("key", "code", "evidence", *KPU_COLUMNS), moved, corrected)


UNRESOLVED_SCHEMA = INFO_SCHEMA  # key, reason and the row as listed


@dataclass
class Handback:
    """Everything the package shows, KPU's view of the village's events."""

    voters: pl.DataFrame  # key + KPU_COLUMNS: daftar.xlsx, every row with its village
    changes: Changes
    info: pl.DataFrame  # INFO_SCHEMA: on one list and not the other, with why
    unresolved: pl.DataFrame  # UNRESOLVED_SCHEMA: rows without a village, with what happened to each
    start: pl.DataFrame  # key + KPU_COLUMNS: the list KPU shared, under the regions' names
    end: pl.DataFrame  # key + KPU_COLUMNS: KPU's list whole (rows without a village too)
    struck: pl.DataFrame  # key, code: every voter struck under KPU's codes

    def counted(self, events: int) -> Counted:
        """The recap's view of the package: from the list KPU shared to KPU's list now."""
        touched = pl.concat([self.changes.corrected["key"], self.changes.moved["key"]]).unique().sort()
        return Counted(self.start, self.end, self.struck, touched, events)


def handback(shared: pl.DataFrame, now: pl.DataFrame, removed: pl.DataFrame, fields: pl.DataFrame,
             reasons: pl.DataFrame, election_tps: pl.DataFrame, rules: Rules) -> Handback:
    """The package's tables. `shared`, `now`: key + KPU_COLUMNS (the list KPU shared, the
    village's list now); `removed`: the period's standing removals (key, code, evidence +
    KPU_COLUMNS); `fields`: key, column, code, evidence of each field's last correction;
    `reasons`: key, evidence of each key's last change; `election_tps`: key, tps_number of the
    election's latest list."""
    shared_keys = shared["key"]
    view = kpu_view(now, removed, shared_keys, rules)
    placed, unplaced = split_unresolved(view.voters)
    voters = ready(placed, shared_keys, election_tps)
    kpu_removals = removed.filter(pl.col("code").is_in(list(rules.kept_codes)))
    found = changes(shared.join(unplaced.select("key"), on="key", how="anti"), voters,
                    kpu_removals.select("key", "code", "evidence"), fields, reasons)
    struck, struck_unplaced = split_unresolved(found.removed)
    info, info_unplaced = split_unresolved(view.info)
    unresolved = pl.concat([
        unplaced.select("key", pl.when(pl.col("key").is_in(shared_keys.implode()))
                        .then(pl.lit("Belum punya desa; tetap di daftar"))
                        .otherwise(pl.lit("Belum punya desa; pemilih baru")).alias("reason"), *KPU_COLUMNS),
        struck_unplaced.select("key", pl.format("Belum punya desa; tidak memenuhi syarat ({})",
                                                pl.col("code")).alias("reason"), *KPU_COLUMNS),
        info_unplaced.select("key", ("Belum punya desa; " + pl.col("reason")).alias("reason"), *KPU_COLUMNS),
    ]).cast(UNRESOLVED_SCHEMA)
    found.removed = struck
    return Handback(voters, found, with_region_names(info), unresolved,
                    with_region_names(shared).select("key", *KPU_COLUMNS),
                    pl.concat([voters, unplaced.select("key", *KPU_COLUMNS)]),
                    pl.concat([struck, struck_unplaced]).select("key", "code"))


@dataclass
class Counted:
    """A period as the recap counts it (the shape of store.history.Period's counted part)."""

    start: pl.DataFrame
    end: pl.DataFrame
    removals: pl.DataFrame  # key, code
    corrected: pl.Series  # keys with a correction or a move
    events: int


PER_TPS_GROUP = {"TMS": 0, "U": 1, "B": 2}  # KPU's updating forms: struck first, then corrected, then new
PER_TPS_VOTER = [c for c in KPU_COLUMNS if c not in ("kecamatan", "desa", "kode_desa", "tps")]


def per_tps(made: Handback, code_labels: dict[str, str]) -> pl.DataFrame:
    """Every change of the package once, per village and TPS in the order of KPU's updating
    forms: TMS and U where KPU's list has the voter (the place and number KPU shared: its operator
    finds the voter there; a move to another TPS of the village as `TMS-8` with the old and new
    TPS; U one row per corrected field), then B where the new voter is listed now. Columns:
    kecamatan, desa, kode_desa, tps, seq (1.. per village and TPS), code, meaning, the voter's
    KPU columns (its `no` the number in the list the row belongs to), column, old, new, key."""
    ch = made.changes
    schema = {"group": pl.Int64, "code": pl.String, "key": pl.String, "kecamatan": pl.String, "desa": pl.String,
              "kode_desa": pl.String, "tps": pl.String, **{c: pl.String for c in PER_TPS_VOTER},
              "column": pl.String, "old": pl.String, "new": pl.String}
    none = pl.lit(None, dtype=pl.String)

    def rows(frame: pl.DataFrame, group: str, code: pl.Expr, column=none, old=none, new=none) -> pl.DataFrame:
        return frame.select(pl.lit(PER_TPS_GROUP[group]).alias("group"), code.alias("code"), "key",
                            "kecamatan", "desa", "kode_desa", "tps", *PER_TPS_VOTER, column.alias("column"),
                            old.alias("old"), new.alias("new")).cast(schema)
    start = made.start.with_columns(pl.coalesce(_tps_text(pl.col("tps")), pl.col("tps")).alias("tps")).select(
        "key", "kecamatan", "desa", "kode_desa", "tps", *PER_TPS_VOTER)
    moved = ch.moved.select("key", "old", "new").join(start, on="key", how="left")
    corrected = ch.corrected.select("key", "column", "old", "new").join(start, on="key", how="left")
    frame = pl.concat([
        rows(ch.removed, "TMS", pl.col("code")),
        rows(moved, "TMS", pl.lit(MOVE_CODE), pl.lit("tps"), pl.col("old"), pl.col("new")),
        rows(corrected, "U", pl.lit("U"), pl.col("column"), pl.col("old"), pl.col("new")),
        rows(ch.added, "B", pl.lit("B")),
    ])
    number = pl.col("no").str.strip_chars().cast(pl.Int64, strict=False)
    frame = frame.sort(["kode_desa", "tps", "group", "code", number, "key", "column"], nulls_last=True,
                       maintain_order=True)
    meaning = pl.col("code").replace_strict(code_labels, default=pl.col("code"), return_dtype=pl.String)
    return frame.with_columns(
        (pl.int_range(pl.len()).over("kode_desa", "tps") + 1).alias("seq"), meaning.alias("meaning"),
    ).select("kecamatan", "desa", "kode_desa", "tps", "seq", "code", "meaning", *PER_TPS_VOTER, "column", "old",
             "new", "key")


MOVE_CODE = "TMS-8"  # KPU's code for a voter listed at the wrong TPS of the village (PEMILU2024)
