"""`pemilih receive FILE...`: import KPU lists and civil-registry extracts into a workspace.

Runs the same readers as `pemilih check`; rows with problems are imported with their problems
recorded on the row, a file that cannot be read or lacks a required column is refused whole,
and importing the same files again changes nothing (the receive step, cycle/receive.py).
"""
from __future__ import annotations

import sys

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    from pemilih.cycle.common import DEFAULT_LEGAL_BASIS
    p = sub.add_parser(
        "receive", aliases=["import"],
        help="impor daftar pemilih KPU atau ekstrak Disdukcapil ke ruang kerja",
        description="Impor berkas (XLSX/CSV) ke ruang kerja sebagai snapshot tetap (SHA-256). "
                    "Baris bermasalah tetap diimpor dengan catatan masalahnya; berkas yang tidak "
                    "terbaca atau tanpa kolom wajib ditolak utuh. Impor ulang berkas yang sama "
                    "tidak mengubah apa pun.")
    p.add_argument("files", nargs="+", metavar="BERKAS")
    common.add_workspace(p)
    p.add_argument("--jenis", choices=["kpu", "registry"], default=None,
                   help="jenis berkas: kpu (daftar pemilih) atau registry (Disdukcapil); "
                        "bawaan: dikenali dari judul kolom")
    p.add_argument("--oleh", default=None, help="nama petugas yang mengimpor (bawaan: pengguna sistem)")
    p.add_argument("--lembaga", choices=common.AGENCIES, default=None,
                   help="lembaga asal data (bawaan: KPU untuk daftar, DISDUKCAPIL untuk ekstrak)")
    p.add_argument("--alasan", default=None, help="alasan impor (bawaan menurut jenis berkas)")
    p.add_argument("--dasar-hukum", default=DEFAULT_LEGAL_BASIS, help="dasar hukum / perjanjian")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from pemilih.cycle import receive
    from pemilih.cycle.common import StepError, is_refusal
    try:
        request = receive.ReceiveRequest(tuple(args.files), common.actor(args), args.jenis, args.lembaga,
                                         args.alasan, args.dasar_hukum)
        with common.progress() as shown:
            results = receive.read(request, shown)  # the workspace meanwhile opens ahead (cli.py)
            ws = common.workspace(args)
            outcome = receive.store(ws, results, request, shown)
    except StepError as exc:  # nothing could be read, or the request itself is wrong
        print(mask_digits_in_text(exc), file=sys.stderr)
        return 2
    except Exception as exc:  # the boundary: a user never sees a traceback
        if is_refusal(exc):
            print(f"Impor dibatalkan, ruang kerja tidak berubah: {mask_digits_in_text(exc)}", file=sys.stderr)
            return 1
        print(f"Impor gagal, ruang kerja tidak berubah ({type(exc).__name__}): {mask_digits_in_text(exc)}",
              file=sys.stderr)
        return 2
    for line in outcome.refused:
        print(f"DITOLAK: {line}", file=sys.stderr)
    for done in outcome.received:
        if done.created:
            print(f"Diimpor ({done.label}): {done.rows} baris, {done.problems} catatan masalah, "
                  f"{done.seconds:.1f} detik, batch {done.batch_id}.")
            if done.unresolved:
                from pemilih.cycle.resolve import queue_line
                print(f"  {queue_line(done.unresolved)}")
        else:
            print(f"Tidak ada perubahan ({done.label}): berkas yang sama sudah diimpor (batch {done.batch_id}).")
    print(f"Ruang kerja: {ws.describe()}")
    return 1 if outcome.refused else 0
