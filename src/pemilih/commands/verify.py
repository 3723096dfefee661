"""`pemilih verify`: check a voter list against the civil registry and write the findings.

    pemilih verify --list DPT.csv --registry disdukcapil.csv --on 2027-03-17 --out hasil/
    pemilih verify --workspace pemilih-data --registry disdukcapil.csv --on 2027-03-17 --out hasil/

Writes hasil/findings.csv and hasil/findings.xlsx (formats.md section 4). Exit status 0 when
it ran (findings are the point, not an error), 1 when it ran but a file was refused whole,
2 when the input cannot be used at all.
"""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import date

from pemilih.domain.codes import DEFAULT_REGIME, regimes
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    p = sub.add_parser(
        "verify", help="verifikasi daftar pemilih terhadap data Disdukcapil",
        description="Mencocokkan setiap baris daftar pemilih dengan data Disdukcapil (NIK dulu, lalu "
                    "pencocokan probabilistik untuk sisanya), mencari pemilih ganda, lalu menulis "
                    "temuan (TMS, U, B, mutu data) ke findings.csv dan findings.xlsx.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--list", nargs="+", metavar="BERKAS", dest="lists", help="daftar pemilih KPU (XLSX/CSV)")
    src.add_argument("--workspace", metavar="FOLDER", help="pakai daftar terkini di ruang kerja ini")
    p.add_argument("--registry", nargs="+", required=True, metavar="BERKAS", help="ekstrak Disdukcapil")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="hari pemungutan suara (aturan umur)")
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder hasil")
    p.add_argument("--rezim", default=None, choices=regimes(),
                   help=f"tabel kode (bawaan: PILKALEM bila --dps diberikan, selain itu {DEFAULT_REGIME})")
    p.add_argument("--dps", metavar="YYYY-MM-DD", default=None,
                   help="tanggal penetapan DPS (aturan domisili 6 bulan Pilkalem)")
    p.add_argument("--model", metavar="BERKAS", default=None,
                   help="model pencocokan hasil `pemilih train-linkage` (bawaan: model bawaan)")
    p.set_defaults(func=run)
    return p


def _day(text: str | None, label: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label} '{text}' bukan tanggal YYYY-MM-DD") from None


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


# The columns verification uses; the others are dropped as soon as a file is read.
KEEP = {"kpu": ["source_ref", "nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "status_kawin",
                "jenis_kelamin", "alamat", "rt", "rw", "kode_desa"],
        "registry": ["nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
                     "alamat", "rt", "rw", "kode_wilayah", "pekerjaan", "status", "tgl_mati", "tgl_pindah",
                     "kode_wilayah_tujuan", "tgl_datang"]}


def _load_engine() -> None:
    import pemilih.engine.findings  # noqa: F401  (Polars, DuckDB)
    import pemilih.io.findings  # noqa: F401
    import splink  # noqa: F401
    from splink import DuckDBAPI, Linker  # noqa: F401


def _read(paths: list[str], kind: str):
    """(records with the columns verification uses, problems, files refused)."""
    from pemilih.io.read import read_files
    result = read_files(paths, kind=kind)
    return result.records.select(KEEP[kind]).rechunk(), result.problems, result.refused


def _read_inputs(args):
    """(list records, list problems or None, registry records, files refused).

    The files are read one after the other in this process, the registry first: each reader's
    working memory goes back to the system before the next starts (see run()), so two readers
    side by side would only raise the peak, and each already keeps both cores busy. The
    libraries verification needs are imported meanwhile (Polars lets go of Python's lock
    while it parses)."""
    import threading
    engine = threading.Thread(target=_load_engine, name="muat-mesin", daemon=True)
    engine.start()
    try:
        registry, _, refused = _read(args.registry, "registry")
        if args.workspace:
            from pemilih.store.projection import current_list
            from pemilih.store.workspace import open_workspace
            records, problems = current_list(open_workspace(args.workspace)), None
        else:
            records, problems, refused_list = _read(args.lists, "kpu")
            refused = refused + refused_list
    finally:
        engine.join()
    for line in refused:
        print(f"DITOLAK: {line}", file=sys.stderr)
    return records, problems, registry, refused


def run(args) -> int:
    # Polars' allocator (jemalloc) keeps freed pages for seconds; handing them back within
    # 0.1 s, by jemalloc's own background thread, keeps a regency's verification at a fraction
    # of the memory. (Handing them back at once, from the thread that frees them, costs a
    # second of system time in page faults.) Works because nothing has loaded Polars yet when
    # a command starts.
    os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0")
    try:
        on, dps = _day(args.on, "--on"), _day(args.dps, "--dps")
    except ValueError as exc:
        return _fail(str(exc))
    regime = args.rezim or ("PILKALEM" if dps else DEFAULT_REGIME)
    started = time.perf_counter()
    try:
        model = None
        if args.model:
            with open(args.model, encoding="utf-8") as fh:
                model = json.load(fh)
        records, problems, registry, refused = _read_inputs(args)
    except Exception as exc:  # the boundary: a user never sees a traceback
        return _fail(f"Gagal membaca masukan: {mask_digits_in_text(exc)}")
    if records.height == 0 or registry.height == 0:
        return _fail("Tidak ada baris yang dapat diverifikasi (daftar atau data Disdukcapil kosong).")
    read_s = time.perf_counter() - started
    from pemilih.engine.findings import verify
    from pemilih.io.findings import write_all
    try:
        result = verify(records, registry, on, regime, dps, problems, model)
    except Exception as exc:  # an engine fault: said plainly, not as a traceback
        return _fail(f"Verifikasi gagal ({type(exc).__name__}): {mask_digits_in_text(exc)}")
    n_list, n_registry = records.height, registry.height
    del records, registry, problems  # the findings are all that is left to write
    t = time.perf_counter()
    try:
        paths = write_all(result.findings, args.out)
    except OSError as exc:
        return _fail(f"Gagal menulis hasil ke {args.out}: {exc}")
    result.seconds["tulis"] = time.perf_counter() - t
    _report(result, n_list, n_registry, paths, read_s, time.perf_counter() - started)
    return 1 if refused else 0  # like `receive`: a file refused whole is worth a non-zero status


def _report(result, n_list: int, n_registry: int, paths: dict, read_s: float, total_s: float) -> None:
    counts = result.findings.group_by("code").len().sort("code")
    by_nik = int((result.links["method"] == "nik").sum())
    by_prob = result.links.height - by_nik
    print(f"Daftar: {n_list} baris; Disdukcapil: {n_registry} penduduk.")
    print(f"Cocok lewat NIK: {by_nik}; lewat pencocokan probabilistik: {by_prob} "
          f"(dari {result.residual} baris sisa); tidak ditemukan: {n_list - by_nik - by_prob}.")
    print("Temuan: " + ", ".join(f"{c} {n}" for c, n in counts.iter_rows()))
    stages = ", ".join(f"{k} {v:.1f}" for k, v in result.seconds.items())
    print(f"Ditulis: {paths['csv']} dan {paths['xlsx']}.")
    print(f"Waktu: {total_s:.1f} detik (baca berkas {read_s:.1f}; {stages}).")
