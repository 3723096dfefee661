"""`pemilih election ...`: a village-head election's lists, TPS, announcements and logistics.

    pemilih election buat --kode PILKALEM2027 --nama "Pemilihan Kepala Lembang Serentak 2027" \\
        --hari 17-03-2027 --dps 15-01-2027 --desa 73.26.02.2001 73.26.02.2002 --maks-tps 500
    pemilih election dps --kode PILKALEM2027 --out hasil/dps        (list + announcement PDFs)
        [--alasan-jadwal "..."]   (a list set outside its scheduled period needs a reason)
    pemilih election tanggapan --kode PILKALEM2027 tanggapan.xlsx    (public responses)
    pemilih election dpt --kode PILKALEM2027 --out hasil/dpt         (final list, TPS, logistics)
    pemilih election dptb --kode PILKALEM2027 --out hasil/dptb       (additional list)
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle import election
    p = sub.add_parser("election", help="pemilihan kepala lembang: DPS, tanggapan, DPT dan TPS, DPTb, logistik",
                       description="Daftar pemilih untuk pemilihan kepala lembang (Pilkalem): DPS dengan lembar "
                                   "pengumuman per TPS (NIK/NKK disamarkan), tanggapan masyarakat, DPT dengan "
                                   "penetapan TPS dan kebutuhan logistik, serta DPTb.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    make = actions.add_parser("buat", help="buat pemilihan")
    make.add_argument("--nama", required=True)
    make.add_argument("--rezim", default=election.DEFAULT_REGIME,
                      help=f"tabel kode (bawaan: {election.DEFAULT_REGIME})")
    make.add_argument("--hari", required=True, type=common.day, help="hari pemungutan suara (HH-BB-TTTT)")
    make.add_argument("--dps", required=True, type=common.day, help="tanggal penetapan DPS (HH-BB-TTTT)")
    make.add_argument("--desa", nargs="+", required=True, help="kode desa/lembang yang memilih")
    make.add_argument("--maks-tps", type=int, default=election.DEFAULT_MAX_PER_TPS,
                      help=f"pemilih paling banyak per TPS (bawaan: {election.DEFAULT_MAX_PER_TPS})")
    make.add_argument("--cadangan", default=None,
                      help="persen surat suara cadangan per TPS, dibulatkan ke atas per TPS (bawaan: 2.5)")
    make.add_argument("--umumkan-sampai", type=common.day, default=None, metavar="HH-BB-TTTT",
                      help="hari terakhir pengumuman DPS (bawaan: menurut tabel kode, PILKALEM 3 hari)")
    make.add_argument("--tanggapan-sampai", type=common.day, default=None, metavar="HH-BB-TTTT",
                      help="batas tanggapan masyarakat atas DPS (bawaan: menurut tabel kode)")
    make.add_argument("--dpt", type=common.day, default=None, metavar="HH-BB-TTTT",
                      help="tanggal penetapan DPT (bawaan: sehari sesudah batas tanggapan)")
    common.add_who(make, "DPML", election.CREATE_REASON)
    lists = {}
    for stage, text in (("dps", "tetapkan DPS dan cetak pengumuman per TPS"),
                        ("dpt", "tetapkan DPT dengan TPS, cetak pengumuman dan logistik"),
                        ("dptb", "susun DPTb (pemilih tambahan setelah DPT)")):
        lists[stage] = sp = actions.add_parser(stage, help=text)
        sp.add_argument("--out", required=True, help="folder hasil")
        sp.add_argument("--proses", type=int, default=2, help="jumlah proses untuk PDF (bawaan: 2)")
        sp.add_argument("--cadangan", default=None,
                        help="persen surat suara cadangan per TPS untuk daftar ini (bawaan: cadangan pemilihan)")
        sp.add_argument("--tanpa-pengumuman", action="store_true", help="jangan cetak PDF pengumuman")
        sp.add_argument("--tanpa-daftar", action="store_true", help="jangan tulis daftar sebagai xlsx")
        if stage != "dptb":
            sp.add_argument("--tanpa-keputusan", action="store_true",
                            help="jangan cetak keputusan dan berita acara penetapan per desa (dapat dicetak nanti "
                                 "dari halaman pemilihan)")
        if stage == "dpt":
            sp.add_argument("--paket", action="store_true",
                            help="cetak juga paket hari pemungutan (salinan DPT untuk KPPS, undangan, daftar TPS); "
                                 "biasanya sesudah tempat TPS dicatat: pemilih tps cetak")
        common.add_who(sp, "PANITIA", election.stage_reason(STAGES[stage]))
    respond = actions.add_parser("tanggapan", help="catat tanggapan masyarakat atas DPS dari berkas")
    respond.add_argument("file", metavar="BERKAS", help="xlsx: JENIS, KUNCI/NIK, KODE, KOLOM, NILAI BARU, BUKTI, ...")
    common.add_who(respond, "PANITIA", election.RESPONSES_REASON)
    for sp in (*lists.values(), respond):
        sp.add_argument("--alasan-jadwal", default=None, metavar="TEKS",
                        help="alasan menetapkan/mencatat di luar jadwal pemilihan (wajib bila di luar jadwal; "
                             "dicatat pada peristiwa)")
    for sp in (make, respond, *lists.values()):
        sp.add_argument("--kode", required=True, help="kode pemilihan, mis. PILKALEM2027")
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(ACTIONS[sp.prog.split()[-1]]))
    return p


STAGES = {"dps": "DPS", "dpt": "DPT", "dptb": "DPTb"}


def _make(args) -> int:
    from pemilih.cycle import election
    request = election.CreateRequest(args.kode, args.nama, args.hari, args.dps, tuple(args.desa), common.who(args),
                                     regime=args.rezim, max_per_tps=args.maks_tps, reserve_percent=args.cadangan,
                                     announce_until=args.umumkan_sampai, responses_until=args.tanggapan_sampai,
                                     dpt_set_on=args.dpt)
    e = election.create(common.workspace(args), request)
    print(f"Pemilihan {e.code} dibuat: {len(e.villages)} desa, hari pemungutan {e.voting_day:%d-%m-%Y}, "
          f"paling banyak {e.max_per_tps} pemilih per TPS.")
    print(f"Jadwal: DPS {e.dps_set_on:%d-%m-%Y}, diumumkan s.d. {e.announce_until:%d-%m-%Y}, tanggapan s.d. "
          f"{e.responses_until:%d-%m-%Y}, DPT {e.dpt_set_on:%d-%m-%Y}.")
    return 0


def _set(args) -> int:
    from pemilih.cycle import election
    request = election.SetListRequest(args.kode, STAGES[args.action], args.out, common.who(args),
                                      reserve_percent=args.cadangan, announce=not args.tanpa_pengumuman,
                                      listing=not args.tanpa_daftar, processes=args.proses,
                                      schedule_reason=args.alasan_jadwal, pack=getattr(args, "paket", False),
                                      papers=not getattr(args, "tanpa_keputusan", False))
    with common.progress() as shown:
        made = election.set_list(common.workspace(args), request, shown)
    print(f"{made.list.stage} {args.kode} ditetapkan: {made.list.voters:,} pemilih, {made.tps} TPS "
          f"(peristiwa #{made.list.event_id}); {len(made.paths)} berkas di {args.out}.")
    for line in made.warnings[:10]:
        print(f"  peringatan: {line}")
    return 0


def _respond(args) -> int:
    from pemilih.cycle import election
    request = election.ResponsesRequest(args.kode, args.file, common.who(args), schedule_reason=args.alasan_jadwal)
    out = election.record_responses(common.workspace(args), request)
    counts = ", ".join(f"{k.lower()} {v}" for k, v in sorted(out.counts.items())) or "tidak ada perubahan"
    print(f"Tanggapan dicatat ({counts})" + (f", peristiwa #{out.event_seq}." if out.event_seq else "."))
    return 0


ACTIONS = {"buat": _make, "dps": _set, "dpt": _set, "dptb": _set, "tanggapan": _respond}
