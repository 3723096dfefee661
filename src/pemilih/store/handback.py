"""What DPML's hand-back package to KPU is made of, from the store (the package itself is
written by the hand-back step, cycle/handback.py, with the writers of io/package.py).

The store reads what the package is made of: the list KPU shared (the last imported list),
the village's list now, the log replayed since (the code and evidence of every change) and
each voter's TPS in the election; engine/pdpb.py reads them under KPU's rules. The export
rests on the data-sharing agreement and is recorded as a transfer event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pemilih.contract import KPU_COLUMNS
from pemilih.store import agreements, bulk, elections, events, history, recap, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, ImportBatch


class HandbackError(Exception):
    """The package cannot be built; the message says why (Bahasa Indonesia)."""


@dataclass
class Handing:
    """What a hand-back is read from, once: the list KPU shared (its import batch and rows),
    the village's list now, the log replayed since and each voter's TPS in the election."""

    base: ImportBatch
    start: date  # the day KPU's list was received (local time)
    shared: pl.DataFrame  # key + KPU_COLUMNS, as KPU shared it
    now: pl.DataFrame  # key + KPU_COLUMNS, in list order
    found: history.Period
    election_tps: pl.DataFrame  # key, tps_number
    regency: str  # the regency code of the list, e.g. 73.26

    @property
    def source_list(self) -> dict:
        return {"id": f"batch-{self.base.pk}", "sha256": self.base.sha256,
                "files": [f.name for f in self.base.files.all()], "rows": self.base.row_count}


def base_batch() -> ImportBatch:
    event = Event.objects.filter(kind=events.LIST_IMPORTED).order_by("-seq").first()
    if event is None:
        raise HandbackError("Ruang kerja belum berisi daftar dari KPU; tidak ada yang dikembalikan")
    return event.batch


def gather(ws, on: date) -> Handing:
    """Everything a hand-back on day `on` needs from the store: one read of the list and one
    replay of the log serve the changes, the list and the recap."""
    ws.activate()
    base = base_batch()
    start = base.created.astimezone(recap.ZONE).date()
    cols = ", ".join(KPU_COLUMNS)
    shared = bulk.read_frame(f"SELECT source_ref, {cols} FROM store_sourcerecord WHERE batch_id = {int(base.pk)}",
                             ["key", *KPU_COLUMNS])
    now = bulk.read_frame(f'SELECT "key", {cols} FROM store_voter ORDER BY position', ["key", *KPU_COLUMNS])
    found = history.period(*recap.bounds(start, on))
    return Handing(base, start, shared, now, found, elections.election_tps(ws), _regency())


def record(terms, *, file: str, sha256: str, manifest_sha256: str, counts: dict, actor: str, agency: str,
           reason: str) -> None:
    """The package handed over, as a transfer event under its agreement."""
    agreements.record_transfer(terms, events.DataTransferred(
        what="paket serah-kembali", file=file, sha256=sha256, manifest_sha256=manifest_sha256, counts=counts),
        actor=actor, agency=agency, reason=reason)


def regency_code(ws) -> str:
    """The regency code (`73.26`) of the workspace's list, `00.00` when it has none."""
    ws.activate()
    return _regency()


def _regency() -> str:
    code = bulk.read_frame("SELECT kode_desa FROM store_voter WHERE kode_desa IS NOT NULL LIMIT 1", ["k"])
    return code["k"][0][:5] if code.height else "00.00"
