"""`pemilih recap --dari D --sampai D --out DIR`: the periodic recap from the events."""
from __future__ import annotations

from pathlib import Path

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("recap", help="rekapitulasi daftar pemilih untuk suatu periode",
                       description="Rekap per desa dan kecamatan (L/P): pemilih awal, baru, TMS per kode, "
                                   "perbaikan data, belum KTP-el, pemilih akhir; dihitung dari log peristiwa.")
    p.add_argument("--dari", required=True, type=common.day, help="awal periode (HH-BB-TTTT)")
    p.add_argument("--sampai", required=True, type=common.day, help="akhir periode (HH-BB-TTTT)")
    p.add_argument("--rezim", default="PEMILU2024", help="tabel kode (bawaan: PEMILU2024)")
    p.add_argument("--out", default="rekap", help="folder hasil (bawaan: ./rekap)")
    common.add_workspace(p)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.io.recap_xlsx import write_recap
    from pemilih.store.recap import recap
    result = recap(common.workspace(args), args.dari, args.sampai, args.rezim)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"rekap_{args.dari:%Y%m%d}_{args.sampai:%Y%m%d}.xlsx"
    write_recap(result, str(path), title="Rekapitulasi pemutakhiran data pemilih berkelanjutan")
    print_summary(result)
    print(f"Rekap ditulis: {path}")
    return 0


def print_summary(result) -> None:
    t = result.total
    tms = ", ".join(f"{c} {t.get(c.lower().replace('-', '_') + '_jml', 0)}" for c in result.tms_codes
                    if t.get(c.lower().replace('-', '_') + '_jml'))
    print(f"Periode {result.start_day:%d-%m-%Y} s.d. {result.end_day:%d-%m-%Y} ({result.events} peristiwa perubahan):")
    print(f"  awal {t['awal_jml']:,} | baru {t['baru_jml']:,} | TMS {t['tms_jml']:,} ({tms or '-'}) | "
          f"ubah {t['ubah_jml']:,} | belum KTP-el {t['tanpa_ktpel_jml']:,} | akhir {t['akhir_jml']:,} "
          f"(L {t['akhir_l']:,}, P {t['akhir_p']:,})")
