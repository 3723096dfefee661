"""Step part: Disdukcapil's verification minutes (berita acara verifikasi data pemilih), printed
beside findings.csv whenever the verification step writes its findings.

Who signs (Disdukcapil, and the receiver: DPML, or the village committee), their full names
and NIPs, and the number come from cycle/documents: the number is issued once per set of
findings (the subject is the findings' SHA-256, so verifying the same list against the same
extract again prints the same number) and only with a workspace to record it in; without one
the number is a dotted line to fill in by hand. The counts per code, their meanings and L/P
are engine/findings_counts's.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pemilih.contract import FINDINGS_FILE_XLSX
from pemilih.cycle.common import Who

KIND, AGENCY = "ba_verifikasi", "DISDUKCAPIL"  # cycle/documents.DOCUMENT_KINDS
RECEIVERS = ("DPML", "PANITIA")


@dataclass(frozen=True)
class Verified:
    """What was verified, as the minutes describe it."""

    list_line: str
    registry_line: str
    rows: int  # list rows verified
    by_nik: int
    by_probability: int


def write(ws, path: Path, *, findings, coded, regime: str, on: date, dps_set_on: date | None, verified: Verified,
          findings_csv: str, who: Who | None, day: date, place: str, receiver: str = "DPML",
          regency: str = "") -> Path:
    """The minutes of a verification to path. `coded`: code and sex per finding
    (engine/findings_counts.with_sex); `who`: who issues the number (none without a workspace);
    `regency`: the regency's name when no workspace says it."""
    from pemilih.cycle import documents
    from pemilih.engine import findings_counts
    from pemilih.io.verification_pdf import write_verification_minutes
    stored = documents.settings(ws) if ws is not None else {}
    regency = (documents.regency_of(ws) if ws is not None else "") or regency
    head, taker = (documents.profile(stored, agency, regency) for agency in (AGENCY, receiver))
    parties = [{"name": p.signer, "nip": p.nip, "position": p.position, "agency": p.full_name}
               for p in (head, taker)]
    number = ""
    if ws is not None and who is not None:
        number = documents.issue(ws, AGENCY, KIND, day, f"VERIFIKASI/{_sha256(findings_csv)[:16]}", who)
    counted = findings_counts.by_code(coded, regime)
    rows = [(f"{code}: {findings_counts.meaning(code, regime)}", men, women, n) for code, men, women, n in counted]
    total = (f"Jumlah temuan {_thousands(findings.height)} (L {_thousands(sum(r[1] for r in counted))}, "
             f"P {_thousands(sum(r[2] for r in counted))}).")
    meanings = [f"{code}: {findings_counts.meaning(code, regime)}; {findings_counts.effect_text(code, regime)}"
                for code, *_ in counted]
    not_found = verified.rows - verified.by_nik - verified.by_probability
    inputs = [verified.list_line, verified.registry_line,
              f"Cocok lewat NIK {_thousands(verified.by_nik)} baris, lewat pencocokan data lain "
              f"{_thousands(verified.by_probability)} baris, tidak ditemukan di data kependudukan "
              f"{_thousands(not_found)} baris."]
    rules = f"Umur dihitung pada hari pemungutan suara {on:%d-%m-%Y}"
    if dps_set_on is not None:
        rules += f"; domisili dihitung terhadap tanggal penetapan DPS {dps_set_on:%d-%m-%Y}"
    notes = [f"{rules}; kode menurut tabel {regime}.",
             f"Rincian setiap temuan ada di {os.path.basename(findings_csv)} dan {FINDINGS_FILE_XLSX} "
             f"({_thousands(findings.height)} baris) untuk ditelaah PIHAK KEDUA; berita acara ini memuat jumlah "
             "saja, tanpa NIK.",
             "L/P menurut jenis kelamin di daftar (pemilih baru: di data kependudukan); temuan yang jenis kelaminnya "
             "tidak diketahui hanya dihitung pada kolom Jumlah."]
    return write_verification_minutes(
        path, number=number, place=place, day=day, parties=parties,
        subtitle=f"terhadap data kependudukan {head.full_name}", inputs=inputs, counts=rows, total=total,
        meanings=meanings, notes=notes, letterhead_of=(head.full_name,))


def described(paths: tuple[str, ...], rows: int, what: str) -> str:
    """`<what>: a.csv, b.xlsx (berkas tanggal 01-03-2027), 1.234 baris`: files by name and date."""
    days = sorted({date.fromtimestamp(os.path.getmtime(p)) for p in paths if os.path.exists(p)})
    when = f" (berkas tanggal {', '.join(f'{d:%d-%m-%Y}' for d in days)})" if days else ""
    return f"{what}: {', '.join(os.path.basename(p) for p in paths)}{when}, {_thousands(rows)} baris"


def received(ws, kind: str, rows: int, what: str, batch_id: int | None = None, current: bool = False) -> str:
    """The batch of `kind` the workspace received (the latest, or batch_id), by its files' names
    and the day it was received; `current`: the list as it stands now, changes included."""
    from pemilih.store.recap import ZONE
    from pemilih.store.receive import latest_batch
    batch = None
    if batch_id is not None:
        from pemilih.store.models import ImportBatch
        batch = ImportBatch.objects.filter(pk=batch_id, kind=kind).first()
    batch = batch or latest_batch(ws, kind)
    if batch is None:
        return f"{what}, {_thousands(rows)} baris"
    names = ", ".join(f.name for f in batch.files.all().order_by("id"))
    day = batch.created.astimezone(ZONE).date()
    text = f"{what}: {names} (diterima {day:%d-%m-%Y})"
    if current:
        text += " beserta perubahan yang tercatat sesudahnya"
    return f"{text}, {_thousands(rows)} baris"


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
