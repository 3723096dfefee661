"""What DPML's hand-back package to KPU is made of, from the store (the package itself is
written by the hand-back step, cycle/handback.py, with the writers of io/package.py).

The changes are taken against the list KPU shared (the last imported list): voters in the
current list and not in it are new (B); voters gone from it are not eligible, with the code
and evidence of the change that removed them (TMS-n); fields that differ are corrections (U,
old and new value). The export rests on the data-sharing agreement and is recorded as a
transfer event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
from pemilih.store import agreements, bulk, events, history, recap, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event, ImportBatch


class HandbackError(Exception):
    """The package cannot be built; the message says why (Bahasa Indonesia)."""


@dataclass
class Diff:
    added: pl.DataFrame  # key + KPU_COLUMNS + evidence
    removed: pl.DataFrame  # key + KPU_COLUMNS + code + evidence
    corrected: pl.DataFrame  # key, nik, nama, kode_desa, column, old, new, evidence


@dataclass
class Handing:
    """What a hand-back is made of, read once: the list KPU shared (its import batch), the
    current list, the log replayed since and the changes against the shared list."""

    base: ImportBatch
    start: date  # the day KPU's list was received (local time)
    now: pl.DataFrame  # key + KPU_COLUMNS, in list order
    found: history.Period
    changes: Diff
    regency: str  # the regency code of the list, e.g. 73.26

    @property
    def villages(self) -> list[str]:
        """The villages the changes touch (what the agreement must cover)."""
        return sorted(set(pl.concat([self.changes.added["kode_desa"], self.changes.removed["kode_desa"],
                                     self.changes.corrected["kode_desa"]]).drop_nulls().to_list()))

    @property
    def source_list(self) -> dict:
        return {"id": f"batch-{self.base.pk}", "sha256": self.base.sha256,
                "files": [f.name for f in self.base.files.all()], "rows": self.base.row_count}


def base_batch() -> ImportBatch:
    event = Event.objects.filter(kind=events.LIST_IMPORTED).order_by("-seq").first()
    if event is None:
        raise HandbackError("Ruang kerja belum berisi daftar dari KPU; tidak ada yang dikembalikan")
    return event.batch


def diff(base: ImportBatch, found: history.Period, now: pl.DataFrame) -> Diff:
    """The changes of the current list (`now`: key + KPU_COLUMNS) against the list KPU shared;
    `found` is the log replayed since (for the code and evidence of each change)."""
    cols = ", ".join(KPU_COLUMNS)
    shared = bulk.read_frame(f"SELECT source_ref, {cols} FROM store_sourcerecord WHERE batch_id = {int(base.pk)}",
                             ["key", *KPU_COLUMNS])
    why = found.reasons
    added = (now.join(shared.select("key"), on="key", how="anti")
             .join(why.select("key", "evidence"), on="key", how="left"))
    removed = (shared.join(now.select("key"), on="key", how="anti")
               .join(found.removals, on="key", how="left"))
    both = shared.join(now, on="key", suffix="_new")
    corrected = pl.concat([
        both.filter(~pl.col(c).eq_missing(pl.col(f"{c}_new"))).select(
            "key", pl.col("nik_new").alias("nik"), pl.col("nama_new").alias("nama"),
            pl.col("kode_desa_new").alias("kode_desa"), pl.lit(KPU_HEADERS[c]).alias("column"),
            pl.col(c).alias("old"), pl.col(f"{c}_new").alias("new"))
        for c in KPU_COLUMNS]).join(why.select("key", "evidence"), on="key", how="left")
    return Diff(added, removed.with_columns(pl.col("code").fill_null("TMS")), corrected)


def gather(ws, on: date) -> Handing:
    """Everything a hand-back on day `on` needs from the store: one read of the list and one
    replay of the log serve the diff, the list and the recap."""
    ws.activate()
    base = base_batch()
    start = base.created.astimezone(recap.ZONE).date()
    now = bulk.read_frame(f'SELECT "key", {", ".join(KPU_COLUMNS)} FROM store_voter ORDER BY position',
                          ["key", *KPU_COLUMNS])
    found = history.period(*recap.bounds(start, on))
    return Handing(base, start, now, found, diff(base, found, now), _regency())


def record(terms, *, file: str, sha256: str, manifest_sha256: str, counts: dict, actor: str, agency: str,
           reason: str) -> None:
    """The package handed over, as a transfer event under its agreement."""
    agreements.record_transfer(terms, events.DataTransferred(
        what="paket serah-kembali", file=file, sha256=sha256, manifest_sha256=manifest_sha256, counts=counts),
        actor=actor, agency=agency, reason=reason)


def counts(changes: Diff, summary) -> dict[str, int]:
    """The package's counts: new, removed per code, corrected (voters and fields), start and end."""
    counts = {"B": changes.added.height}
    for code, n in changes.removed.group_by("code").len().sort("code").iter_rows():
        counts[code] = n
    counts["U"] = changes.corrected["key"].n_unique()
    counts["U_fields"] = changes.corrected.height
    counts["pemilih_awal"] = summary.total.get("awal_jml", 0)
    counts["pemilih_akhir"] = summary.total.get("akhir_jml", 0)
    counts["belum_punya_desa"] = summary.unresolved  # of pemilih_akhir: voters still without a village
    return counts


def _regency() -> str:
    code = bulk.read_frame("SELECT kode_desa FROM store_voter WHERE kode_desa IS NOT NULL LIMIT 1", ["k"])
    return code["k"][0][:5] if code.height else "00.00"
