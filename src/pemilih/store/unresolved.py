"""The unresolved queue: voters of the current list who have no village yet.

A KPU row whose KODE DESA is missing and whose names the reader could not match to the region
reference (io/places.py: DESA-UNKNOWN and the like) is received all the same, with kode_desa
empty (domain/village_queue.py), and waits here: it is a voter of the list, counted by every
report, but never counted as a village and put in no coklit workbook. It leaves the queue
only when a person picks its village (`resolve`): one VILLAGE_RESOLVED event of corrections
(kode_desa, and desa and kecamatan where the written names differ from the reference's),
applied by the projection like every other change, so replay, the recap and the hand-back
diff follow from the log.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import polars as pl
from django.db import connection, transaction

from pemilih.contract import KPU_HEADERS
from pemilih.domain import region_tables
from pemilih.domain.masking import mask_digits_in_text
from pemilih.domain.village_queue import has_village
from pemilih.store import changes, events, settings
from pemilih.store.projection import VOTER_REF

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

# The reader's problems that say why a row has no village (io/places.py), by the column they name.
PLACE_HEADERS = [KPU_HEADERS[c] for c in ("kode_desa", "kecamatan", "desa")]
QUEUE_COLUMNS = ["key", "ref", "position", "kecamatan", "desa", "kode_desa", "tps", "nama", "jenis_kelamin",
                 "reason"]
EMPTY_REASON = "KODE DESA kosong"


class ResolveError(changes.ChangeError):
    """A resolution that cannot be recorded; the message says why (Bahasa Indonesia)."""


# store_voter's rows without a village (has_village's rule in SQL).
CONDITION = "(kode_desa IS NULL OR kode_desa = '')"


@dataclass(frozen=True)
class Placement:
    """The current list by village: what every count of villages and of the queue reads."""

    villages: dict[str, int]  # village code -> voters, placed voters only
    unresolved: int  # voters in the queue

    @property
    def voters(self) -> int:
        return sum(self.villages.values()) + self.unresolved

    @property
    def regency(self) -> str | None:
        """The list's regency (`73.26`): the one most of its placed voters live in."""
        by_regency = Counter()
        for code, n in self.villages.items():
            by_regency[code[:5]] += n
        return by_regency.most_common(1)[0][0] if by_regency else None


def placement(ws=None) -> Placement:
    """One GROUP BY over the current list (tens of milliseconds for a regency's 190k voters)."""
    if ws is not None:
        ws.activate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT kode_desa, COUNT(*) FROM store_voter GROUP BY kode_desa")
        counted = cursor.fetchall()
    villages, unresolved = {}, 0
    for code, n in counted:
        if has_village(code):
            villages[code] = n
        else:
            unresolved += n
    return Placement(dict(sorted(villages.items())), unresolved)


def count(ws=None) -> int:
    """How many voters wait in the queue."""
    return placement(ws).unresolved


def queue(ws=None, limit: int | None = None, offset: int = 0) -> pl.DataFrame:
    """The queue in list order (QUEUE_COLUMNS): each voter as written, and why it has no village
    (the reader's problems of its row in the list received last, NIKs masked). A few hundred
    voters at most: read with a plain query."""
    if ws is not None:
        ws.activate()
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", {VOTER_REF}, position, kecamatan, desa, kode_desa, tps, nama, jenis_kelamin '
                       f"FROM store_voter WHERE {CONDITION} ORDER BY position{page}")
        rows = cursor.fetchall()
    why = _reasons([r[0] for r in rows])
    out = [(*r, why.get(r[0]) or EMPTY_REASON) for r in rows]
    return pl.DataFrame(out, orient="row",
                        schema={c: (pl.Int64 if c == "position" else pl.String) for c in QUEUE_COLUMNS})


