"""`pemilih election ...`: a village-head election's lists, TPS, announcements and logistics.

    pemilih election buat --kode PILKALEM2027 --nama "Pemilihan Kepala Lembang Serentak 2027" \\
        --hari 17-03-2027 --dps 15-01-2027 --desa 73.26.02.2001 73.26.02.2002 --maks-tps 500
    pemilih election dps --kode PILKALEM2027 --out hasil/dps        (list + announcement PDFs)
    pemilih election tanggapan --kode PILKALEM2027 tanggapan.xlsx    (public responses)
    pemilih election dpt --kode PILKALEM2027 --out hasil/dpt         (final list, TPS, logistics)
    pemilih election dptb --kode PILKALEM2027 --out hasil/dptb       (additional list)
"""
from __future__ import annotations

from pathlib import Path

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("election", help="pemilihan kepala lembang: DPS, tanggapan, DPT dan TPS, DPTb, logistik",
                       description="Daftar pemilih untuk pemilihan kepala lembang (Pilkalem): DPS dengan lembar "
                                   "pengumuman per TPS (NIK/NKK disamarkan), tanggapan masyarakat, DPT dengan "
                                   "penetapan TPS dan kebutuhan logistik, serta DPTb.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    make = actions.add_parser("buat", help="buat pemilihan")
    make.add_argument("--nama", required=True)
    make.add_argument("--rezim", default="PILKALEM")
    make.add_argument("--hari", required=True, type=common.day, help="hari pemungutan suara (HH-BB-TTTT)")
    make.add_argument("--dps", required=True, type=common.day, help="tanggal penetapan DPS (HH-BB-TTTT)")
    make.add_argument("--desa", nargs="+", required=True, help="kode desa/lembang yang memilih")
    make.add_argument("--maks-tps", type=int, default=500, help="pemilih paling banyak per TPS (bawaan: 500)")
    common.add_who(make, "DPML", "Penetapan penyelenggaraan Pilkalem")
    lists = {}
    for stage, text in (("dps", "tetapkan DPS dan cetak pengumuman per TPS"),
                        ("dpt", "tetapkan DPT dengan TPS, cetak pengumuman dan logistik"),
                        ("dptb", "susun DPTb (pemilih tambahan setelah DPT)")):
        lists[stage] = sp = actions.add_parser(stage, help=text)
        sp.add_argument("--out", required=True, help="folder hasil")
        sp.add_argument("--proses", type=int, default=2, help="jumlah proses untuk PDF (bawaan: 2)")
        sp.add_argument("--cadangan", default=None, help="persen surat suara cadangan per TPS (bawaan: 2.5)")
        sp.add_argument("--tanpa-pengumuman", action="store_true", help="jangan cetak PDF pengumuman")
        sp.add_argument("--tanpa-daftar", action="store_true", help="jangan tulis daftar sebagai xlsx")
        common.add_who(sp, "PANITIA", f"Penetapan {stage.upper()} oleh panitia pemilihan")
    respond = actions.add_parser("tanggapan", help="catat tanggapan masyarakat atas DPS dari berkas")
    respond.add_argument("file", metavar="BERKAS", help="xlsx: JENIS, KUNCI/NIK, KODE, KOLOM, NILAI BARU, BUKTI, ...")
    common.add_who(respond, "PANITIA", "Tanggapan masyarakat atas DPS")
    for sp in (make, respond, *lists.values()):
        sp.add_argument("--kode", required=True, help="kode pemilihan, mis. PILKALEM2027")
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(ACTIONS[sp.prog.split()[-1]]))
    return p


def _make(args) -> int:
    from pemilih.store.elections import create
    e = create(common.workspace(args), code=args.kode, name=args.nama, regime=args.rezim,
               voting_day=args.hari, dps_set_on=args.dps, villages=list(args.desa),
               max_per_tps=args.maks_tps, **common.who(args))
    print(f"Pemilihan {e.code} dibuat: {len(e.villages)} desa, hari pemungutan {e.voting_day:%d-%m-%Y}, "
          f"paling banyak {e.max_per_tps} pemilih per TPS.")
    return 0


