"""`pemilih dp3 lokus|kader|kader-ubah|cabut|pelatihan|kegiatan|laporan`: the DP3 programme.

    pemilih dp3 lokus --tahun 2026 --desa 73.26.01.2001 --kriteria partisipasi_rendah rawan_bencana \\
        --perjanjian 12/PKS/KPU-TU/2026 --tanggal-perjanjian 10-01-2026 \\
        --penanda-tangan "Nama|Ketua|KPU Kabupaten Toraja Utara" "Nama|Kepala Lembang|Lembang X"
    pemilih dp3 kader --desa 73.26.01.2001 --nama "Ani Rante" --jk P --komponen perempuan \\
        --tanggal 01-02-2026 --persetujuan-tanggal 01-02-2026 --persetujuan-cara "formulir bertanda tangan"
    pemilih dp3 pelatihan --desa 73.26.01.2001 --tanggal 15-02-2026 --judul "Bimtek kader" --kader 73.26.01.2001/K001
    pemilih dp3 kegiatan --desa 73.26.01.2001 --tanggal 01-03-2026 --jenis sosialisasi --topik "Politik uang" \\
        --peserta perempuan:0:12 umum:5:3
    pemilih dp3 laporan --tahun 2026 [--desa 73.26.01.2001] [--out hasil]
"""
from __future__ import annotations

import argparse

from pemilih.commands import common


def _signer(text: str) -> dict:
    parts = [p.strip() for p in text.split("|")]
    if len(parts) != 3 or not all(parts[:2]):
        raise argparse.ArgumentTypeError(f"penanda tangan ditulis 'Nama|Jabatan|Instansi', bukan '{text}'")
    return {"name": parts[0], "position": parts[1], "agency": parts[2]}


def _participants(text: str) -> tuple[str, dict]:
    parts = text.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
        raise argparse.ArgumentTypeError(f"peserta ditulis KOMPONEN:L:P (mis. perempuan:0:12), bukan '{text}'")
    return parts[0], {"L": int(parts[1]), "P": int(parts[2])}


