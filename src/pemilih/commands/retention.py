"""`pemilih retensi [--tanggal D] [--jalankan]`: personal data past an agreement's retention."""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import retention
    p = sub.add_parser("retensi", help="hapus data pribadi yang melewati masa retensi perjanjian",
                       description="Mencari data pribadi yang melewati masa retensi perjanjian berbagi data (mis. "
                                   "daftar dari KPU beberapa bulan setelah serah-kembali). Tanpa --jalankan hanya "
                                   "menghitung; dengan --jalankan isian pribadi dihapus (dihitamkan) dan dicatat "
                                   "sebagai peristiwa berisi jumlahnya saja.")
    p.add_argument("--tanggal", type=common.day, default=None, help="tanggal yang dinilai (bawaan: hari ini)")
    p.add_argument("--jalankan", action="store_true", help="benar-benar menghapus (bawaan: hanya menghitung)")
    common.add_workspace(p)
    common.add_who(p, retention.DEFAULT_AGENCY, retention.DEFAULT_REASON)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import retention
    out = retention.run(common.workspace(args), retention.RetentionRequest(common.who(args), args.tanggal,
                                                                           args.jalankan))
    for d in out.due:
        when = f"berakhir {d.due:%d-%m-%Y}" if d.due else d.note
        back = f"serah-kembali {d.handed_back:%d-%m-%Y}, " if d.handed_back else ""
        state = " (sudah dihapus)" if d.done else ""
        print(f"Perjanjian {d.agreement}: {back}retensi {when}{state}")
    if not out.counts:
        print(f"Tidak ada data yang melewati masa retensi pada {out.on:%d-%m-%Y}.")
        return 0
    head = f"Dihapus (peristiwa #{out.event_seq}):" if out.applied else "Akan dihapus (uji coba; tambahkan --jalankan):"
    print(head)
    for name, n in out.counts.items():
        print(f"  {retention.label(name)}: {n:,}")
    return 0
