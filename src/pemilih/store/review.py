"""Review of verification findings: proposals, decisions (accept / reject) and their undo.

Findings become immutable Proposal rows, one per finding_key (the key names the same finding
on the same data, so a rejected one is never proposed again). A decision is one Event over
many proposals, with a ReviewDecision row per proposal; an accepted decision carries its
changes to the list in its payload (projection.py applies them). An undo is a new event
pointing at the decision (`undoes`): nothing is ever deleted. A proposal's status is the
verdict of its latest decision that was not undone; without one it is open.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from django.db import transaction

from pemilih.contract import FINDINGS_COLUMNS, KPU_HEADERS
from pemilih.domain import codes as code_tables
from pemilih.domain import values as judges
from pemilih.domain.masking import mask_digits_in_text
from pemilih.store import bulk, events, projection, settings
from pemilih.store import changes as change
from pemilih.store.events import FINDINGS_LOADED, REVIEW_ACCEPTED, REVIEW_REJECTED, REVIEW_UNDONE

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, Proposal, ReviewDecision

OPEN, ACCEPTED, REJECTED = "terbuka", "diterima", "ditolak"
# The findings columns a proposal keeps as text (the list's NIK is on the voter's row; score is a number).
PROPOSAL_TEXT = ["finding_key", "code", *(c for c in FINDINGS_COLUMNS if c not in ("nik", "code", "score")),
                 "evidence"]
PROPOSAL_COLUMNS = PROPOSAL_TEXT + ["score", "kode_desa"]
COLUMN_OF_FIELD = {header: col for col, header in KPU_HEADERS.items()}  # NAMA -> nama
# Registry columns a new voter (B) takes over; the rest of the row is for KPU to fill.
NEW_VOTER_COLUMNS = ["nkk", "nik", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin",
                     "status_kawin", "alamat", "rt", "rw"]
NEW_VOTER_PREFIX = change.NEW_VOTER_PREFIX


class ReviewError(change.ChangeError):
    """A review request that cannot be carried out; the message says why (Bahasa Indonesia)."""


@dataclass(frozen=True)
class Selection:
    """Which proposals a listing or decision is about; empty fields select everything."""

    keys: tuple[str, ...] = ()
    code: str | None = None
    kode_desa: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    status: str | None = None

    def is_empty(self) -> bool:
        return not (self.keys or self.code or self.kode_desa or self.score_min is not None
                    or self.score_max is not None)


@dataclass(frozen=True)
class LoadOutcome:
    event_seq: int | None  # None: nothing new, no event written
    added: int
    known: int  # proposed before (including the rejected ones)
    rejected_before: int


@dataclass(frozen=True)
class DecisionOutcome:
    event_seq: int
    decided: int
    changed: int  # changes to the list (accepted decisions only)
    skipped: list[str]  # keys accepted without a change to the list, and why


def _check_who(actor: str, agency: str, reason: str) -> None:
    try:
        change.check_who(actor, agency, reason)
    except change.ChangeError as err:
        raise ReviewError(str(err)) from None


# --- loading ----------------------------------------------------------------------------------

def load_findings(ws, findings: pl.DataFrame, *, actor: str, agency: str = "DISDUKCAPIL",
                  reason: str, legal_basis: str = "") -> LoadOutcome:
    """Add the findings not proposed before as proposals, in bulk, under one event."""
    ws.activate()
    _check_who(actor, agency, reason)
    missing = [c for c in PROPOSAL_TEXT if c not in findings.columns and c != "evidence"]
    if missing or "score" not in findings.columns:
        raise ReviewError("Tabel temuan tidak lengkap, kolom hilang: " + ", ".join(missing or ["score"]))
    frame = _proposal_frame(findings)
    with transaction.atomic():
        known = set(Proposal.objects.values_list("finding_key", flat=True))
        new = frame.filter(~pl.col("finding_key").is_in(list(known)))
        seen = frame.height - new.height
        rejected = len(set(frame["finding_key"]) & set(_status_frame()
                                                        .filter(pl.col("status") == REJECTED)["finding_key"]))
        if not new.height:
            return LoadOutcome(None, 0, seen, rejected)
        event = Event.write(FINDINGS_LOADED, events.FindingsLoaded(new.height), actor=actor, agency=agency,
                            reason=reason, legal_basis=legal_basis)
        rows = _with_villages(new).with_columns(pl.lit(event.seq, pl.Int64).alias("event_id"))
        bulk.write_frame(Proposal._meta.db_table, rows)
        projection.apply(event)
    return LoadOutcome(event.seq, new.height, seen, rejected)


def _proposal_frame(findings: pl.DataFrame) -> pl.DataFrame:
    """One row per finding_key (the first), text columns as text, score as a number."""
    df = findings if "evidence" in findings.columns else findings.with_columns(pl.lit("").alias("evidence"))
    df = df.filter(pl.col("finding_key").is_not_null() & (pl.col("finding_key") != ""))
    text = [pl.col(c).cast(pl.String) for c in PROPOSAL_TEXT]
    score = pl.col("score").cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
    return (df.select(*text, score.alias("score")).unique("finding_key", keep="first", maintain_order=True)
            .with_columns(pl.col(c).fill_null("") for c in ("source_ref", "reason", "evidence")))


def _with_villages(new: pl.DataFrame) -> pl.DataFrame:
    """kode_desa of each proposal: the voter's in the current list, or for a new voter (no
    row yet) the registry's residence code."""
    voters = bulk.read_frame(f"SELECT {projection.VOTER_REF}, kode_desa FROM store_voter",
                             ["source_ref", "kode_desa"])
    out = new.join(voters.unique("source_ref"), on="source_ref", how="left")
    niks = out.filter(pl.col("kode_desa").is_null() & pl.col("registry_nik").is_not_null())
    if niks.height:
        registry = _registry_rows(niks["registry_nik"].to_list()).select(
            pl.col("nik").alias("registry_nik"), pl.col("kode_wilayah").alias("_kw"))
        out = (out.join(registry.unique("registry_nik", keep="last"), on="registry_nik", how="left")
               .with_columns(pl.coalesce("kode_desa", "_kw").alias("kode_desa")).drop("_kw"))
    return out.select(PROPOSAL_COLUMNS)


