"""`pemilih apply PAKET`: KPU applies DPML's hand-back package to its own list."""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import apply
    p = sub.add_parser("apply", help="terapkan paket serah-kembali DPML pada daftar KPU",
                       description="Memeriksa tanda tangan paket (kunci publik DPML yang terdaftar, lihat "
                                   "'pemilih kunci'), sidik manifest dan sidik setiap berkas, lalu menerapkan "
                                   "perubahannya sebagai peristiwa "
                                   "bertanda sumber DPML/Pilkalem. Menerapkan paket yang sama dua kali tidak "
                                   "mengubah apa pun; nilai yang sudah diubah KPU tidak ditimpa (konflik).")
    p.add_argument("package", metavar="PAKET", help="berkas zip paket serah-kembali")
    p.add_argument("--sidik", default=None, metavar="HASH",
                   help="sidik manifest yang tertulis di berita acara bertanda tangan; paket dengan sidik lain ditolak")
    common.add_workspace(p)
    common.add_who(p, apply.DEFAULT_AGENCY, apply.DEFAULT_REASON)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import apply
    with common.progress() as shown:
        out = apply.run(common.workspace(args), apply.ApplyRequest(args.package, common.who(args), args.sidik), shown)
    print(f"Tanda tangan sah; sidik kunci penanda tangan (SHA-256): {out.signer}")
    if out.already:
        print("Paket ini sudah pernah diterapkan; tidak ada perubahan.")
        return 0
    applied = ", ".join(f"{k} {v}" for k, v in sorted(out.applied.items())) or "tidak ada"
    where = f" (peristiwa #{out.event_seq})" if out.event_seq else ""
    print(f"Diterapkan{where}: {applied}; sudah sesuai {out.unchanged}; konflik {len(out.conflicts)}.")
    for line in out.conflicts[:20]:
        print(f"  konflik: {line}")
    return 1 if out.conflicts else 0
