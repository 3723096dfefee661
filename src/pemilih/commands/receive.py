"""`pemilih receive FILE...`: import KPU lists and civil-registry extracts into a workspace.

Runs the same readers as `pemilih check`; rows with problems are imported with their problems
recorded on the row, a file that cannot be read or lacks a required column is refused whole,
and importing the same files again changes nothing.
"""
from __future__ import annotations

import getpass
import sys

from pemilih.domain.masking import mask_digits_in_text

AGENCIES = ["KPU", "DPML", "PANITIA", "DISDUKCAPIL", "PUBLIK"]
DEFAULT_BASIS = "Perjanjian kerja sama berbagi data pemilih KPU dan DPML"


def register(sub):
    p = sub.add_parser(
        "receive", aliases=["import"],
        help="impor daftar pemilih KPU atau ekstrak Disdukcapil ke ruang kerja",
        description="Impor berkas (XLSX/CSV) ke ruang kerja sebagai snapshot tetap (SHA-256). "
                    "Baris bermasalah tetap diimpor dengan catatan masalahnya; berkas yang tidak "
                    "terbaca atau tanpa kolom wajib ditolak utuh. Impor ulang berkas yang sama "
                    "tidak mengubah apa pun.")
    p.add_argument("files", nargs="+", metavar="BERKAS")
    p.add_argument("--workspace", default="pemilih-data", help="folder ruang kerja (bawaan: ./pemilih-data)")
    p.add_argument("--oleh", default=None, help="nama petugas yang mengimpor (bawaan: pengguna sistem)")
    p.add_argument("--lembaga", choices=AGENCIES, default=None,
                   help="lembaga asal data (bawaan: KPU untuk daftar, DISDUKCAPIL untuk ekstrak)")
    p.add_argument("--alasan", default=None, help="alasan impor")
    p.add_argument("--dasar-hukum", default=DEFAULT_BASIS, help="dasar hukum / perjanjian")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from pemilih.store.receive import ImportRefused
    from pemilih.store.workspace import WorkspaceError

    try:
        return _receive(args)
    except (ImportRefused, WorkspaceError) as exc:
        print(f"Impor dibatalkan, ruang kerja tidak berubah: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the boundary: a user never sees a traceback
        print(f"Impor gagal, ruang kerja tidak berubah ({type(exc).__name__}): {mask_digits_in_text(exc)}",
              file=sys.stderr)
        return 2


def _receive(args) -> int:
    from pemilih import progress
    from pemilih.engine.check import with_duplicates
    from pemilih.io.read import read_grouped
    from pemilih.store.receive import import_result
    from pemilih.store.workspace import open_workspace

    with progress.stage("membaca berkas"):
        groups = {kind: with_duplicates(r) for kind, r in read_grouped(args.files).items()}
    if not groups:
        print("Tidak ada berkas yang dapat dibaca.", file=sys.stderr)
        return 2
    ws = open_workspace(args.workspace)
    status = 0
    for kind, result in groups.items():
        for refused in result.refused:
            print(f"DITOLAK: {refused}", file=sys.stderr)
            status = 1
        if not result.records.height:
            continue
        agency = args.lembaga or ("DISDUKCAPIL" if kind == "registry" else "KPU")
        outcome = import_result(
            ws, result, actor=args.oleh or getpass.getuser(), agency=agency,
            reason=args.alasan or _default_reason(kind), legal_basis=args.dasar_hukum,
            allow_refused=True)
        label = "ekstrak Disdukcapil" if kind == "registry" else "daftar pemilih"
        if outcome.created:
            print(f"Diimpor ({label}): {outcome.rows} baris, {outcome.problems} catatan masalah, "
                  f"{outcome.seconds:.1f} detik, batch {outcome.batch_id}.")
        else:
            print(f"Tidak ada perubahan ({label}): berkas yang sama sudah diimpor "
                  f"(batch {outcome.batch_id}).")
    print(f"Ruang kerja: {ws.describe()}")
    return status


def _default_reason(kind: str) -> str:
    if kind == "registry":
        return "Ekstrak data kependudukan untuk verifikasi daftar pemilih"
    return "Daftar pemilih terakhir dari KPU sebagai bahan awal pemutakhiran"
