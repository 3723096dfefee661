"""`pemilih handback`: build DPML's hand-back package for KPU (formats.md section 5)."""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("handback", help="paket serah-kembali daftar hasil Pilkalem ke KPU",
                       description="Membuat paket zip: perubahan terhadap daftar dari KPU, daftar hasil, "
                                   "rekap, dan berita acara (PDF) dengan sidik manifest.")
    p.add_argument("--out", default="paket", help="folder hasil (bawaan: ./paket)")
    p.add_argument("--periode", required=True, help="periode, mis. 2027-Q1 atau 2027-03")
    p.add_argument("--perjanjian", required=True, help="nomor perjanjian berbagi data")
    p.add_argument("--tanggal", type=common.day, default=None, help="tanggal serah (bawaan: hari ini)")
    p.add_argument("--rezim", default="PILKALEM", help="tabel kode (bawaan: PILKALEM)")
    p.add_argument("--tempat", default="Rantepao", help="tempat penandatanganan berita acara")
    common.add_workspace(p)
    common.add_who(p, "DPML", "Penyerahan kembali data pemilih hasil Pilkalem sebagai data dukung PDPB")
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.store.handback import build
    out = build(common.workspace(args), args.out, period=args.periode, agreement=args.perjanjian,
                on=args.tanggal or common.today(), regime=args.rezim, place=args.tempat, **common.who(args))
    c = out.counts
    tms = ", ".join(f"{k} {v}" for k, v in c.items() if k.startswith("TMS"))
    print(f"Paket ditulis: {out.path}")
    print(f"  baru {c['B']}, TMS {sum(v for k, v in c.items() if k.startswith('TMS'))} ({tms or '-'}), "
          f"ubah {c['U']} pemilih; awal {c['pemilih_awal']:,}, akhir {c['pemilih_akhir']:,}")
    print(f"  sidik manifest {out.manifest['manifest_sha256']}")
    return 0