def _registry_rows(niks) -> pl.DataFrame:
    """The received registry records of these NIKs (oldest first): shared columns + residence
    code + id. Asked for by NIK in chunks: a regency's extract is 300k records, a review
    needs the few thousand new voters among them."""
    cols = ", ".join(f"r.{c}" for c in NEW_VOTER_COLUMNS)
    wanted = sorted(set(niks) - {None, ""})
    parts = []
    for start in range(0, len(wanted), change.KEY_CHUNK):
        part = wanted[start:start + change.KEY_CHUNK]
        quoted = ", ".join("'" + n.replace("'", "''") + "'" for n in part)
        sql = (f"SELECT CAST(r.id AS TEXT), {cols}, CAST(r.payload AS TEXT) FROM store_sourcerecord r "
               "JOIN store_importbatch b ON b.id = r.batch_id "
               f"WHERE b.kind = 'registry' AND r.nik IN ({quoted}) ORDER BY r.id")
        parts.append(bulk.read_frame(sql, ["record_id", *NEW_VOTER_COLUMNS, "payload"]))
    frame = (pl.concat(parts) if parts else
             pl.DataFrame(schema={c: pl.String for c in ["record_id", *NEW_VOTER_COLUMNS, "payload"]}))
    frame = frame.sort(pl.col("record_id").cast(pl.Int64))
    return frame.with_columns(pl.col("payload").str.json_path_match("$.kode_wilayah").alias("kode_wilayah"))


# --- status and listing -----------------------------------------------------------------------

def _status_frame() -> pl.DataFrame:
    """finding_key, status, decided_by (the event) for proposals with a standing decision."""
    sql = ("SELECT d.finding_key, d.verdict, CAST(d.event_id AS TEXT) FROM store_reviewdecision d "
           "WHERE NOT EXISTS (SELECT 1 FROM store_event u WHERE u.undoes_id = d.event_id)")
    rows = bulk.read_frame(sql, ["finding_key", "verdict", "decided_by"])
    rows = rows.with_columns(pl.col("decided_by").cast(pl.Int64)).sort("decided_by")
    return (rows.unique("finding_key", keep="last")
            .select("finding_key", pl.col("verdict").replace_strict(
                {ReviewDecision.ACCEPT: ACCEPTED, ReviewDecision.REJECT: REJECTED}).alias("status"),
                "decided_by"))


