"""`pemilih share`: one coklit workbook per village for the committees (field validation).

    pemilih share --out lembar-kerja --perjanjian 001/PKS/KPU-DPML/2026 --rezim PILKALEM \\
        --alasan "Coklit Pilkalem 2027" --workspace pemilih-data

Every workbook rests on a data-sharing agreement (refused without a valid one) and is
recorded as a transfer event; `pemilih collect` reads the returned workbooks back.
"""
from __future__ import annotations


from pemilih.commands import common


def register(sub):
    from pemilih.domain.codes import DEFAULT_REGIME, regimes

    p = sub.add_parser(
        "share", help="tulis lembar kerja coklit per desa untuk panitia",
        description="Tulis satu lembar kerja (xlsx) per desa dari daftar saat ini: satu lembar per TPS, "
                    "kolom data terkunci, kolom STATUS (kode TMS/U) dan koreksi untuk panitia, lembar "
                    "PEMILIH BARU, dan versi dasar tersembunyi. Setiap lembar kerja dicatat sebagai "
                    "peristiwa pengiriman data yang menyebut perjanjian berbagi data.")
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder tujuan lembar kerja")
    p.add_argument("--perjanjian", required=True, metavar="NOMOR", help="nomor perjanjian berbagi data")
    p.add_argument("--desa", nargs="+", default=None, metavar="KODE",
                   help="kode desa (mis. 73.26.01.2001); bawaan: semua desa di daftar")
    p.add_argument("--rezim", default=DEFAULT_REGIME, choices=regimes(),
                   help=f"tabel kode STATUS (bawaan: {DEFAULT_REGIME})")
    p.add_argument("--tanggal", type=common.day, default=None, metavar="DD-MM-YYYY",
                   help="tanggal pembagian, diperiksa terhadap masa berlaku perjanjian (bawaan: hari ini)")
    p.add_argument("--proses", type=int, default=2, help="proses penulis paralel (bawaan: 2)")
    common.add_workspace(p)
    add_who(p, "DPML", "Lembar kerja coklit untuk panitia")
    p.set_defaults(func=common.guarded(run))
    return p


def add_who(p, agency: str, reason: str) -> None:
    """Who acts: --oleh/--pelaku, --lembaga/--instansi, --alasan (recorded in the event log)."""
    p.add_argument("--alasan", default=reason, help=f"alasan (dicatat dalam log peristiwa; bawaan: {reason})")
    p.add_argument("--oleh", "--pelaku", dest="oleh", default=None, help="nama petugas (bawaan: pengguna sistem)")
    p.add_argument("--lembaga", "--instansi", dest="lembaga", choices=common.AGENCIES, default=agency,
                   help=f"lembaga (bawaan: {agency})")


def run(args) -> int:
    from pemilih import progress
    from pemilih.store.share import share

    ws = common.workspace(args)
    with progress.bar(desc="Menulis lembar kerja", unit="desa") as bar:
        out = share(ws, args.out, agreement=args.perjanjian, on=args.tanggal or common.today(),
                    regime=args.rezim, villages=args.desa, processes=args.proses, progress=bar,
                    **common.who(args))
    for path in out.paths[:20]:
        print(f"  {path}")
    if len(out.paths) > 20:
        print(f"  ... dan {len(out.paths) - 20} lainnya")
    events = f"#{out.events[0]}" + (f"-#{out.events[-1]}" if len(out.events) > 1 else "")
    print(f"{len(out.paths)} lembar kerja ({out.rows} pemilih) ditulis ke {args.out}; "
          f"peristiwa {events}, perjanjian {args.perjanjian}.")
    if out.skipped:
        print(f"{out.skipped} pemilih tanpa kode desa tidak masuk lembar kerja mana pun.")
    return 0
