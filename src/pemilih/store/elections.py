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
from pemilih.domain import election_rules
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
           villages: list[str], max_per_tps: int, reserve_percent: str | None = None,
           announce_until: date | None = None, responses_until: date | None = None,
           dpt_set_on: date | None = None, actor: str, agency: str = "DPML", reason: str) -> Election:
    """An election over these villages, with its schedule: the dates given, the regime's
    defaults for the others (domain/election_rules.py), stored as they are then."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    reserve = reserve_text(reserve_percent)
    if Election.objects.filter(code=code).exists():
        raise ElectionError(f"Pemilihan '{code}' sudah ada")
    if not villages:
        raise ElectionError("Sebutkan desa/lembang yang menyelenggarakan pemilihan")
    if max_per_tps < 1:
        raise ElectionError("Jumlah pemilih paling banyak per TPS harus lebih dari 0")
    refused = election_rules.village_problems(regime, villages)
    if refused:
        raise ElectionError(refused[0])
    planned = election_rules.schedule(regime, dps_set_on, voting_day, announce_until=announce_until,
                                      responses_until=responses_until, dpt_set_on=dpt_set_on)
    if planned.problems():
        raise ElectionError(planned.problems()[0])
    dates = {"announce_until": planned.announce_until, "responses_until": planned.responses_until,
             "dpt_set_on": planned.dpt_set_on}
    with transaction.atomic():
        event = Event.write(
            events.ELECTION_CREATED,
            events.ElectionCreated(code=code, name=name, regime=regime, voting_day=voting_day,
                                   dps_set_on=dps_set_on, villages=villages, max_per_tps=max_per_tps,
                                   reserve_percent=reserve, **dates),
            actor=actor, agency=agency, reason=reason)
        election = Election.objects.create(code=code, name=name, regime=regime, voting_day=voting_day,
                                           dps_set_on=dps_set_on, villages=sorted(villages),
                                           max_per_tps=max_per_tps, reserve_percent=reserve, event=event, **dates)
        projection.apply(event)
    return election


def schedule_of(e: Election) -> election_rules.Schedule:
    """An election's schedule as stored (an election made before it was stored: its regime's
    defaults from its DPS day)."""
    return election_rules.schedule(e.regime, e.dps_set_on, e.voting_day, announce_until=e.announce_until,
                                   responses_until=e.responses_until, dpt_set_on=e.dpt_set_on)


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


def voters_to_place(ws, e: Election, stage: str) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """(key + PLACING of the current list's voters in the election's villages, in list order;
    for the DPTb the DPT they are added to, else None), after checking the stage may be set."""
    ws.activate()
    check_order(e, stage)
    final = rows_of(latest(e, ElectionList.DPT)) if stage == ElectionList.DPTB else None
    return _village_list(e), final


def check_order(e: Election, stage: str) -> None:
    """ElectionError unless the lists `stage` follows are set: the DPT after the DPS, the DPTb
    after the DPT."""
    if stage not in STAGES:
        raise ElectionError(f"Tahap '{stage}' tidak dikenal; pilih {', '.join(STAGES)}")
    if stage == ElectionList.DPT and latest(e, ElectionList.DPS) is None:
        raise ElectionError("DPT ditetapkan setelah DPS; tetapkan DPS lebih dulu")
    if stage == ElectionList.DPTB and latest(e, ElectionList.DPT) is None:
        raise ElectionError("DPTb disusun setelah DPT ditetapkan; tetapkan DPT lebih dulu")


def record_list(ws, e: Election, stage: str, placed: pl.DataFrame, warnings: list[str], *,
                reserve_percent: str | None = None, schedule_reason: str | None = None, actor: str,
                agency: str = "PANITIA", reason: str) -> SetList:
    """Store a list placed at its TPS (`placed`: key, ..., tps_number in list order) as set now,
    with the code table, TPS cap and ballot reserve it was set with (the reserve given, else the
    election's) and, when set outside its schedule, the reason given for that, as one event."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    reserve = reserve_text(reserve_percent) or e.reserve_percent
    with transaction.atomic():
        event = Event.write(events.ELECTION_LIST_SET,
                            events.ElectionListSet(e.code, stage, placed.height, warnings[:50], regime=e.regime,
                                                   max_per_tps=e.max_per_tps, reserve_percent=reserve,
                                                   schedule_reason=schedule_reason or None),
                            actor=actor, agency=agency, reason=reason)
        made = ElectionList.objects.create(election=e, stage=stage, event=event, voters=placed.height,
                                           regime=e.regime, max_per_tps=e.max_per_tps, reserve_percent=reserve)
        _store(made, placed)
        projection.apply(event)
    return SetList(made, placed, warnings)


def rows_of(made: ElectionList) -> pl.DataFrame:
    cols = ", ".join(KPU_COLUMNS)
    frame = bulk.read_frame(
        f'SELECT "key", CAST(tps_number AS TEXT), {cols} FROM store_electionvoter '
        f"WHERE list_id = {int(made.pk)} ORDER BY position", ["key", "tps_number", *KPU_COLUMNS])
    return frame.with_columns(pl.col("tps_number").cast(pl.Int64))


def election_tps(ws) -> pl.DataFrame:
    """key, tps_number: each voter's TPS on the latest election's most recent list naming them
    (empty when there is no election)."""
    e = latest_election(ws)
    schema = {"key": pl.String, "tps_number": pl.Int64}
    if e is None:
        return pl.DataFrame(schema=schema)
    ids = ", ".join(str(int(i)) for i in e.lists.values_list("id", flat=True)) or "NULL"
    frame = bulk.read_frame(f'SELECT "key", CAST(tps_number AS TEXT), CAST(list_id AS TEXT) FROM store_electionvoter '
                            f"WHERE list_id IN ({ids})", ["key", "tps_number", "list_id"])
    return (frame.with_columns(pl.col("list_id").cast(pl.Int64)).sort("list_id")
            .unique("key", keep="last", maintain_order=True)
            .select("key", pl.col("tps_number").cast(pl.Int64, strict=False)).cast(schema))


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
    return tps_summaries(made, kode_desa).get(kode_desa, [])


def tps_summaries(made: ElectionList, kode_desa: str | None = None) -> dict[str, list[dict]]:
    """tps_summary of every village of a set list (of `kode_desa` only when given), in one
    query: a regency's register asks for all 151 villages at once."""
    from django.db.models import Count, Q

    from pemilih.store.models import ElectionVoter
    chosen = ElectionVoter.objects.filter(list=made)
    if kode_desa is not None:
        chosen = chosen.filter(kode_desa=kode_desa)
    out: dict[str, list[dict]] = {}
    for r in (chosen.values("kode_desa", "tps_number")
              .annotate(l=Count("id", filter=Q(jenis_kelamin="L")), p=Count("id", filter=Q(jenis_kelamin="P")),
                        n=Count("id"))
              .order_by("kode_desa", "tps_number")):
        out.setdefault(r.pop("kode_desa"), []).append(r)
    return out


def villages_of(ws, *, keys=(), niks=()) -> tuple[dict, dict]:
    """The village (kode_desa) of the current list's voters with these keys, and with these NIKs."""
    from pemilih.store.models import Voter
    ws.activate()
    by_key = dict(Voter.objects.filter(key__in=list(keys)).values_list("key", "kode_desa")) if keys else {}
    by_nik = dict(Voter.objects.filter(nik__in=list(niks)).values_list("nik", "kode_desa")) if niks else {}
    return by_key, by_nik


def list_state(ws, list_id: int) -> tuple[date, pl.DataFrame] | None:
    """(the local day it was set, its voters as the recap counts them) of a stored list."""
    from pemilih.contract import RECAP_STATE_COLUMNS
    ws.activate()
    made = ElectionList.objects.select_related("event").filter(pk=list_id).first()
    if made is None:
        return None
    columns = ", ".join(f'"{c}"' for c in RECAP_STATE_COLUMNS)
    rows = bulk.read_frame(f"SELECT {columns} FROM store_electionvoter WHERE list_id = {int(made.pk)}",
                           RECAP_STATE_COLUMNS)
    return set_day(made), rows


def set_day(made: ElectionList) -> date:
    """The local day a list was set (what its decision and minutes are dated)."""
    from django.utils import timezone

    from pemilih.store.recap import ZONE
    return timezone.localtime(made.event.happened_at, ZONE).date()