def proposals(ws, selection: Selection = Selection()) -> pl.DataFrame:
    """The proposals chosen by `selection`, with their status and deciding event."""
    ws.activate()
    text = PROPOSAL_TEXT + ["kode_desa"]
    sql = ("SELECT " + ", ".join(text) + ", CAST(score AS TEXT) FROM store_proposal ORDER BY id")
    frame = bulk.read_frame(sql, text + ["score"]).with_columns(pl.col("score").cast(pl.Float64))
    frame = (frame.join(_status_frame(), on="finding_key", how="left", maintain_order="left")
             .with_columns(pl.col("status").fill_null(OPEN)))
    return frame.filter(_matches(selection))


def _matches(s: Selection) -> pl.Expr:
    cond = pl.lit(True)
    if s.keys:
        cond &= pl.col("finding_key").is_in(list(s.keys))
    if s.code:
        cond &= pl.col("code") == s.code
    if s.kode_desa:
        cond &= pl.col("kode_desa") == s.kode_desa
    if s.score_min is not None:
        cond &= pl.col("score") >= s.score_min
    if s.score_max is not None:
        cond &= pl.col("score") <= s.score_max
    if s.status:
        cond &= pl.col("status") == s.status
    return cond


# --- decisions and undo -----------------------------------------------------------------------

def accept(ws, selection: Selection, **who) -> DecisionOutcome:
    return decide(ws, ReviewDecision.ACCEPT, selection, **who)


def reject(ws, selection: Selection, **who) -> DecisionOutcome:
    return decide(ws, ReviewDecision.REJECT, selection, **who)


def decide(ws, verdict: str, selection: Selection, *, actor: str, agency: str = "DISDUKCAPIL",
           reason: str, legal_basis: str = "", regime: str = code_tables.DEFAULT_REGIME) -> DecisionOutcome:
    """Accept or reject the open proposals `selection` chooses, as one event. What accepting
    a proposal does is its code's effect under `regime` (domain/codes.py)."""
    ws.activate()
    _check_who(actor, agency, reason)
    if selection.is_empty():
        raise ReviewError("Pilih temuan yang diputuskan (kunci, kode, desa, atau rentang skor)")
    with transaction.atomic():
        chosen = proposals(ws, Selection(selection.keys, selection.code, selection.kode_desa,
                                         selection.score_min, selection.score_max, OPEN))
        if not chosen.height:
            raise ReviewError("Tidak ada temuan terbuka yang cocok dengan pilihan ini")
        changes, skipped = (_changes(chosen, regime) if verdict == ReviewDecision.ACCEPT else ([], []))
        kind = REVIEW_ACCEPTED if verdict == ReviewDecision.ACCEPT else REVIEW_REJECTED
        event = Event.write(kind, events.ReviewDecided(chosen.height, tuple(changes), skipped), actor=actor,
                            agency=agency, reason=reason, legal_basis=legal_basis)
        rows = chosen.select(pl.lit(event.seq, pl.Int64).alias("event_id"), "finding_key",
                             pl.lit(verdict).alias("verdict"))
        bulk.write_frame(ReviewDecision._meta.db_table, rows)
        projection.apply(event)
    return DecisionOutcome(event.seq, chosen.height, len(changes), skipped)


def undo(ws, event_seq: int, *, actor: str, agency: str = "DISDUKCAPIL", reason: str,
         legal_basis: str = "") -> int:
    """Undo decision event `event_seq` with a new event; returns the new event's number."""
    ws.activate()
    _check_who(actor, agency, reason)
    with transaction.atomic():
        target = Event.objects.filter(seq=event_seq).first()
        if target is None or target.kind not in (REVIEW_ACCEPTED, REVIEW_REJECTED):
            raise ReviewError(f"Peristiwa #{event_seq} bukan keputusan telaah temuan")
        if Event.objects.filter(undoes=target).exists():
            raise ReviewError(f"Keputusan #{event_seq} sudah dibatalkan sebelumnya")
        if Event.objects.filter(kind=events.LIST_IMPORTED, seq__gt=event_seq).exists():
            raise ReviewError(f"Keputusan #{event_seq} mendahului impor daftar baru; tidak dapat dibatalkan")
        _check_no_later_change(target)
        event = Event.write(REVIEW_UNDONE, events.ReviewUndone(event_seq), actor=actor, agency=agency,
                            reason=reason, legal_basis=legal_basis, undoes=target)
        projection.apply(event)
    return event.seq


