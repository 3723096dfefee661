"""The audit: is the log as it was written, and is the current list what the log says?
And who saw or took personal data (the access log)?

`verify(ws)` checks the hash chain of every event (store/chain.py: each event's hash over its
stored fields and its predecessor's hash, the first from the zero hash) and that the current
list equals the replay of the log; `holds` is False on any break. `accesses(ws, request)` lists
the access log. `record_export(ws, who, ...)` is how a step that writes personal data to a
file (share, handback, verify) records it, through the store's one writer.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from pemilih.cycle.common import SILENT, Progress, StepError


@dataclass(frozen=True)
class AuditOutcome:
    chain: object  # store.audit.ChainCheck
    projection: object  # store.audit.ProjectionCheck

    @property
    def holds(self) -> bool:
        return self.chain.holds and self.projection.holds

    def lines(self) -> list[str]:
        """What holds and what breaks, in Bahasa Indonesia."""
        c, p = self.chain, self.projection
        out = []
        if c.holds:
            out.append(f"UTUH: rantai hash {c.events:,} peristiwa tersambung dari hash nol sampai "
                       f"peristiwa #{c.last_seq if c.last_seq is not None else '-'}.")
        else:
            out.append(f"RUSAK: rantai hash {c.events:,} peristiwa putus di {len(c.breaks) + c.more} tempat:")
            out += [f"  - peristiwa #{b.seq} [{b.kind}]: {b.message}" for b in c.breaks]
            if c.more:
                out.append(f"  - dan {c.more} kerusakan lainnya")
        out.append(f"  hash terakhir (catat untuk pembanding kelak): {c.head}")
        if p.skipped:
            out.append("Daftar pemilih saat ini tidak dibandingkan dengan log (hanya rantai yang diperiksa).")
        elif p.error:
            out.append(f"RUSAK: log peristiwa tidak dapat diputar ulang: {p.error}")
        elif p.holds:
            out.append(f"UTUH: daftar pemilih saat ini ({p.voters:,} pemilih) sama dengan hasil "
                       "pemutaran ulang log peristiwa.")
        else:
            out.append(f"RUSAK: daftar pemilih saat ini ({p.voters:,} pemilih) berbeda dengan hasil "
                       f"pemutaran ulang log ({p.replayed:,} pemilih):")
            out += [f"  - tidak ada di daftar, ada di log: {k}" for k in p.missing]
            out += [f"  - ada di daftar, tidak ada di log: {k}" for k in p.extra]
            out += [f"  - isi berbeda dari log: {k}" for k in p.changed]
        return out

    def as_json(self) -> dict:
        c, p = self.chain, self.projection
        return {
            "utuh": self.holds,
            "rantai": {"utuh": c.holds, "peristiwa": c.events, "peristiwa_terakhir": c.last_seq,
                       "hash_terakhir": c.head, "kerusakan_lain": c.more,
                       "kerusakan": [asdict(b) for b in c.breaks]},
            "daftar": {"utuh": p.holds, "diperiksa": not p.skipped, "pemilih": p.voters,
                       "pemilih_log": p.replayed, "galat": p.error,
                       "tidak_ada_di_daftar": p.missing, "tidak_ada_di_log": p.extra, "berbeda": p.changed},
        }


def verify(ws, progress: Progress = SILENT, *, replay: bool = True) -> AuditOutcome:
    """The chain, and (unless `replay` is False) the current list against the log's replay."""
    from pemilih.store import audit
    progress.stage("Memeriksa rantai hash log peristiwa")
    chain = audit.check_chain(ws)
    if not replay:
        return AuditOutcome(chain, audit.ProjectionCheck(skipped=True))
    progress.stage("Memutar ulang log dan membandingkan dengan daftar saat ini")
    projection = audit.check_projection(ws)
    return AuditOutcome(chain, projection)


@dataclass(frozen=True)
class AccessRequest:
    since: date | None = None
    until: date | None = None
    actor: str | None = None
    limit: int | None = None

    def __post_init__(self):
        if self.since and self.until and self.until < self.since:
            raise StepError("Tanggal --sampai sebelum --dari")
        if self.limit is not None and self.limit < 1:
            raise StepError("Batas baris harus 1 atau lebih")


SCOPE_LABELS = {"desa": "desa", "pemilihan": "pemilihan", "daftar": "daftar", "berkas": "berkas",
                "tahap": "tahap", "cari": "cari", "pekerjaan": "pekerjaan"}


def describe_scope(scope: dict) -> str:
    """An access's scope as one line ("desa 7326012001; pemilihan PILKALEM-2026")."""
    return "; ".join(f"{SCOPE_LABELS.get(k, k)} {', '.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in sorted((scope or {}).items())) or "seluruh kabupaten"


def local_time(moment):
    from django.utils import timezone
    return timezone.localtime(moment)


def access_line(r) -> str:
    """One access as a line: when | who (agency, channel) | what | scope | rows | agreement."""
    rows = "-" if r.rows is None else f"{r.rows:,}"
    return (f"{local_time(r.at):%d-%m-%Y %H:%M:%S} | {r.actor} ({r.agency or '-'}, {r.channel}) | {r.action} | "
            f"{describe_scope(r.scope)} | {rows} baris | perjanjian {r.agreement or '-'}")


def accesses(ws, request: AccessRequest = AccessRequest()) -> list:
    from pemilih.store import audit
    return audit.accesses(ws, since=request.since, until=request.until, actor=request.actor,
                          limit=request.limit)


def record_export(ws, *, actor: str, agency: str = "", action: str, scope: dict | None = None,
                  rows: int | None = None, agreement: str = "") -> None:
    """An export of personal data to files from the command line, in the access log."""
    from pemilih.store import audit
    ws.activate()
    audit.record_access(actor=actor, agency=agency, channel=audit.CLI, action=action,
                        scope=scope, rows=rows, agreement=agreement)
