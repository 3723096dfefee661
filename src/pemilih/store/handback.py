"""`pemilih handback`: DPML's hand-back package to KPU (formats.md section 5).

The changes are taken against the list KPU shared (the last imported list): voters in the
current list and not in it are new (B); voters gone from it are not eligible, with the code
and evidence of the change that removed them (TMS-n); fields that differ are corrections (U,
old and new value). With them go the resulting list, the recap for the period and the minutes.
The export rests on the data-sharing agreement and is recorded as a transfer event.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from pemilih.io import package, xlsx_tables
from pemilih.io.recap_xlsx import write_recap
from pemilih.contract import (CHANGE_CODE, CHANGE_CODE_MEANING, CHANGE_EVIDENCE, CHANGE_KEY,
                              CORRECTED_COLUMNS, KPU_COLUMNS, KPU_HEADERS, LIST_SHEET, PACKAGE_CHANGES,
                              PACKAGE_LIST, PACKAGE_RECAP, SHEET_CORRECTED, SHEET_NEW, SHEET_TMS)
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
class HandbackOutcome:
    path: Path
    manifest: dict
    counts: dict[str, int]


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


def build(ws, out_dir: Path, *, period: str, agreement: str, on: date, regime: str, actor: str,
          agency: str = "DPML", reason: str, place: str = "Rantepao",
          parties: list[dict] | None = None) -> HandbackOutcome:
    ws.activate()
    base = base_batch()
    start = base.created.astimezone(recap.ZONE).date()
    # One read of the list and one replay of the log serve the diff, the list and the recap.
    now = bulk.read_frame(f'SELECT "key", {", ".join(KPU_COLUMNS)} FROM store_voter ORDER BY position',
                          ["key", *KPU_COLUMNS])
    found = history.period(*recap.bounds(start, on))
    changes = diff(base, found, now)
    villages = sorted(set(pl.concat([changes.added["kode_desa"], changes.removed["kode_desa"],
                                     changes.corrected["kode_desa"]]).drop_nulls().to_list()))
    terms = agreements.agreement_for(ws, agreement, on=on, provider=agency, recipient="KPU",
                                     villages=villages, elements=KPU_COLUMNS)
    summary = recap.recap(ws, start, on, regime, found=found)
    counts = _counts(changes, summary)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        folder = Path(tmp)
        _write_changes(changes, folder / PACKAGE_CHANGES, regime)
        _write_list(folder / PACKAGE_LIST, now)
        write_recap(summary, str(folder / PACKAGE_RECAP), title=f"Rekapitulasi daftar pemilih {period}")
        manifest = _manifest(ws, base, period, counts, folder)
        _write_minutes(folder / package.MINUTES, manifest, counts, place, on, parties or [], terms)
        manifest["files"][package.MINUTES] = {"sha256": package.sha256_file(folder / package.MINUTES)}
        path = package.write_zip(folder, manifest, out_dir / package.package_name(
            _regency(), period, manifest["manifest_sha256"]))
    agreements.record_transfer(terms, events.DataTransferred(
        what="paket serah-kembali", file=path.name, sha256=package.sha256_file(path),
        manifest_sha256=manifest["manifest_sha256"], counts=counts), actor=actor, agency=agency, reason=reason)
    return HandbackOutcome(path, manifest, counts)


def _counts(changes: Diff, summary) -> dict[str, int]:
    counts = {"B": changes.added.height}
    for code, n in changes.removed.group_by("code").len().sort("code").iter_rows():
        counts[code] = n
    counts["U"] = changes.corrected["key"].n_unique()
    counts["U_fields"] = changes.corrected.height
    counts["pemilih_awal"] = summary.total.get("awal_jml", 0)
    counts["pemilih_akhir"] = summary.total.get("akhir_jml", 0)
    return counts


def _regency() -> str:
    code = bulk.read_frame("SELECT kode_desa FROM store_voter WHERE kode_desa IS NOT NULL LIMIT 1", ["k"])
    return code["k"][0][:5] if code.height else "00.00"


def _write_changes(changes: Diff, path: Path, regime: str) -> None:
    from pemilih.domain.codes import code_table
    kpu = [pl.col(c).alias(KPU_HEADERS[c]) for c in KPU_COLUMNS]
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, SHEET_NEW, changes.added.select(
            pl.col("key").alias(CHANGE_KEY), pl.lit("B").alias(CHANGE_CODE), *kpu,
            pl.col("evidence").alias(CHANGE_EVIDENCE)))
        removed = changes.removed.sort("code", "kode_desa", maintain_order=True)
        xlsx_tables.text_sheet(book, SHEET_TMS, removed.select(
            pl.col("key").alias(CHANGE_KEY), pl.col("code").alias(CHANGE_CODE),
            pl.col("code").replace_strict({c: v.label for c, v in code_table(regime).items()},
                                          default=pl.col("code"), return_dtype=pl.String)
            .alias(CHANGE_CODE_MEANING),
            *kpu, pl.col("evidence").alias(CHANGE_EVIDENCE)))
        corrected = changes.corrected.sort("kode_desa", "key", maintain_order=True)
        xlsx_tables.text_sheet(book, SHEET_CORRECTED, corrected.select(
            pl.col(c).alias(name) for c, name in zip(
                ["key", "nik", "nama", "kode_desa", "column", "old", "new", "evidence"], CORRECTED_COLUMNS)))


def _write_list(path: Path, now: pl.DataFrame) -> None:
    """The resulting list in the layout of formats.md section 2, per village and TPS."""
    frame = now.sort(["kode_desa", "tps"], nulls_last=True, maintain_order=True)
    with xlsx_tables.workbook(str(path)) as book:
        xlsx_tables.text_sheet(book, LIST_SHEET, frame.select(pl.col(c).alias(KPU_HEADERS[c]) for c in KPU_COLUMNS))


def _manifest(ws, base: ImportBatch, period: str, counts: dict, folder: Path) -> dict:
    manifest = {
        "schema_version": package.SCHEMA_VERSION, "regency": _regency(), "period": period,
        "source_list": {"id": f"batch-{base.pk}", "sha256": base.sha256,
                        "files": [f.name for f in base.files.all()], "rows": base.row_count},
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "counts": counts,
        "files": {n: {"sha256": package.sha256_file(folder / n)} for n in package.DATA_FILES},
    }
    manifest["manifest_sha256"] = package.manifest_hash(manifest)
    return manifest


def _write_minutes(path: Path, manifest: dict, counts: dict, place: str, day: date,
                   parties: list[dict], terms) -> None:
    from pemilih.io.minutes_pdf import write_minutes
    lines = [("Pemilih pada awal periode", counts["pemilih_awal"]), ("Pemilih baru (B)", counts["B"])]
    lines += [(f"Tidak memenuhi syarat {code}", n) for code, n in counts.items() if code.startswith("TMS")]
    lines += [("Pemilih dengan perbaikan data (U)", counts["U"]),
              ("Pemilih pada akhir periode", counts["pemilih_akhir"])]
    write_minutes(
        str(path), title="BERITA ACARA SERAH TERIMA DATA PEMILIH HASIL PEMILIHAN KEPALA LEMBANG",
        number=f"BA/{manifest['regency']}/{manifest['period']}", place=place, day=day,
        parties=parties or [{"name": "Kepala DPML", "role": "Yang menyerahkan", "agency": "DPML"},
                            {"name": "Ketua KPU Kabupaten", "role": "Yang menerima", "agency": "KPU"}],
        counts=lines, manifest_sha256=manifest["manifest_sha256"],
        notes=[f"Data diserahkan berdasarkan perjanjian {terms.number}: {terms.purpose}.",
               f"Daftar asal: {', '.join(manifest['source_list']['files'])} "
               f"(sidik {manifest['source_list']['sha256'][:16]}).",
               "Data ini merupakan data dukung pemutakhiran data pemilih berkelanjutan (PDPB)."])