def _set(args) -> int:
    from pemilih.store import elections
    ws = common.workspace(args)
    e = elections.election(ws, args.kode)
    stage = {"dps": "DPS", "dpt": "DPT", "dptb": "DPTb"}[args.action]
    made = elections.set_list(ws, e, stage, **common.who(args))
    out = Path(args.out)
    paths = publish(made, e, out, processes=args.proses, reserve=args.cadangan,
                    announce=not args.tanpa_pengumuman, listing=not args.tanpa_daftar)
    print(f"{stage} {e.code} ditetapkan: {made.list.voters:,} pemilih, "
          f"{made.voters.select('kode_desa', 'tps_number').n_unique() if made.voters.height else 0} TPS "
          f"(peristiwa #{made.list.event_id}); {len(paths)} berkas di {out}.")
    for line in made.warnings[:10]:
        print(f"  peringatan: {line}")
    return 0


def publish(made, e, out: Path, *, processes: int = 2, reserve=None, progress=None,
            announce: bool = True, listing: bool = True) -> list[Path]:
    """The printed side of a set list: for the DPT the logistics (XLSX and PDF); the list as
    a workbook with its TPS and the announcement PDFs per village (unless told not to)."""
    import polars as pl

    from pemilih.io import xlsx_tables
    from pemilih.io.announcement_pdf import write_announcements
    from pemilih.io.records import KPU_HEADERS
    from pemilih.store.elections import named, rows_of
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    if made.list.stage == "DPT" and made.voters.height:
        paths += write_logistics(made.voters, e, out, reserve)
    if not (announce or listing):
        return paths
    voters = named(rows_of(made.list)).with_columns(pl.col("tps_number").cast(pl.String).str.zfill(3).alias("tps"))
    if listing:
        book = out / f"{made.list.stage}_{e.code}.xlsx"
        with xlsx_tables.workbook(str(book)) as wb:
            xlsx_tables.text_sheet(wb, made.list.stage, voters.select(
                pl.col(c).alias(KPU_HEADERS[c]) for c in KPU_HEADERS))
        paths.append(book)
    if announce:
        paths += write_announcements(voters, out / "pengumuman", title=f"Pengumuman {made.list.stage}",
                                     stage=made.list.stage, election_name=e.name, voting_day=e.voting_day,
                                     processes=processes, progress=progress)
    return paths


def write_logistics(voters, e, out: Path, reserve=None) -> list[Path]:
    from pemilih.engine.logistics import LogisticsParams, logistics
    from pemilih.io.logistics_pdf import write_logistics_pdf
    from pemilih.io.logistics_xlsx import write_logistics_xlsx
    from pemilih.store.elections import tps_counts
    params = LogisticsParams.for_election("pilkalem", **({"reserve_percent": reserve} if reserve else {}))
    result = logistics(tps_counts(voters), params)
    title = f"Kebutuhan logistik per TPS — {e.name}"
    xlsx = out / "logistik.xlsx"
    write_logistics_xlsx(result, xlsx, title=title, params=params)
    pdf = write_logistics_pdf(result.per_tps, result.per_village, result.per_kecamatan, result.total,
                              out / "logistik.pdf", title=title, params=params)
    return [xlsx, pdf]


def _respond(args) -> int:
    from pemilih.store import elections, responses
    ws = common.workspace(args)
    e = elections.election(ws, args.kode)
    out = responses.record(ws, e, responses.read_sheet(Path(args.file)), **common.who(args))
    counts = ", ".join(f"{k.lower()} {v}" for k, v in sorted(out.counts.items())) or "tidak ada perubahan"
    print(f"Tanggapan dicatat ({counts})" + (f", peristiwa #{out.event_seq}." if out.event_seq else "."))
    return 0


ACTIONS = {"buat": _make, "dps": _set, "dpt": _set, "dptb": _set, "tanggapan": _respond}