def _check_no_later_change(target: Event) -> None:
    """Refuse to undo a decision whose voters a later, standing decision changed again:
    reversing it then would put back values the later decision relies on."""
    keys = {c.key for c in target.data().changes}
    if not keys:
        return
    later = (Event.objects.filter(kind=REVIEW_ACCEPTED, seq__gt=target.seq, undone_by__isnull=True)
             .order_by("-seq"))
    for event in later.iterator():
        if keys & {c.key for c in event.data().changes}:
            raise ReviewError(f"Keputusan #{event.seq} yang lebih baru mengubah pemilih yang sama; "
                              f"batalkan #{event.seq} lebih dulu")


def _changes(chosen: pl.DataFrame, regime: str) -> tuple[list[events.Change], list[str]]:
    """The list changes accepting `chosen` makes, each with what it replaces (for undo)."""
    keys = chosen.select(pl.when(pl.col("code") == "B").then(NEW_VOTER_PREFIX + pl.col("registry_nik"))
                         .otherwise(pl.col("source_ref")).alias("k"))["k"].drop_nulls().unique()
    voters = change.voters(keys.to_list())
    registry = None
    changes, skipped = [], []
    for p in chosen.iter_rows(named=True):
        code, ref = p["code"], p["source_ref"]
        current = voters.get(ref) if ref else None
        does = code_tables.known_effect(code, regime)
        made = None
        if does in (code_tables.STRIKE, code_tables.MOVE, code_tables.CORRECT):
            if current is None:
                skipped.append(f"{p['finding_key']}: pemilih {mask_digits_in_text(ref) or '-'} tidak ada di daftar "
                               "saat ini")  # a new voter's key holds a NIK
            elif does == code_tables.STRIKE:
                made = change.remove(current, code, p["reason"])
            elif does == code_tables.MOVE:  # the voter stays listed, at the TPS proposed
                made = _move_change(p, current)
                if made is None:
                    skipped.append(f"{p['finding_key']}: {code} memindahkan pemilih ke TPS lain di desa yang sama; "
                                   "temuan tidak menyebut TPS tujuan yang sah, pemilih tidak diubah")
            else:
                made = _set_change(p, current)
                if made is None:
                    skipped.append(f"{p['finding_key']}: kolom '{p['field']}' tidak dikenal")
        elif does == code_tables.ADD:
            if registry is None:
                registry = _registry_by_nik(chosen.filter(pl.col("code") == "B")["registry_nik"])
            record = registry.get(p["registry_nik"] or "")
            key = NEW_VOTER_PREFIX + (p["registry_nik"] or "")
            if record is None or voters.get(key) is not None:
                skipped.append(f"{p['finding_key']}: data Disdukcapil tidak ada atau pemilih sudah ditambahkan")
            else:
                made = change.add(_new_voter(key, voters.next_position(), record, p["kode_desa"]),
                                  p["reason"])
        # Other codes (data quality, notes) are recorded as decisions; the list stays as it is.
        if made is not None:
            changes.append(made)
            voters.apply(made)
    return changes, skipped


def _move_change(p: dict, current: dict) -> events.Correction | None:
    """A move to the TPS the finding proposes, judged as a TPS; None without a valid one."""
    proposed = judges.tps(p["proposed"])
    if not proposed.ok or proposed.value is None:
        return None
    return change.move(current, proposed.value, p["code"], p["reason"])


def _set_change(p: dict, current: dict) -> events.Correction | None:
    column = COLUMN_OF_FIELD.get((p["field"] or "").strip().upper())
    if column is None:
        return None
    return change.set_value(current, column, p["proposed"], p["reason"])


def _new_voter(key: str, position: int, record: dict, kode_desa: str | None) -> dict:
    row = change.new_voter_row(key, position, {c: record[c] for c in NEW_VOTER_COLUMNS},
                               int(record["record_id"]))
    row["kode_desa"] = kode_desa or record["kode_wilayah"]
    return row


def _registry_by_nik(niks: pl.Series) -> dict[str, dict]:
    """The latest registry record of each NIK asked for."""
    rows = _registry_rows(niks.drop_nulls().to_list()).unique("nik", keep="last", maintain_order=True)
    return {r["nik"]: r for r in rows.iter_rows(named=True)}
