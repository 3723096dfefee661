"""Village-election lists: the provisional list (DPS), public responses, the final list (DPT)
with its TPS, and the additional list (DPTb).

A list is set from the current list of the election's villages at that moment and kept as
it was set (ElectionVoter rows): the current list moves on, the DPS as announced does not.
TPS are assigned by engine/tps.py (cap per TPS, families and neighbours together, never
across villages). Responses to the DPS are change events like any other (changes.py), each
with its evidence; the DPT is set after them; voters added after the DPT form the DPTb.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from django.db import transaction

from pemilih.contract import KPU_COLUMNS
from pemilih.engine.recap import village_names
from pemilih.engine.tps import assign_tps
from pemilih.store import bulk, changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Election, ElectionList, Event

STAGES = (ElectionList.DPS, ElectionList.DPT, ElectionList.DPTB)
STAGE_NAMES = {"DPS": "Daftar Pemilih Sementara", "DPT": "Daftar Pemilih Tetap",
               "DPTb": "Daftar Pemilih Tambahan"}


class ElectionError(changes.ChangeError):
    """An election step that cannot be carried out; the message says why (Bahasa)."""


@dataclass
class SetList:
    list: ElectionList
    voters: pl.DataFrame  # key + PLACING + tps_number, in list order (rows_of(list): every column)
    warnings: list[str]


def create(ws, *, code: str, name: str, regime: str, voting_day: date, dps_set_on: date,
           villages: list[str], max_per_tps: int, reserve_percent: str | None = None, actor: str,
           agency: str = "DPML", reason: str) -> Election:
    ws.activate()
    changes.check_who(actor, agency, reason)
    reserve = reserve_text(reserve_percent)
    if Election.objects.filter(code=code).exists():
        raise ElectionError(f"Pemilihan '{code}' sudah ada")
    if not villages:
        raise ElectionError("Sebutkan desa/lembang yang menyelenggarakan pemilihan")
    if max_per_tps < 1:
        raise ElectionError("Jumlah pemilih paling banyak per TPS harus lebih dari 0")
    if dps_set_on > voting_day:
        raise ElectionError("Tanggal penetapan DPS sesudah hari pemungutan suara")
    with transaction.atomic():
        event = Event.write(
            events.ELECTION_CREATED,
            events.ElectionCreated(code=code, name=name, regime=regime, voting_day=voting_day,
                                   dps_set_on=dps_set_on, villages=villages, max_per_tps=max_per_tps,
                                   reserve_percent=reserve),
            actor=actor, agency=agency, reason=reason)
        election = Election.objects.create(code=code, name=name, regime=regime, voting_day=voting_day,
                                           dps_set_on=dps_set_on, villages=sorted(villages),
                                           max_per_tps=max_per_tps, reserve_percent=reserve, event=event)
        projection.apply(event)
    return election


def reserve_text(value) -> str | None:
    """A ballot reserve as stored: the percentage as written, checked (domain/logistics.py);
    None when none is given (the preset's figure applies)."""
    from pemilih.domain.logistics import percent
    if value is None or str(value).strip() == "":
        return None
    try:
        return format(percent(value).normalize(), "f")
    except ValueError as exc:
        raise ElectionError(f"Cadangan surat suara: {exc}") from None


def settings_of(made: ElectionList) -> dict:
    """regime, max_per_tps and reserve_percent a list was set with (a list set before they
    were stored: its election's)."""
    e = made.election
    return {"regime": made.regime or e.regime, "max_per_tps": made.max_per_tps or e.max_per_tps,
            "reserve_percent": made.reserve_percent or e.reserve_percent}


def election(ws, code: str) -> Election:
    ws.activate()
    found = Election.objects.filter(code=code).first()
    if found is None:
        raise ElectionError(f"Pemilihan '{code}' tidak ada di ruang kerja ini")
    return found


# What placing voters needs; the rest of each row is copied inside the database (_store).
PLACING = ["kecamatan", "desa", "kode_desa", "nkk", "nik", "nama", "jenis_kelamin", "alamat", "rt", "rw"]


def _village_list(e: Election) -> pl.DataFrame:
    """key + PLACING of the current list's voters in the election's villages, in list order."""
    cols = ", ".join(PLACING)
    # Sorted here rather than by the database: store_voter has no index on position (bulk
    # loads pay for every index) and Polars sorts 200k numbers faster than SQLite.
    frame = bulk.read_frame(f'SELECT "key", {cols}, CAST(position AS TEXT) FROM store_voter',
                            ["key", *PLACING, "position"])
    return (frame.filter(pl.col("kode_desa").is_in(e.villages))
            .sort(pl.col("position").cast(pl.Int64)).drop("position"))


def _store(made: ElectionList, placed: pl.DataFrame) -> None:
    """The list's rows as the current list has them now: key, position and TPS go in through a
    temporary table, every other column is copied by one INSERT ... SELECT (no 190k-row round
    trip of 18 text columns through Python)."""
    from django.db import connection
    quote = connection.ops.quote_name
    temp = "pemilih_election_tps"
    rows = placed.with_row_index("position").select(
        "key", pl.col("position").cast(pl.Int64), pl.col("tps_number").cast(pl.Int64))
    cols = ", ".join(quote(c) for c in KPU_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {temp}")
        cursor.execute(f'CREATE TEMPORARY TABLE {temp} ("key" TEXT, position BIGINT, tps_number BIGINT)')
        bulk.write_frame(temp, rows)
        cursor.execute(
            f'INSERT INTO store_electionvoter (list_id, "key", position, tps_number, {cols}) '
            f'SELECT %s, t."key", t.position, t.tps_number, {", ".join("v." + quote(c) for c in KPU_COLUMNS)} '
            f'FROM {temp} t JOIN store_voter v ON v."key" = t."key"', [made.pk])
        cursor.execute(f"DROP TABLE {temp}")


def latest(e: Election, stage: str) -> ElectionList | None:
    return e.lists.filter(stage=stage).order_by("-id").first()


def set_list(ws, e: Election, stage: str, *, reserve_percent: str | None = None, actor: str,
             agency: str = "PANITIA", reason: str) -> SetList:
    """Set the DPS or the DPT from the current list (TPS assigned), or the DPTb: the voters
    of the current list who are not on the DPT (each at a TPS of the DPT, next to family).
    The list keeps the code table, TPS cap and ballot reserve it was set with (the reserve
    given here, else the election's)."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    reserve = reserve_text(reserve_percent) or e.reserve_percent
    if stage not in STAGES:
        raise ElectionError(f"Tahap '{stage}' tidak dikenal; pilih {', '.join(STAGES)}")
    voters = _village_list(e)
    if stage == ElectionList.DPTB:
        placed, warnings = _additional(e, voters)
    else:
        if stage == ElectionList.DPT and latest(e, ElectionList.DPS) is None:
            raise ElectionError("DPT ditetapkan setelah DPS; tetapkan DPS lebih dulu")
        assignment = assign_tps(voters.select("key", "kode_desa", "nkk", "rw", "rt", "alamat", "nama"),
                                e.max_per_tps)
        placed = (voters.join(assignment.voters.select("key", pl.col("tps").alias("tps_number"), "urut"),
                              on="key").sort("kode_desa", "tps_number", "urut").drop("urut"))
        warnings = assignment.warnings
    with transaction.atomic():
        event = Event.write(events.ELECTION_LIST_SET,
                            events.ElectionListSet(e.code, stage, placed.height, warnings[:50], regime=e.regime,
                                                   max_per_tps=e.max_per_tps, reserve_percent=reserve),
                            actor=actor, agency=agency, reason=reason)
        made = ElectionList.objects.create(election=e, stage=stage, event=event, voters=placed.height,
                                           regime=e.regime, max_per_tps=e.max_per_tps, reserve_percent=reserve)
        _store(made, placed)
        projection.apply(event)
    return SetList(made, placed, warnings)


def _additional(e: Election, voters: pl.DataFrame) -> tuple[pl.DataFrame, list[str]]:
    final = latest(e, ElectionList.DPT)
    if final is None:
        raise ElectionError("DPTb disusun setelah DPT ditetapkan; tetapkan DPT lebih dulu")
    dpt = rows_of(final)
    new = voters.join(dpt.select("key"), on="key", how="anti")
    family = dpt.filter(pl.col("nkk").is_not_null()).group_by("kode_desa", "nkk").agg(
        pl.col("tps_number").first().alias("_family_tps"))
    smallest = (dpt.group_by("kode_desa", "tps_number").len().sort("len", "tps_number")
                .group_by("kode_desa", maintain_order=True).first()
                .select("kode_desa", pl.col("tps_number").alias("_small_tps")))
    placed = (new.join(family, on=["kode_desa", "nkk"], how="left").join(smallest, on="kode_desa", how="left")
              .with_columns(pl.coalesce("_family_tps", "_small_tps", pl.lit(1)).alias("tps_number"))
              .drop("_family_tps", "_small_tps"))
    return placed.sort("kode_desa", "tps_number"), []


def rows_of(made: ElectionList) -> pl.DataFrame:
    cols = ", ".join(KPU_COLUMNS)
    frame = bulk.read_frame(
        f'SELECT "key", CAST(tps_number AS TEXT), {cols} FROM store_electionvoter '
        f"WHERE list_id = {int(made.pk)} ORDER BY position", ["key", "tps_number", *KPU_COLUMNS])
    return frame.with_columns(pl.col("tps_number").cast(pl.Int64))


def named(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with each village under one name (engine.recap.village_names): printed lists,
    TPS and logistics are per village code."""
    return (frame.drop("kecamatan", "desa")
            .join(village_names(frame), on="kode_desa", how="left", maintain_order="left")
            .select(frame.columns))


def tps_counts(frame: pl.DataFrame) -> pl.DataFrame:
    """kecamatan, desa, kode_desa, tps, pemilih: the table logistics take."""
    frame = named(frame)
    return (frame.group_by("kode_desa", "tps_number").agg(pl.col("kecamatan").first(), pl.col("desa").first(),
                                                           pl.len().alias("pemilih"))
            .select("kecamatan", "desa", "kode_desa", pl.col("tps_number").alias("tps"),
                    pl.col("pemilih").cast(pl.Int64)).sort("kode_desa", "tps"))


def latest_election(ws) -> Election | None:
    ws.activate()
    return Election.objects.order_by("-id").first()


def village_rows(made: ElectionList, kode_desa: str) -> pl.DataFrame:
    """Every stored column of one village's rows of a set list, in list order (as rows_of)."""
    from pemilih.store.models import ElectionVoter
    rows = list(ElectionVoter.objects.filter(list=made, kode_desa=kode_desa).order_by("position")
                .values_list("key", "tps_number", *KPU_COLUMNS))
    schema = {"key": pl.String, "tps_number": pl.Int64, **{c: pl.String for c in KPU_COLUMNS}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def tps_summary(made: ElectionList, kode_desa: str) -> list[dict]:
    """tps_number, l, p and n of one village on a set list, from its stored rows."""
    from django.db.models import Count, Q

    from pemilih.store.models import ElectionVoter
    return list(ElectionVoter.objects.filter(list=made, kode_desa=kode_desa).values("tps_number")
                .annotate(l=Count("id", filter=Q(jenis_kelamin="L")),
                          p=Count("id", filter=Q(jenis_kelamin="P")), n=Count("id"))
                .order_by("tps_number"))


def villages_of(ws, *, keys=(), niks=()) -> tuple[dict, dict]:
    """The village (kode_desa) of the current list's voters with these keys, and with these NIKs."""
    from pemilih.store.models import Voter
    ws.activate()
    by_key = dict(Voter.objects.filter(key__in=list(keys)).values_list("key", "kode_desa")) if keys else {}
    by_nik = dict(Voter.objects.filter(nik__in=list(niks)).values_list("nik", "kode_desa")) if niks else {}
    return by_key, by_nik
