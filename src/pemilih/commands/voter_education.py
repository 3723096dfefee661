"""`pemilih pendidikan catat|batal|daftar|sasaran|laporan`: voter education (pendidikan pemilih).

    pemilih pendidikan catat --desa 73.26.01.2001 --tanggal 12-05-2026 --jenis simulasi \\
        --tema "Tata cara mencoblos" --sasaran pemula perempuan --laki 10 --perempuan 15 \\
        --peserta pemula:10:5 perempuan:0:10 [--materi "..."] [--foto a.jpg b.jpg] [--koreksi NOMOR]
    pemilih pendidikan batal --nomor NOMOR
    pemilih pendidikan daftar [--desa KODE]
    pemilih pendidikan sasaran [--tanggal-acuan HH-BB-TTTT] [--sejak HH-BB-TTTT] [--out DIR]
    pemilih pendidikan laporan [--desa KODE] [--out DIR]
"""
from __future__ import annotations

from pathlib import Path

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import voter_education as step
    from pemilih.domain.voter_education import KINDS, LAST_GENERAL_ELECTION, SEGMENTS
    p = sub.add_parser("pendidikan", help="pendidikan pemilih: catat kegiatan, daftar, sasaran desa, laporan",
                       description="Kegiatan pendidikan pemilih di desa/lembang: jenis, tema, sasaran (segmen), "
                                   "peserta menurut jenis kelamin dan segmen (setiap peserta dihitung sekali, pada "
                                   "satu segmen; L dan P segmen berjumlah L dan P kegiatan), materi dan foto; "
                                   "sasaran: desa diurutkan menurut kebutuhan yang terlihat pada daftar pemilih.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    put = actions.add_parser("catat", help="catat satu kegiatan yang sudah dilaksanakan (atau koreksinya)")
    put.add_argument("--desa", required=True, help="kode desa/lembang")
    put.add_argument("--tanggal", required=True, type=common.day, help="tanggal kegiatan (HH-BB-TTTT)")
    put.add_argument("--jenis", required=True, choices=list(KINDS), help="jenis kegiatan: " + ", ".join(
        f"{k} ({v})" for k, v in KINDS.items()))
    put.add_argument("--tema", required=True, help="tema kegiatan")
    put.add_argument("--sasaran", required=True, nargs="+", choices=list(SEGMENTS), metavar="SEGMEN",
                     help="segmen sasaran: " + ", ".join(f"{k} ({v})" for k, v in SEGMENTS.items()))
    put.add_argument("--laki", required=True, type=int, help="jumlah peserta laki-laki (L)")
    put.add_argument("--perempuan", required=True, type=int, help="jumlah peserta perempuan (P)")
    put.add_argument("--peserta", required=True, nargs="+", metavar="SEGMEN:L:P",
                     help="peserta per segmen, mis. pemula:10:5 umum:3:4 (setiap peserta sekali)")
    put.add_argument("--materi", default="", help="materi yang disampaikan")
    put.add_argument("--foto", nargs="*", default=[], help="berkas foto kegiatan (JPEG, PNG atau PDF)")
    put.add_argument("--koreksi", type=int, default=0, metavar="NOMOR",
                     help="nomor kegiatan yang dikoreksi (catatan baru menggantikan yang lama)")
    common.add_who(put, "KPU", step.RECORD_REASON)
    gone = actions.add_parser("batal", help="batalkan kegiatan yang keliru dicatat (dicatat sebagai peristiwa)")
    gone.add_argument("--nomor", required=True, type=int, help="nomor kegiatan")
    common.add_who(gone, "KPU", None)
    listed = actions.add_parser("daftar", help="kegiatan yang tercatat, dengan peserta L/P")
    listed.add_argument("--desa", default=None, help="kode desa/lembang (bawaan: semua)")
    aimed = actions.add_parser("sasaran", help="desa/lembang diurutkan menurut kebutuhan pendidikan pemilih")
    aimed.add_argument("--tanggal-acuan", type=common.day, default=None, help="tanggal acuan (bawaan: hari ini)")
    aimed.add_argument("--sejak", type=common.day, default=LAST_GENERAL_ELECTION,
                       help="hari pemungutan suara pemilihan terakhir (pemilih pemula: belum 17 tahun saat itu; "
                            f"bawaan: {LAST_GENERAL_ELECTION:%d-%m-%Y})")
    aimed.add_argument("--out", default=None, help="folder hasil (tabel sasaran XLSX)")
    told = actions.add_parser("laporan", help="laporan kegiatan per desa dan per jenis, peserta menurut jenis "
                                              "kelamin dan segmen (XLSX dan PDF bernomor)")
    told.add_argument("--desa", default=None, help="kode desa/lembang (bawaan: seluruh kabupaten)")
    told.add_argument("--out", default=None, help="folder hasil (XLSX dan PDF)")
    common.add_who(told, "KPU", step.PRINT_REASON)
    for sp, action in ((put, _put), (gone, _withdraw), (listed, _list), (aimed, _targets), (told, _report)):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _counts(items: list[str]) -> dict[str, tuple[int, int]]:
    from pemilih.cycle.common import StepError
    out: dict[str, tuple[int, int]] = {}
    for item in items:
        parts = item.split(":")
        if len(parts) != 3 or not all(x.strip().lstrip("-").isdigit() for x in parts[1:]):
            raise StepError(f"--peserta '{item}': tulis SEGMEN:L:P, mis. pemula:10:5")
        segment = parts[0].strip().lower()
        if segment in out:
            raise StepError(f"--peserta: segmen '{segment}' disebut lebih dari sekali")
        out[segment] = (int(parts[1]), int(parts[2]))
    return out


def _put(args) -> int:
    from pemilih.cycle import voter_education as step
    from pemilih.domain.voter_education import Attendance
    ws = common.workspace(args)
    photos = tuple((Path(f).name, Path(f).read_bytes()) for f in args.foto)
    seq, activity = step.record(ws, step.RecordRequest(
        args.tanggal, args.desa, args.jenis, args.tema, tuple(args.sasaran),
        Attendance(args.laki, args.perempuan, _counts(args.peserta)), common.who(args), args.materi, photos,
        args.koreksi))
    what = "Koreksi kegiatan" if args.koreksi else "Kegiatan"
    print(f"{what} nomor {activity.id} tercatat (peristiwa #{seq}): "
          f"{step.place_of(activity.kode_desa, activity.kind, activity.day, step.villages(ws))}; peserta "
          f"{activity.attendance.total} (L {activity.attendance.men}, P {activity.attendance.women}), "
          f"{len(activity.photos)} foto.")
    return 0


def _withdraw(args) -> int:
    from pemilih.cycle import voter_education as step
    ws = common.workspace(args)
    seq = step.withdraw(ws, args.nomor, common.who(args))
    print(f"Kegiatan nomor {args.nomor} dibatalkan (peristiwa #{seq}); catatan lamanya tetap di log.")
    return 0


def _list(args) -> int:
    from pemilih.cycle import voter_education as step
    from pemilih.domain.voter_education import KINDS
    ws = common.workspace(args)
    found = step.activities(ws, args.desa)
    print(f"{'NOMOR':>5} {'TANGGAL':<10} {'DESA':<15} {'JENIS':<26} {'L':>5} {'P':>5} {'JML':>5}  TEMA")
    for a in found:
        print(f"{a.id:>5} {a.day:%d-%m-%Y} {a.kode_desa:<15} {KINDS.get(a.kind, a.kind):<26} {a.attendance.men:>5} "
              f"{a.attendance.women:>5} {a.attendance.total:>5}  {a.topic}")
    men, women = sum(a.attendance.men for a in found), sum(a.attendance.women for a in found)
    print(f"{len(found)} kegiatan, peserta {men + women} (L {men}, P {women}).")
    return 0


def _targets(args) -> int:
    from pemilih.cycle import voter_education as step
    from pemilih.cycle.common import local_today
    ws = common.workspace(args)
    on = args.tanggal_acuan or local_today()
    found = step.targeting(ws, on, args.sejak)
    print(f"{'PERINGKAT':>9} {'KODE DESA':<15} {'DESA':<24} {'PEMILIH':>7} {'SKOR':>6}")
    for r in found.table.iter_rows(named=True):
        print(f"{r['peringkat']:>9} {r['kode_desa']:<15} {(r['desa'] or '')[:24]:<24} {r['pemilih']:>7} "
              f"{step.decimal(r['skor']):>6}")
    for line in step.target_notes(found, since=args.sejak, on=on):
        print(line)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        print(f"-> {step.write_targets_xlsx(found, out / step.TARGETS_FILE, since=args.sejak, on=on)}")
    return 0


def _report(args) -> int:
    from pemilih.cycle import voter_education as step
    ws = common.workspace(args)
    result = step.report(ws, args.desa)
    for k, _kecamatan, desa, t in result.villages:
        print(f"{k:<15} {desa[:24]:<24} {t.activities:>4} kegiatan, peserta {t.total:>5} (L {t.men}, P {t.women})")
    t = result.total
    print(f"Jumlah: {t.activities} kegiatan, peserta {t.total} (L {t.men}, P {t.women}).")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        book = step.write_activities_xlsx(result, out / step.ACTIVITIES_FILE)
        pdf = step.print_report(ws, out, common.who(args), args.desa)
        print(f"-> {book}\n-> {pdf}")
    return 0
