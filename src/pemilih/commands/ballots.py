"""`pemilih surat-suara catat|daftar|cetak`: the ballots of each TPS on polling day.

    pemilih surat-suara catat --pemilihan PILKALEM2027 --desa 73.26.01.2001 --tps 1 \\
        --diterima 246 --dipakai 200 --rusak 2 --sisa 44 --hadir 200
    pemilih surat-suara daftar [--pemilihan PILKALEM2027] [--desa 73.26.01.2001]
    pemilih surat-suara cetak --out hasil [--pemilihan PILKALEM2027] [--desa 73.26.01.2001 ...]
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import ballots
    p = sub.add_parser("surat-suara", help="surat suara per TPS: catat penggunaan, daftar, cetak berita acara "
                                           "dan tanda terima logistik",
                       description="Surat suara setiap TPS pada hari pemungutan suara: diterima, dipakai, rusak/"
                                   "keliru coblos, sisa, dan pemilih yang hadir (diterima = dipakai + rusak + sisa; "
                                   "dipakai tidak melebihi yang hadir; yang hadir tidak melebihi DPT dan DPTb TPS). "
                                   "Berita acara per TPS dan tanda terima logistik per desa.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    put = actions.add_parser("catat", help="catat penggunaan surat suara satu TPS (catatan terakhir berlaku)")
    put.add_argument("--desa", required=True, help="kode desa/lembang")
    put.add_argument("--tps", required=True, type=int, help="nomor TPS")
    for option, text in (("--diterima", "surat suara diterima KPPS, termasuk cadangan"),
                         ("--dipakai", "surat suara dipakai (dicoblos pemilih)"),
                         ("--rusak", "surat suara rusak atau keliru coblos"),
                         ("--sisa", "surat suara sisa, tidak dipakai"),
                         ("--hadir", "pemilih yang hadir menggunakan hak pilih (daftar hadir)")):
        put.add_argument(option, required=True, type=int, help=text)
    common.add_who(put, "PANITIA", ballots.RECORD_REASON)
    listed = actions.add_parser("daftar", help="TPS dengan surat suara menurut logistik dan yang dicatat")
    listed.add_argument("--desa", default=None, help="kode desa/lembang (bawaan: semua desa pemilihan)")
    printed = actions.add_parser("cetak", help="cetak berita acara surat suara per TPS dan tanda terima logistik "
                                               "per desa")
    printed.add_argument("--out", required=True, help="folder hasil")
    printed.add_argument("--desa", nargs="*", default=[], help="kode desa/lembang (bawaan: semua desa pemilihan)")
    common.add_who(printed, "PANITIA", ballots.PRINT_REASON)
    for sp, action in ((put, _put), (listed, _list), (printed, _print)):
        sp.add_argument("--pemilihan", default=None, metavar="KODE", help="kode pemilihan (bawaan: yang terakhir)")
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _election(ws, args) -> str:
    from pemilih.cycle import ballots
    return ballots.election_code(ws, args.pemilihan)


def _put(args) -> int:
    from pemilih.cycle import ballots
    ws = common.workspace(args)
    seq, place = ballots.record(ws, ballots.RecordRequest(
        _election(ws, args), args.desa, args.tps, args.diterima, args.dipakai, args.rusak, args.sisa, args.hadir,
        common.who(args)))
    print(f"Surat suara {place.label} tercatat (peristiwa #{seq}): diterima {args.diterima} = dipakai {args.dipakai} "
          f"+ rusak {args.rusak} + sisa {args.sisa}, seimbang; hadir {args.hadir} dari {place.registered} pemilih.")
    return 0


def _list(args) -> int:
    from pemilih.cycle import ballots
    from pemilih.domain.ballots import verdict
    ws = common.workspace(args)
    places = ballots.tps_of(ws, _election(ws, args), args.desa)
    print(f"{'DESA':<15} {'TPS':>3} {'DPT+B':>6} {'LOGISTIK':>8} {'DITERIMA':>8} {'DIPAKAI':>7} {'RUSAK':>5} "
          f"{'SISA':>5} {'HADIR':>6}  KETERANGAN")
    for p in places:
        c = p.count
        figures = (f"{c.received:>8} {c.used:>7} {c.spoiled:>5} {c.unused:>5} {c.came:>6}  {verdict(c)}" if c
                   else f"{'-':>8} {'-':>7} {'-':>5} {'-':>5} {'-':>6}  belum dicatat")
        print(f"{p.kode_desa:<15} {p.tps:>3} {p.registered:>6} {p.ballots:>8} {figures}")
    done = sum(p.recorded is not None for p in places)
    print(f"{done} dari {len(places)} TPS sudah dicatat.")
    return 0


def _print(args) -> int:
    from pemilih.cycle import ballots
    ws = common.workspace(args)
    with common.progress() as shown:
        done = ballots.print_all(ws, ballots.PrintRequest(_election(ws, args), args.out, common.who(args),
                                                          tuple(args.desa)), shown)
    print(f"{len(done.minutes)} berita acara surat suara (per TPS) dan {len(done.receipts)} tanda terima logistik "
          f"(per desa) -> {args.out}")
    return 0