def register(sub):
    from pemilih.cycle import dp3
    from pemilih.domain import dp3 as rules
    p = sub.add_parser("dp3", help="program Desa Peduli Pemilu dan Pemilihan: lokus, kader, pelatihan, kegiatan, "
                                   "laporan tahunan",
                       description=f"Program {rules.PROGRAMME} ({rules.DECISION}): lokus per tahun dengan alasan dan "
                                   f"perjanjian dengan kepala desa, {rules.TARGET_CADRES} kader per lokus menurut "
                                   "komponen dengan persetujuannya, pelatihan, kegiatan per tahap, laporan tahunan "
                                   "per desa dan kabupaten (XLSX dan PDF). NIK dan tanggal lahir kader tidak dicatat.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)

    lokus = actions.add_parser("lokus", help="tetapkan desa lokus DP3 untuk satu tahun")
    lokus.add_argument("--tahun", required=True, type=int, help="tahun program")
    lokus.add_argument("--desa", required=True, help="kode desa/lembang")
    lokus.add_argument("--kriteria", nargs="+", required=True, choices=list(rules.REASONS),
                       help="alasan penetapan lokus")
    lokus.add_argument("--perjanjian", required=True, help="nomor perjanjian kerja sama (PKS/nota kesepahaman)")
    lokus.add_argument("--tanggal-perjanjian", required=True, type=common.day, help="tanggal perjanjian (HH-BB-TTTT)")
    lokus.add_argument("--penanda-tangan", nargs="+", required=True, type=_signer,
                       help="penanda tangan perjanjian, masing-masing 'Nama|Jabatan|Instansi' (KPU dan kepala desa)")
    lokus.add_argument("--catatan", default="", help="catatan")
    common.add_who(lokus, "KPU", dp3.RECORD_REASON)

    cadre = actions.add_parser("kader", help="daftarkan kader DP3 dengan persetujuannya")
    cadre.add_argument("--desa", required=True, help="kode desa/lembang (lokus)")
    cadre.add_argument("--nama", required=True, help="nama kader")
    cadre.add_argument("--jk", required=True, choices=list(rules.SEXES), help="jenis kelamin")
    cadre.add_argument("--komponen", required=True, choices=list(rules.COMPONENTS), help="komponen kader")
    cadre.add_argument("--tanggal", required=True, type=common.day, help="tanggal pendaftaran")
    cadre.add_argument("--persetujuan-tanggal", required=True, type=common.day, help="tanggal persetujuan kader")
    cadre.add_argument("--persetujuan-cara", required=True, help="cara persetujuan (mis. formulir bertanda tangan)")
    cadre.add_argument("--tahun-lahir", type=int, default=None, help="tahun lahir (opsional; bukan tanggal lahir)")
    cadre.add_argument("--telepon", default=None, help="nomor telepon (opsional)")
    cadre.add_argument("--direkrut-oleh", default=None, metavar="NOMOR", help="nomor kader yang merekrut")
    common.add_who(cadre, "KPU", dp3.RECORD_REASON)

    fix = actions.add_parser("kader-ubah", help="perbaiki data kader (peristiwa baru; yang lama tetap di log)")
    fix.add_argument("--kader", required=True, metavar="NOMOR", help="nomor kader (mis. 73.26.01.2001/K001)")
    fix.add_argument("--nama", default=None)
    fix.add_argument("--jk", default=None, choices=list(rules.SEXES))
    fix.add_argument("--komponen", default=None, choices=list(rules.COMPONENTS))
    fix.add_argument("--tahun-lahir", type=int, default=None)
    fix.add_argument("--telepon", default=None)
    common.add_who(fix, "KPU", dp3.RECORD_REASON)

    gone = actions.add_parser("cabut", help="catat pencabutan persetujuan kader: data pribadinya tidak ditampilkan "
                                            "lagi, jumlahnya tetap dihitung")
    gone.add_argument("--kader", required=True, metavar="NOMOR")
    gone.add_argument("--tanggal", required=True, type=common.day)
    gone.add_argument("--cara", required=True, help="cara pencabutan (mis. surat kader)")
    common.add_who(gone, "KPU", dp3.RECORD_REASON)

    training = actions.add_parser("pelatihan", help="catat pelatihan (Bimtek) kader")
    training.add_argument("--desa", required=True)
    training.add_argument("--tanggal", required=True, type=common.day)
    training.add_argument("--judul", required=True, help="nama pelatihan")
    training.add_argument("--kader", nargs="+", required=True, metavar="NOMOR", help="kader yang hadir")
    training.add_argument("--cara", default="luring", choices=list(rules.MODES))
    common.add_who(training, "KPU", dp3.RECORD_REASON)

    act = actions.add_parser("kegiatan", help="catat kegiatan DP3 dengan peserta per komponen dan jenis kelamin")
    act.add_argument("--desa", required=True)
    act.add_argument("--tanggal", required=True, type=common.day)
    act.add_argument("--jenis", required=True, choices=list(rules.ACTIVITY_KINDS))
    act.add_argument("--topik", required=True)
    act.add_argument("--peserta", nargs="+", required=True, type=_participants,
                     help=f"KOMPONEN:L:P per komponen ({', '.join(rules.SEGMENTS)})")
    act.add_argument("--tahap", default=None, choices=list(rules.STAGES.values()),
                     help="tahap program (bawaan: tahap tahun kegiatan)")
    act.add_argument("--cara", default="luring", choices=list(rules.MODES))
    common.add_who(act, "KPU", dp3.RECORD_REASON)

    out = actions.add_parser("laporan", help="laporan tahunan per desa dan kabupaten (layar; XLSX dan PDF "
                                             "dengan --out)")
    out.add_argument("--tahun", required=True, type=int)
    out.add_argument("--desa", default=None, help="satu desa lokus (dengan --out: termasuk daftar kader internal)")
    out.add_argument("--tanggal", type=common.day, default=None, help="keadaan sampai tanggal (bawaan: hari ini)")
    out.add_argument("--out", default=None, help="folder hasil (XLSX dan PDF bernomor)")
    common.add_who(out, "KPU", dp3.PRINT_REASON)

    for sp, action in ((lokus, _lokus), (cadre, _cadre), (fix, _fix), (gone, _gone), (training, _training),
                       (act, _activity), (out, _report)):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _lokus(args) -> int:
    from pemilih.cycle import dp3
    seq = dp3.designate(common.workspace(args), dp3.LokusRequest(
        args.tahun, args.desa, tuple(args.kriteria), args.perjanjian, args.tanggal_perjanjian,
        tuple(args.penanda_tangan), common.who(args), args.catatan))
    print(f"Desa {args.desa} ditetapkan sebagai lokus DP3 tahun {args.tahun} (peristiwa #{seq}).")
    return 0


def _cadre(args) -> int:
    from pemilih.cycle import dp3
    seq, number = dp3.register(common.workspace(args), dp3.CadreRequest(
        args.desa, args.tanggal, args.nama, args.jk, args.komponen, args.persetujuan_tanggal, args.persetujuan_cara,
        common.who(args), args.tahun_lahir, args.telepon, args.direkrut_oleh))
    print(f"Kader {number} terdaftar (peristiwa #{seq}).")
    return 0


def _fix(args) -> int:
    from pemilih.cycle import dp3
    values = {k: v for k, v in (("name", args.nama), ("sex", args.jk), ("component", args.komponen),
                                ("birth_year", args.tahun_lahir), ("phone", args.telepon)) if v is not None}
    seq = dp3.correct(common.workspace(args), args.kader, values, common.who(args))
    print(f"Data kader {args.kader} diperbaiki (peristiwa #{seq}).")
    return 0


def _gone(args) -> int:
    from pemilih.cycle import dp3
    seq = dp3.withdraw(common.workspace(args), args.kader, args.tanggal, args.cara, common.who(args))
    print(f"Persetujuan kader {args.kader} dicabut (peristiwa #{seq}): data pribadinya tidak ditampilkan lagi.")
    return 0


def _training(args) -> int:
    from pemilih.cycle import dp3
    seq = dp3.train(common.workspace(args), dp3.TrainingRequest(
        args.desa, args.tanggal, args.judul, tuple(args.kader), common.who(args), args.cara))
    print(f"Pelatihan tercatat (peristiwa #{seq}): {len(args.kader)} kader hadir.")
    return 0


def _activity(args) -> int:
    from pemilih.cycle import dp3
    from pemilih.cycle.common import StepError
    participants: dict = {}
    for segment, by_sex in args.peserta:
        if segment in participants:
            raise StepError(f"Peserta komponen '{segment}' disebut dua kali")
        participants[segment] = by_sex
    seq = dp3.record_activity(common.workspace(args), dp3.ActivityRequest(
        args.desa, args.tanggal, args.jenis, args.topik, participants, common.who(args), args.cara, args.tahap))
    total = sum(n for by in participants.values() for n in by.values())
    print(f"Kegiatan tercatat (peristiwa #{seq}): {total} peserta.")
    return 0


def _report(args) -> int:
    from pemilih.cycle import dp3
    from pemilih.domain import dp3 as rules
    ws = common.workspace(args)
    if args.out:
        paths = dp3.print_reports(ws, dp3.PrintRequest(args.tahun, args.out, common.who(args), args.desa, args.tanggal))
        print(f"{len(paths)} berkas laporan DP3 -> {args.out}")
        return 0
    result = dp3.report(ws, args.tahun, args.tanggal, args.desa)
    print(f"Program DP3 tahun {result.year}, tahap {result.stage}, keadaan sampai {result.on:%d-%m-%Y}")
    print(f"{'KODE DESA':<15} {'KADER':>5} {'L':>3} {'P':>3} {'KURANG':>6} {'PELATIHAN':>9} {'KEGIATAN':>8} "
          f"{'PESERTA':>7} {'PEMILIH AWAL':>12} {'PEMILIH AKHIR':>13}")
    for v in [*result.villages, result.totals()]:
        label = v.kode_desa if v.lokus is not None else "JUMLAH"
        _, men, women, n = v.cadre_rows()[-1]
        short = v.shortfall if v.lokus is not None else max(rules.TARGET_CADRES * len(result.villages) - n, 0)
        print(f"{label:<15} {n:>5} {men:>3} {women:>3} {short:>6} {len(v.trainings):>9} {len(v.activities):>8} "
              f"{rules.total(v.participants):>7} {(v.voters_before or (0, 0, 0))[2]:>12} "
              f"{(v.voters_after or (0, 0, 0))[2]:>13}")
    return 0
