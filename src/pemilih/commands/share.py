"""`pemilih share`: one coklit workbook per village for the committees (field validation).

    pemilih share --out lembar-kerja --perjanjian 001/PKS/KPU-DPML/2026 --pemilihan PILKALEM2027 \\
        --alasan "Coklit Pilkalem 2027" --workspace pemilih-data

Only the villages of the election (by default the latest one) are shared, and only when the
agreement covers them all.

Every workbook rests on a data-sharing agreement (refused without a valid one) and is
recorded as a transfer event; `pemilih collect` reads the returned workbooks back.
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle.share import DEFAULT_AGENCY, DEFAULT_REASON
    from pemilih.domain.codes import regimes

    p = sub.add_parser(
        "share", help="tulis lembar kerja coklit per desa untuk panitia",
        description="Tulis satu lembar kerja (xlsx) per desa dari daftar saat ini: satu lembar per TPS, "
                    "kolom data terkunci, kolom STATUS (kode TMS/U) dan koreksi untuk panitia, lembar "
                    "PEMILIH BARU, dan versi dasar tersembunyi. Setiap lembar kerja dicatat sebagai "
                    "peristiwa pengiriman data yang menyebut perjanjian berbagi data.")
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder tujuan lembar kerja")
    p.add_argument("--perjanjian", required=True, metavar="NOMOR", help="nomor perjanjian berbagi data")
    p.add_argument("--desa", nargs="+", default=None, metavar="KODE",
                   help="kode desa (mis. 73.26.01.2001); bawaan: semua desa pemilihan di daftar")
    p.add_argument("--pemilihan", default=None, metavar="KODE",
                   help="hanya desa pemilihan ini; desa di luarnya ditolak (bawaan: pemilihan terakhir; "
                        "tanpa pemilihan: semua desa yang dicakup perjanjian)")
    p.add_argument("--rezim", default=None, choices=regimes(),
                   help="tabel kode STATUS (bawaan: tabel pemilihan terakhir, selain itu PEMILU2024)")
    p.add_argument("--tanggal", type=common.day, default=None, metavar="DD-MM-YYYY",
                   help="tanggal pembagian, diperiksa terhadap masa berlaku perjanjian (bawaan: hari ini)")
    p.add_argument("--proses", type=int, default=2, help="proses penulis paralel (bawaan: 2)")
    common.add_workspace(p)
    common.add_who(p, DEFAULT_AGENCY, DEFAULT_REASON)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import share
    ws = common.workspace(args)
    election = args.pemilihan or share.default_election(ws)
    request = share.ShareRequest(args.out, args.perjanjian, common.who(args), on=args.tanggal, regime=args.rezim,
                                 villages=tuple(args.desa or ()), processes=args.proses, election=election)
    with common.progress() as shown:
        out = share.run(ws, request, shown)
    from pemilih.cycle import audit
    audit.record_export(ws, actor=request.who.actor, agency=request.who.agency, action="bagikan-coklit",
                        scope={"pemilihan": election, "desa": list(args.desa or ()), "berkas": str(args.out)},
                        rows=out.rows, agreement=args.perjanjian)
    if election:
        print(f"Pemilihan {election}: hanya desa yang menyelenggarakannya.")
    for path in out.paths[:20]:
        print(f"  {path}")
    if len(out.paths) > 20:
        print(f"  ... dan {len(out.paths) - 20} lainnya")
    events = f"#{out.events[0]}" + (f"-#{out.events[-1]}" if len(out.events) > 1 else "")
    print(f"{len(out.paths)} lembar kerja ({out.rows} pemilih) ditulis ke {args.out}; "
          f"peristiwa {events}, perjanjian {args.perjanjian}.")
    if out.unresolved:
        from pemilih.cycle.resolve import queue_line
        from pemilih.domain.masking import mask_digits_in_text
        print(queue_line(len(out.unresolved)))
        shown = ", ".join(mask_digits_in_text(k) for k in out.unresolved[:20])
        print(f"  tidak dibagikan: {shown}" + (f" ... dan {len(out.unresolved) - 20} lagi" if len(out.unresolved) > 20
                                               else ""))
    return 0
