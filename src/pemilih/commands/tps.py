"""`pemilih tps atur|daftar|cetak`: the election's TPS register (place, address, coordinates)
and the polling-day pack printed from the DPT.

    pemilih tps atur --pemilihan PILKALEM2027 --desa 73.26.01.2001 --tps 1 \\
        --tempat "Halaman Kantor Lembang Limbong" --alamat "Jl. Poros Limbong" [--koordinat=-2.9701,119.8987]
    pemilih tps daftar --pemilihan PILKALEM2027 [--desa 73.26.01.2001]
    pemilih tps cetak --pemilihan PILKALEM2027 --out hasil/hari_pemungutan [--desa ...] [--tanggal HH-BB-TTTT]
"""
from __future__ import annotations

from pemilih.commands import common

SET_REASON = "Pencatatan tempat TPS oleh panitia"


def register(sub):
    from pemilih.cycle import polling_day
    p = sub.add_parser("tps", help="daftar tempat TPS pemilihan dan perlengkapan hari pemungutan suara",
                       description="Tempat TPS per desa/lembang dan nomor TPS (nama tempat, alamat, koordinat), "
                                   "dicatat per pemilihan; salinan DPT untuk KPPS dengan kolom hadir dan tanda "
                                   "tangan, undangan per pemilih, dan daftar TPS sebagai PDF.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    put = actions.add_parser("atur", help="catat tempat satu TPS (yang terakhir dicatat berlaku)")
    put.add_argument("--desa", required=True, help="kode desa/lembang")
    put.add_argument("--tps", required=True, help="nomor TPS, mis. 1")
    put.add_argument("--tempat", required=True, help='nama tempat, mis. "Halaman Kantor Lembang Limbong"')
    put.add_argument("--alamat", required=True, help="alamat tempat TPS")
    put.add_argument("--koordinat", default=None, metavar="LINTANG,BUJUR",
                     help="koordinat dalam derajat desimal, ditulis dengan tanda =, mis. --koordinat=-2.9701,119.8987 "
                          "(lintang selatan diawali minus; boleh tidak diisi)")
    common.add_who(put, "PANITIA", SET_REASON)
    listed = actions.add_parser("daftar", help="tampilkan daftar TPS pemilihan dengan tempatnya")
    listed.add_argument("--desa", default=None, help="hanya desa/lembang ini")
    printed = actions.add_parser("cetak", help="cetak salinan DPT untuk KPPS, undangan dan daftar TPS dari DPT")
    printed.add_argument("--out", required=True, help="folder hasil")
    printed.add_argument("--desa", default=None, help="salinan dan undangan desa/lembang ini saja")
    printed.add_argument("--tanggal", type=common.day, default=None, metavar="HH-BB-TTTT",
                         help="tanggal penandatanganan (bawaan: hari ini)")
    common.add_who(printed, "PANITIA", polling_day.REASON)
    for sp, action in ((put, _put), (listed, _list), (printed, _print)):
        sp.add_argument("--pemilihan", required=True, help="kode pemilihan, mis. PILKALEM2027")
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _put(args) -> int:
    from pemilih.cycle import tps_places
    request = tps_places.PlaceRequest(args.pemilihan, args.desa, args.tps, args.tempat, args.alamat, args.koordinat)
    seq = tps_places.record(common.workspace(args), [request], common.who(args))
    entry = request.entry()
    print(f"Tempat TPS {entry['tps']:03d} {entry['kode_desa']} ({args.pemilihan}) tercatat: {entry['place']}, "
          f"{entry['address']} (peristiwa #{seq}).")
    return 0


def _list(args) -> int:
    from pemilih.cycle import tps_places
    rows = tps_places.register(common.workspace(args), args.pemilihan, args.desa)
    if not rows:
        print(f"Belum ada TPS untuk pemilihan {args.pemilihan}.")
        return 0
    for r in rows:
        where = (f"{r.place.place}; {r.place.address}" + (f"; {r.place.coordinates}" if r.place.coordinates else "")
                 if r.place else "(tempat belum dicatat)")
        print(f"{r.kode_desa} {r.desa} TPS {r.tps:03d}: {where} | L {r.men}, P {r.women}, JML {r.voters}")
    missing = sum(r.place is None for r in rows)
    print(f"{len(rows)} TPS, {missing} belum dicatat tempatnya.")
    return 0


def _print(args) -> int:
    from pemilih.cycle import polling_day
    with common.progress() as shown:
        made = polling_day.run(common.workspace(args), polling_day.PackRequest(
            args.pemilihan, args.out, common.who(args), signed_on=args.tanggal, village=args.desa), shown)
    counts = ", ".join(f"{kind} {len(paths)}" for kind, paths in made.documents.items())
    print(f"Perlengkapan hari pemungutan suara {args.pemilihan}: {made.tps} TPS, {made.voters:,} pemilih; "
          f"{counts} PDF di {args.out}.")
    return 0
