"""`pemilih verify`: check a voter list against the civil registry and write the findings.

    pemilih verify --list DPT.csv --registry disdukcapil.csv --on 2027-03-17 --out hasil/
    pemilih verify --workspace pemilih-data --registry disdukcapil.csv --on 2027-03-17 --out hasil/

Writes hasil/findings.csv and hasil/findings.xlsx (formats.md section 4) and Disdukcapil's
verification minutes hasil/ba_verifikasi.pdf (numbered when a workspace records the number). Exit status 0 when
it ran (findings are the point, not an error), 1 when it ran but a file was refused whole,
2 when the input cannot be used at all.
"""
from __future__ import annotations

import getpass
import os
import sys
import time
from datetime import date

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    from pemilih.contract import KPU_REGIME, VILLAGE_REGIME
    from pemilih.cycle.verify_engine import ENGINES
    from pemilih.domain.codes import regimes
    p = sub.add_parser(
        "verify", help="verifikasi daftar pemilih terhadap data Disdukcapil",
        description="Mencocokkan setiap baris daftar pemilih dengan data Disdukcapil (NIK dulu, lalu "
                    "pencocokan probabilistik untuk sisanya), mencari pemilih ganda, lalu menulis "
                    "temuan (TMS, U, B, mutu data) ke findings.csv dan findings.xlsx.")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--list", nargs="+", metavar="BERKAS", dest="lists", help="daftar pemilih KPU (XLSX/CSV)")
    src.add_argument("--workspace", metavar="FOLDER", help="pakai daftar terkini di ruang kerja ini")
    p.add_argument("--registry", nargs="+", required=True, metavar="BERKAS",
                   help="ekstrak Disdukcapil, biasa atau terenkode (`pemilih registry encode`)")
    p.add_argument("--key-file", metavar="BERKAS", default=None,
                   help="berkas kunci ekstrak terenkode (`pemilih registry key`); wajib bila ekstraknya terenkode")
    p.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="hari pemungutan suara (aturan umur)")
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder hasil")
    p.add_argument("--rezim", default=None, choices=regimes(),
                   help=f"tabel kode (bawaan: {VILLAGE_REGIME} bila --dps diberikan, selain itu {KPU_REGIME})")
    p.add_argument("--dps", metavar="YYYY-MM-DD", default=None,
                   help="tanggal penetapan DPS (aturan domisili 6 bulan Pilkalem)")
    p.add_argument("--model", metavar="BERKAS", default=None,
                   help="model pencocokan hasil `pemilih train-linkage` (bawaan: model bawaan)")
    p.add_argument("--perkiraan-ulang", choices=sorted(ESTIMATE), default="otomatis",
                   help="perkirakan ulang model pencocokan pada data ini: otomatis (bila banyak baris tanpa "
                        "NIK yang cocok), selalu (sumber data baru), tidak (bawaan: otomatis)")
    p.add_argument("--engine", choices=ENGINES, default=ENGINES[0],
                   help="mesin pencocokan: duckdb (satu mesin, bawaan) atau spark (Splink di Spark; perlu "
                        "pyspark dan Java 17, `pip install 'pemilih[spark]'`)")
    p.add_argument("--spark-master", metavar="URL", default=None,
                   help="master Spark untuk --engine spark, mis. spark://host:7077 (bawaan: local[2], "
                        "di komputer ini)")
    p.add_argument("--penerima", choices=["DPML", "PANITIA"], default="DPML",
                   help="penerima hasil verifikasi dalam berita acara (bawaan: DPML)")
    p.add_argument("--tempat", default=None, help="tempat penandatanganan berita acara (bawaan: Rantepao)")
    p.add_argument("--oleh", default=None, help="nama petugas Disdukcapil (bawaan: pengguna sistem)")
    p.set_defaults(func=run)
    return p


# --perkiraan-ulang: the choices and what the engine is told (engine/link_estimate.needed).
ESTIMATE = {"otomatis": None, "selalu": True, "tidak": False}


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


def run(args) -> int:
    # Polars' allocator (jemalloc) keeps freed pages for seconds; handing them back within
    # 0.1 s, by jemalloc's own background thread, keeps a regency's verification at a fraction
    # of the memory. (Handing them back at once, from the thread that frees them, costs a
    # second of system time in page faults.) Works because nothing has loaded Polars yet when
    # a command starts.
    os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0")
    from pemilih.cycle import verify
    from pemilih.cycle.common import StepError, Who
    started = time.perf_counter()
    try:
        # The minutes' number is Disdukcapil's, issued in the workspace (none without one).
        who = Who(args.oleh or getpass.getuser(), "DISDUKCAPIL", "Berita acara verifikasi data pemilih")
        request = verify.VerifyRequest(
            on=_day(args.on, "--on"), out_dir=args.out, list_paths=tuple(args.lists or ()),
            registry_paths=tuple(args.registry), dps_set_on=_day(args.dps, "--dps"), regime=args.rezim,
            model_path=args.model, who=who, receiver=args.penerima, place=args.tempat or verify.DEFAULT_PLACE,
            key_path=args.key_file, estimate=ESTIMATE[args.perkiraan_ulang], engine=args.engine,
            spark_master=args.spark_master)
    except (ValueError, StepError) as exc:
        return _fail(mask_digits_in_text(exc))
    try:
        ws = common.workspace(args) if args.workspace else None
        with common.progress() as shown:
            out = verify.run(ws, request, shown)
    except StepError as exc:
        return _fail(mask_digits_in_text(exc))
    except Exception as exc:  # an engine fault: said plainly, not as a traceback
        return _fail(f"Verifikasi gagal ({type(exc).__name__}): {mask_digits_in_text(exc)}")
    if ws is not None:  # findings name voters: an export of personal data
        from pemilih.cycle import audit
        audit.record_export(ws, actor=getpass.getuser(),
                            action="temuan-verifikasi", scope={"berkas": str(args.out)}, rows=out.findings.height)
    for line in out.refused:
        print(f"DITOLAK: {line}", file=sys.stderr)
    _report(out, time.perf_counter() - started)
    return 1 if out.refused else 0  # like `receive`: a file refused whole is worth a non-zero status


def _report(out, total_s: float) -> None:
    print(f"Daftar: {out.list_rows} baris; Disdukcapil: {out.registry_rows} penduduk.")
    unfound = out.list_rows - out.by_nik - out.by_probability - out.uncertain
    print(f"Cocok lewat NIK: {out.by_nik}; lewat pencocokan probabilistik: {out.by_probability} "
          f"(dari {out.residual} baris sisa); belum pasti, diperiksa petugas: {out.uncertain}; "
          f"tidak ditemukan: {unfound}.")
    if out.estimated:
        print("Banyak baris tanpa NIK yang cocok: model pencocokan diperkirakan ulang pada data ini "
              "(hanya untuk verifikasi ini; model bawaan tidak diubah).")
    print("Temuan: " + ", ".join(f"{c} {n}" for c, n in out.counts.items()))
    stages = ", ".join(f"{k} {v:.1f}" for k, v in out.seconds.items())
    print(f"Ditulis: {out.paths['csv']} dan {out.paths['xlsx']}; berita acara: {out.paths['ba_verifikasi']}.")
    print(f"Waktu: {total_s:.1f} detik ({stages}).")
