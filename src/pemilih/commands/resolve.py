"""`pemilih resolve ...`: voters whose village could not be resolved, and a person's pick.

    pemilih resolve daftar
    pemilih resolve tetapkan --kunci dpt_7326.csv::2821 --desa 73.26.04.2008 --alasan "Salah ketik nama desa"
    pemilih resolve rekonsiliasi

A KPU row without KODE DESA whose names match no village is received into the unresolved queue:
counted everywhere, in no coklit workbook. `tetapkan` places one voter or several (all in the
village given) as one event of corrections, with who and why; `rekonsiliasi` checks that every
row of KPU's list is in exactly one of: the list with a village, struck with its code, the queue.
"""
from __future__ import annotations

import sys

from pemilih.commands import common
from pemilih.domain.masking import mask_digits_in_text


def register(sub):
    from pemilih.cycle.resolve import DEFAULT_AGENCY
    p = sub.add_parser(
        "resolve", help="pemilih yang belum punya desa: daftar, tetapkan desanya, rekonsiliasi",
        description="Baris daftar KPU tanpa KODE DESA yang nama desanya tidak dikenali masuk antrean 'belum "
                    "punya desa'. Petugas menetapkan desanya dari daftar desa Kemendagri kabupaten itu (dicatat "
                    "sebagai peristiwa perbaikan kode desa, dengan pelaku dan alasan).")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    show = actions.add_parser("daftar", help="tampilkan pemilih yang belum punya desa dan usulan desanya")
    show.add_argument("--batas", type=int, default=50, help="paling banyak pemilih ditampilkan (bawaan: 50)")
    fix = actions.add_parser("tetapkan", help="tetapkan desa satu pemilih atau lebih")
    fix.add_argument("--kunci", nargs="+", required=True, metavar="K", help="kunci pemilih (lihat `daftar`)")
    fix.add_argument("--desa", required=True, metavar="KODE_DESA", help="kode desa, mis. 73.26.04.2008")
    common.add_who(fix, DEFAULT_AGENCY, legal_basis=True)
    check = actions.add_parser("rekonsiliasi", help="periksa: tiap baris daftar KPU tepat di satu tempat")
    for sp in (show, fix, check):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    return ACTIONS[args.action](args)


def _show(args) -> int:
    from pemilih.cycle import resolve
    found = resolve.queue(common.workspace(args), resolve.QueueRequest(limit=max(1, args.batas)))
    if not found.total:
        print("Semua pemilih sudah punya desa.")
        return 0
    print(resolve.queue_line(found.total))
    for r in found.rows:
        written = f"{r.kecamatan or '-'} / {r.desa or '-'}"
        print(f"{mask_digits_in_text(r.ref):<28} TPS {r.tps or '-':<4} {r.nama or '-':<24} tertulis: {written}")
        print(f"    {mask_digits_in_text(r.reason)}")
        near = "; ".join(v.label for v in r.candidates[:3]) or "tidak ada; pilih dari daftar desa kabupaten"
        print(f"    usulan: {near}")
    if found.total > len(found.rows):
        print(f"... dan {found.total - len(found.rows)} lagi (pakai --batas untuk melihat lebih banyak).")
    from pemilih.domain.region_tables import regency_name
    where = regency_name(found.regency) if found.regency else None
    print(f"Tetapkan: pemilih resolve tetapkan --kunci KUNCI --desa KODE_DESA --alasan \"...\" "
          f"(salah satu dari {len(found.villages)} desa {where or 'kabupaten ini'})")
    return 0


def _fix(args) -> int:
    from pemilih.cycle import resolve
    out = resolve.run(common.workspace(args), resolve.ResolveRequest(
        tuple((k, args.desa) for k in args.kunci), common.who(args)))
    print(f"{out.voters} pemilih ditetapkan desanya (peristiwa #{out.event_seq}): "
          + ", ".join(f"{code} {n}" for code, n in out.villages.items()) + ".")
    print(resolve.queue_line(out.remaining) if out.remaining else "Semua pemilih sudah punya desa.")
    return 0


def _reconcile(args) -> int:
    from pemilih.cycle import reconcile
    from pemilih.cycle.resolve import queue_line
    found = reconcile.run(common.workspace(args), reconcile.ReconcileRequest())
    if found.batch is None:
        print("Ruang kerja belum berisi daftar dari KPU.")
        return 0
    struck = ", ".join(f"{code} {n}" for code, n in found.struck.items()) or "-"
    print(f"Daftar KPU terakhir (batch {found.batch}): {found.listed:,} baris")
    print(f"  di daftar, punya desa : {found.placed:,}")
    print(f"  di daftar, belum desa : {found.unresolved:,}")
    print(f"  dicoret               : {found.struck_total:,} ({struck})")
    print(f"Pemilih baru sejak itu: {found.new_placed:,} punya desa, {found.new_unresolved:,} belum punya desa")
    waiting = found.unresolved + found.new_unresolved
    if waiting:
        print(queue_line(waiting))
    if found.holds:
        print("Setiap baris daftar KPU tepat di satu tempat.")
        return 0
    print(f"DILANGGAR: {len(found.broken)} baris tidak tepat di satu tempat:", file=sys.stderr)
    for line in found.broken[:50]:
        print(f"  {line}", file=sys.stderr)
    if len(found.broken) > 50:
        print(f"  ... dan {len(found.broken) - 50} lagi", file=sys.stderr)
    return 1


ACTIONS = {"daftar": _show, "tetapkan": _fix, "rekonsiliasi": _reconcile}
