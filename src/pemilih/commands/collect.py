"""`pemilih collect FILE...`: the committees' coklit workbooks back into the workspace.

    pemilih collect kembali/*.xlsx --alasan "Hasil coklit" --workspace pemilih-data
    pemilih collect COKLIT_7326012001_PANTANAKAN_LOLO.xlsx --desa 73.26.01.2001

Each workbook is collected whole or refused whole (every wrong cell listed with its voter's NO
and NAMA); with --ambil-yang-benar the right rows of a workbook with wrong rows are taken now and
the wrong ones listed (and kept on the event), to be sent again once fixed. Conflicts with
changes made in the workspace after the workbook was shared are listed, never overwritten.
Exit status: 0 all collected, 1 any refused, taken in part or with conflicts, 2 a file cannot be read.
"""
from __future__ import annotations

import sys

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text

SHOWN = 50  # problems or conflicts printed per workbook


def register(sub):
    from pemilih.cycle.collect import DEFAULT_AGENCY, DEFAULT_REASON
    p = sub.add_parser(
        "collect", help="kumpulkan lembar kerja coklit dari panitia",
        description="Baca lembar kerja coklit yang dikembalikan panitia menjadi peristiwa perubahan: "
                    "TMS, pindah TPS, koreksi (U) dan pemilih baru (B), serta baris yang dicocokkan (SESUAI, "
                    "tanggal kunjungan, petugas). Lembar kerja yang salah ditolak utuh dengan "
                    "daftar sel, nomor dan nama pemilih, serta alasannya (atau, dengan --ambil-yang-benar, "
                    "baris yang benar diambil dan yang salah didaftar); konflik dengan perubahan sesudah "
                    "lembar kerja dibagikan "
                    "didaftar, tidak ditimpa. Mengumpulkan berkas yang sama dua kali tidak mengubah apa pun.")
    p.add_argument("files", nargs="+", metavar="BERKAS", help="lembar kerja xlsx, atau folder berisi lembar kerja")
    p.add_argument("--desa", default=None, metavar="KODE", help="tolak lembar kerja untuk desa lain")
    p.add_argument("--proses", type=int, default=2, help="proses pembaca paralel (bawaan: 2)")
    p.add_argument("--ambil-yang-benar", action="store_true", dest="take_good",
                   help="ambil baris yang benar sekarang dan daftar baris yang salah (tetap seperti semula di "
                        "daftar; kirim lagi setelah diperbaiki); bawaan: perbaiki dulu, lembar kerja ditolak utuh")
    common.add_workspace(p)
    common.add_who(p, DEFAULT_AGENCY, DEFAULT_REASON)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import collect
    from pemilih.cycle.common import StepError
    from pemilih.store import collect as c
    try:
        request = collect.CollectRequest(tuple(args.files), common.who(args), args.desa, args.proses,
                                         take_good=args.take_good)
    except StepError as exc:
        print(mask_digits_in_text(exc), file=sys.stderr)
        return 2
    with common.progress() as shown:
        outcomes = collect.run(common.workspace(args), request, shown)
    for out in outcomes:
        _print(out, c)
    statuses = {o.status for o in outcomes}
    print(f"Jumlah: {len(outcomes)} lembar kerja; " + ", ".join(
        f"{s.replace('-', ' ')} {sum(o.status == s for o in outcomes)}" for s in sorted(statuses)) + ".")
    if outcomes.unresolved:
        from pemilih.cycle.resolve import queue_line
        print(queue_line(outcomes.unresolved))
    if c.UNREADABLE in statuses:
        return 2
    return 1 if statuses & {c.REFUSED, c.CONFLICT, c.PARTIAL} else 0


def _print(out, c) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in out.counts.items()) or "tanpa perubahan data"
    if out.visited:
        counts += f"; {out.visited} pemilih dicocokkan"
    if out.status == c.PARTIAL:
        print(f"{out.file}: diterima sebagian (peristiwa #{out.event_seq}): {counts}")
        print(f"  {out.taken} baris diambil, {out.left} baris ditinggal (tetap seperti semula di daftar; "
              "perbaiki lalu kumpulkan lagi):")
        _lines(out.problems)
    elif out.status in (c.ACCEPTED, c.CONFLICT) and out.event_seq is not None:
        print(f"{out.file}: diterima (peristiwa #{out.event_seq}): {counts}")
    elif out.status == c.ALREADY:
        print(f"{out.file}: sudah dikumpulkan sebelumnya (peristiwa #{out.event_seq}); tidak ada yang berubah")
    elif out.status in (c.UNCHANGED, c.CONFLICT):
        print(f"{out.file}: semua perubahan sudah tercatat sebelumnya; tidak ada yang berubah")
    elif out.status == c.UNREADABLE:
        print(f"{out.file}: tidak dapat dibaca: " + "; ".join(out.problems))
    else:
        print(f"{out.file}: ditolak, ruang kerja tidak berubah ({len(out.problems)} masalah):")
        _lines(out.problems)
        if out.rows_only:
            print(f"  Semua masalah ada di {out.left} baris; baris yang benar dapat diambil sekarang dengan "
                  "--ambil-yang-benar.")
    if out.conflicts:
        print(f"  konflik ({len(out.conflicts)}), tidak diterapkan:")
        _lines(out.conflicts)


def _lines(lines: list[str]) -> None:
    for line in lines[:SHOWN]:
        print(f"  - {line}")
    if len(lines) > SHOWN:
        print(f"  ... dan {len(lines) - SHOWN} lagi")
