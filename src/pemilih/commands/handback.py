"""`pemilih handback`: build DPML's hand-back package for KPU (formats.md section 5)."""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import handback
    p = sub.add_parser("handback", help="paket serah-kembali daftar hasil Pilkalem ke KPU",
                       description="Membuat paket zip menurut aturan KPU (PDPB, tabel kode PEMILU2024): "
                                   "perubahan terhadap daftar dari KPU, daftar hasil, rekap, dan berita acara "
                                   "(PDF) dengan sidik manifest. Aturan khusus Pilkalem (mis. TMS-D) tidak "
                                   "diterapkan; pemilih yang hanya dicoret dari daftar desa dicatat di lembar "
                                   "Informasi.")
    p.add_argument("--out", default="paket", help="folder hasil (bawaan: ./paket)")
    p.add_argument("--periode", required=True, help="periode, mis. 2027-Q1 atau 2027-03")
    p.add_argument("--perjanjian", required=True, help="nomor perjanjian berbagi data")
    p.add_argument("--tanggal", type=common.day, default=None, help="tanggal serah (bawaan: hari ini)")
    p.add_argument("--tanggal-acuan", type=common.day, default=None, dest="tanggal_acuan",
                   help="tanggal umur pemilih dihitung untuk daftar KPU (bawaan: tanggal serah; "
                        "mis. hari pemungutan suara pemilu berikutnya)")
    p.add_argument("--tempat", default=handback.DEFAULT_PLACE, help="tempat penandatanganan berita acara")
    common.add_workspace(p)
    common.add_who(p, handback.DEFAULT_AGENCY, handback.DEFAULT_REASON)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import handback
    request = handback.HandbackRequest(args.out, args.periode, args.perjanjian, common.who(args), on=args.tanggal,
                                       eligible_on=args.tanggal_acuan, place=args.tempat)
    ws = common.workspace(args)
    with common.progress() as shown:
        out = handback.run(ws, request, shown)
    c = out.counts
    from pemilih.cycle import audit
    audit.record_export(ws, actor=request.who.actor, agency=request.who.agency, action="paket-serah-kembali",
                        scope={"daftar": args.periode, "berkas": str(out.path)}, rows=c.get("pemilih_akhir"),
                        agreement=args.perjanjian)
    tms = ", ".join(f"{k} {v}" for k, v in c.items() if k.startswith("TMS"))
    print(f"Paket ditulis: {out.path}")
    print(f"  baru {c['B']}, TMS {sum(v for k, v in c.items() if k.startswith('TMS'))} ({tms or '-'}), "
          f"ubah {c['U']} pemilih; awal {c['pemilih_awal']:,}, akhir {c['pemilih_akhir']:,}")
    print(f"  pindah TPS {c['pindah_tps']}, informasi {c['informasi']}")
    if c.get("belum_punya_desa"):
        from pemilih.cycle.resolve import queue_line
        print(f"  {queue_line(c['belum_punya_desa'])}")
    print(f"  sidik manifest {out.manifest['manifest_sha256']}")
    return 0