def _reasons(keys: list[str]) -> dict[str, str]:
    """key -> the reader's problems about its village, from the list received last."""
    base = Event.objects.filter(kind=events.LIST_IMPORTED).order_by("-seq").values_list("batch_id", flat=True).first()
    if base is None or not keys:
        return {}
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), changes.KEY_CHUNK):
            part = keys[start:start + changes.KEY_CHUNK]
            marks = ", ".join(["%s"] * len(part))
            heads = ", ".join(["%s"] * len(PLACE_HEADERS))
            cursor.execute(f'SELECT source_ref, reason FROM store_rowproblem WHERE batch_id = %s AND "column" IN '
                           f"({heads}) AND source_ref IN ({marks}) ORDER BY id", [base, *PLACE_HEADERS, *part])
            for key, reason in cursor.fetchall():
                found.setdefault(key, []).append(mask_digits_in_text(reason))
    return {k: "; ".join(v) for k, v in found.items()}


# --- resolution -------------------------------------------------------------------------------

@dataclass
class Resolved:
    event_seq: int
    voters: int
    villages: dict[str, int] = field(default_factory=dict)  # village code -> voters placed there
    remaining: int = 0  # voters still in the queue


def resolve(ws, picks: list[tuple[str, str]], *, actor: str, agency: str, reason: str,
            legal_basis: str = "") -> Resolved:
    """Place each voter (`key`) of the queue in the village `code` (canonical, a village of the
    reference): one VILLAGE_RESOLVED event, checked and written in one transaction. Refused
    whole (ResolveError) when a voter is not in the queue or a village is not one of the list's
    regency."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    if not picks:
        raise ResolveError("Pilih pemilih dan desanya lebih dulu")
    with transaction.atomic():
        found = placement()
        regency = found.regency
        if regency is None:
            raise ResolveError("Kabupaten daftar ini belum dapat ditentukan: belum ada pemilih yang punya desa")
        names = region_tables.printed_names({code for _, code in picks})
        current = changes.voters([key for key, _ in picks])
        made, placed = [], Counter()
        for key, code in picks:
            _check_pick(key, code, current.get(key), names, regency)
            kecamatan, desa = names[code]
            made += _corrections(current.get(key), code, kecamatan, desa)
            placed[code] += 1
        event = changes.record(events.VILLAGE_RESOLVED, made, actor=actor, agency=agency, reason=reason,
                               legal_basis=legal_basis, payload={"voters": len(picks)})
    return Resolved(event.seq, len(picks), dict(sorted(placed.items())), found.unresolved - len(picks))


def _check_pick(key: str, code: str, row: dict | None, names: dict, regency: str) -> None:
    shown = mask_digits_in_text(key)
    if row is None:
        raise ResolveError(f"Pemilih {shown} tidak ada di daftar pemilih saat ini")
    if has_village(row["kode_desa"]):
        raise ResolveError(f"Pemilih {shown} sudah punya desa ({row['kode_desa']}); perbaiki desanya lewat "
                           "koreksi data, bukan lewat antrean ini")
    if code not in names:
        raise ResolveError(f"{code} bukan desa/kelurahan dalam daftar Kemendagri")
    if not code.startswith(regency + "."):
        raise ResolveError(f"{code} bukan desa {region_tables.regency_name(regency) or regency}, kabupaten "
                           "daftar pemilih ini")


def _corrections(row: dict, code: str, kecamatan: str, desa: str) -> list[events.Correction]:
    """kode_desa set; desa and kecamatan set to the reference's names where written otherwise."""
    evidence = (f"Desa ditetapkan petugas: {desa} ({code}), Kecamatan {kecamatan}, daftar Kemendagri; "
                f"tertulis '{row['desa'] or '-'}', Kecamatan '{row['kecamatan'] or '-'}'")
    made = [changes.set_value(row, "kode_desa", code, evidence)]
    for column, value in (("desa", desa), ("kecamatan", kecamatan)):
        if row[column] != value:
            made.append(changes.set_value(row, column, value, evidence))
    return made
