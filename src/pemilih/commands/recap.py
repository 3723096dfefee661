"""`pemilih recap --dari D --sampai D --out DIR`: the periodic recap from the events."""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("recap", help="rekapitulasi daftar pemilih untuk suatu periode",
                       description="Rekap per desa dan kecamatan (L/P): pemilih awal, baru, TMS per kode, "
                                   "perbaikan data, perbaikan jenis kelamin (masuk/keluar), belum KTP-el, "
                                   "pemilih akhir; dihitung dari log peristiwa. Ditulis sebagai rekap_*.xlsx "
                                   "dan laporan Rakor laporan_rakor_*.pdf (kop dan nomor KPU, tanda tangan).")
    p.add_argument("--dari", required=True, type=common.day, help="awal periode (HH-BB-TTTT)")
    p.add_argument("--sampai", required=True, type=common.day, help="akhir periode (HH-BB-TTTT)")
    p.add_argument("--rezim", default=None, help="tabel kode (bawaan: tabel pemilihan terakhir, selain itu PEMILU2024)")
    p.add_argument("--out", default="rekap", help="folder hasil (bawaan: ./rekap)")
    p.add_argument("--tempat", default=None, help="tempat penandatanganan laporan Rakor (bawaan: Rantepao)")
    common.add_who(p, "KPU", reason="Laporan rapat koordinasi")
    common.add_workspace(p)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import recap
    request = recap.RecapRequest(args.dari, args.sampai, args.rezim, out_dir=args.out, who=common.who(args),
                                 place=args.tempat or recap.REPORT_PLACE)
    with common.progress() as shown:
        out = recap.run(common.workspace(args), request, shown)
    print_summary(out.recap)
    print(f"Rekap ditulis: {out.path}")
    print(f"Laporan Rakor ditulis: {out.report}")
    return 0


def print_summary(result) -> None:
    from pemilih.contract import recap_tms_column
    t = result.total
    tms = ", ".join(f"{c} {t.get(recap_tms_column(c) + '_jml', 0)}" for c in result.tms_codes
                    if t.get(recap_tms_column(c) + '_jml'))
    print(f"Periode {result.start_day:%d-%m-%Y} s.d. {result.end_day:%d-%m-%Y} ({result.events} peristiwa perubahan):")
    print(f"  awal {t['awal_jml']:,} | baru {t['baru_jml']:,} | TMS {t['tms_jml']:,} ({tms or '-'}) | "
          f"ubah {t['ubah_jml']:,} (jenis kelamin: jadi L {t['jk_masuk_l']:,}, jadi P {t['jk_masuk_p']:,}) | "
          f"belum KTP-el {t['tanpa_ktpel_jml']:,} | akhir {t['akhir_jml']:,} (L {t['akhir_l']:,}, P {t['akhir_p']:,})")
    for sex, name in (("l", "L"), ("p", "P")):
        print(f"  {name}: awal {t[f'awal_{sex}']:,} + baru {t[f'baru_{sex}']:,} - TMS {t[f'tms_{sex}']:,} "
              f"+ jenis kelamin masuk {t[f'jk_masuk_{sex}']:,} - keluar {t[f'jk_keluar_{sex}']:,} "
              f"= akhir {t[f'akhir_{sex}']:,}")
    if result.unresolved:
        from pemilih.cycle.resolve import queue_line
        print(f"  dari akhir: {queue_line(result.unresolved)}")
