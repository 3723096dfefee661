"""`pemilih generate`: write the synthetic demo regency (Kabupaten Toraja Utara)."""
from __future__ import annotations

import errno
import sys

DEFAULT_SEED = 7326  # same as pemilih.generate.config.DEFAULT_SEED; kept here so --help imports nothing


def register(sub):
    p = sub.add_parser(
        "generate",
        help="buat data demo: DPT lama KPU, ekstrak Disdukcapil dan kunci jawabannya",
        description="Membuat Kabupaten Toraja Utara sintetis: DPT Pemilu 2024 yang sudah usang "
                    "(CSV datar dan 151 buku kerja per desa/kelurahan), ekstrak data kependudukan "
                    "per 31-10-2026, dan kunci jawaban (folder truth/).",
    )
    p.add_argument("--out", required=True, metavar="FOLDER", help="folder tujuan (dibuat bila belum ada)")
    p.add_argument("--scale", type=float, default=1.0, metavar="SKALA",
                   help="ukuran relatif; 1.0 = sekitar 260.000 penduduk (bawaan: 1.0)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="N",
                   help=f"benih acak; benih yang sama memberi berkas yang sama (bawaan: {DEFAULT_SEED})")
    p.add_argument("--province", metavar="KODE",
                   help="buat semua kabupaten/kota satu provinsi (mis. 73 = Sulawesi Selatan, 24 "
                        "kabupaten/kota): satu DPT per kabupaten/kota dan satu ekstrak provinsi, "
                        "dengan pemilih yang pindah antarkabupaten, ganda antarkabupaten dan NIK "
                        "dengan salah ketik kode wilayah")
    p.add_argument("--no-workbooks", dest="workbooks", action="store_false",
                   help="tulis CSV saja, tanpa buku kerja per desa/kelurahan (untuk provinsi pada "
                        "skala besar: pembuatan buku kerja memerlukan memori beberapa kali lipat)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    if not 0 < args.scale <= 20:
        print("Skala harus lebih dari 0 dan paling besar 20.", file=sys.stderr)
        return 2
    province = getattr(args, "province", None)
    if province is not None:
        from pemilih.domain.regions import load_regions
        found = load_regions().get(province)
        if found is None or found.kind != "provinsi":
            print(f"Kode provinsi {province} tidak dikenal (contoh: 73 untuk Sulawesi Selatan).", file=sys.stderr)
            return 2
        province = found.code
    from pemilih.generate import generate
    try:
        summary = generate(args.out, scale=args.scale, seed=args.seed, progress=True, province=province,
                           workbooks=getattr(args, "workbooks", True))
    except OSError as exc:
        why = {errno.ENOENT: "folder induknya tidak ada", errno.EACCES: "tidak ada izin menulis",
               errno.EROFS: "sistem berkas hanya-baca", errno.ENOSPC: "ruang disk habis"}
        print(f"Tidak dapat menulis ke folder {args.out}: {why.get(exc.errno, exc.strerror or exc)}.",
              file=sys.stderr)
        return 2
    except Exception as exc:  # a bug: say so plainly instead of a traceback
        print(f"Pembuatan data demo gagal karena kesalahan internal ({type(exc).__name__}: {exc}).",
              file=sys.stderr)
        return 1
    print_summary(summary)
    return 0


def _n(number: int) -> str:
    return f"{number:,}".replace(",", ".")  # Indonesian thousands separator


def print_summary(summary: dict) -> None:
    counts, findings = summary["counts"], summary["findings"]
    tms = sum(n for code, n in findings.items() if code.startswith("TMS"))
    print(f"Data demo ditulis ke {summary['out_dir']} (benih {summary['seed']}, skala {summary['scale']}).")
    print(f"  DPT lama KPU        : {_n(counts['list_rows'])} baris, {counts['workbooks']} buku kerja "
          f"desa/kelurahan, {_n(counts['tps'])} TPS")
    print(f"  Ekstrak Disdukcapil : {_n(counts['registry_rows'])} baris, "
          f"{_n(counts['residents_on_extract'])} penduduk")
    print(f"  Kunci jawaban       : {_n(tms)} TMS, {_n(findings.get('U', 0))} ubah data, "
          f"{_n(findings.get('B', 0))} pemilih baru (truth/)")
    print(f"  Waktu               : {summary['timings_s']['total']:.1f} detik".replace(".", ","))
