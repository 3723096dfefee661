"""`pemilih agreement catat|daftar`: data-sharing agreements in the workspace.

    pemilih agreement catat --nomor 001/PKS/KPU-DPML/2026 --dari 01-12-2026 --sampai 31-12-2027 \\
        --tujuan "Data awal Pilkalem 2027" --dasar-hukum "UU 7/2017; UU 27/2022" \\
        --retensi "Dihapus 3 bulan setelah diserahkan kembali" --alasan "MoU ditandatangani"
"""
from __future__ import annotations

from pemilih.commands import common
from pemilih.contract import KPU_COLUMNS
from pemilih.domain.agencies import PARTIES, PROVIDER, RECIPIENT


def register(sub):
    p = sub.add_parser("agreement", help="perjanjian berbagi data (catat, daftar)",
                       description="Perjanjian berbagi data antara dua lembaga. Setiap ekspor data pribadi "
                                   "menyebut perjanjian yang mendasarinya dan ditolak tanpa perjanjian yang berlaku.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    add = actions.add_parser("catat", help="catat perjanjian baru")
    add.add_argument("--nomor", required=True, help="nomor perjanjian")
    add.add_argument("--judul", default="Perjanjian kerja sama berbagi data pemilih")
    add.add_argument("--pemberi", default=PROVIDER, choices=PARTIES, help=f"lembaga pemberi data (bawaan: {PROVIDER})")
    add.add_argument("--penerima", default=RECIPIENT, choices=PARTIES, help=f"lembaga penerima (bawaan: {RECIPIENT})")
    add.add_argument("--tujuan", required=True, help="tujuan pemrosesan data")
    add.add_argument("--dasar-hukum", required=True, help="dasar hukum")
    add.add_argument("--dari", required=True, type=common.day, help="berlaku mulai (HH-BB-TTTT)")
    add.add_argument("--sampai", required=True, type=common.day, help="berlaku sampai (HH-BB-TTTT)")
    add.add_argument("--retensi", required=True, help="masa simpan dan penghapusan salinan")
    add.add_argument("--elemen", nargs="+", default=KPU_COLUMNS,
                     help="elemen data yang boleh dibagikan (bawaan: semua)")
    add.add_argument("--desa", nargs="+", default=["*"], help="kode desa yang dicakup (bawaan: * semua)")
    common.add_who(add, "KPU", "Perjanjian berbagi data ditandatangani")
    show = actions.add_parser("daftar", help="tampilkan perjanjian dan ekspor yang bersandar padanya")
    for sp in (add, show):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(ACTIONS[sp.prog.split()[-1]]))
    return p


def _add(args) -> int:
    from pemilih.cycle import agreement
    request = agreement.AgreementRequest(
        number=args.nomor, purpose=args.tujuan, legal_basis=args.dasar_hukum, valid_from=args.dari,
        valid_to=args.sampai, retention=args.retensi, who=common.who(args), title=args.judul,
        provider=args.pemberi, recipient=args.penerima, data_elements=tuple(args.elemen), villages=tuple(args.desa))
    made = agreement.run(common.workspace(args), request)
    print(f"Perjanjian {made.number} dicatat (peristiwa #{made.event_id}), berlaku "
          f"{made.valid_from:%d-%m-%Y} s.d. {made.valid_to:%d-%m-%Y}.")
    return 0


def _show(args) -> int:
    from pemilih.cycle import agreement
    agreements, moved = agreement.listing(common.workspace(args))
    for a in agreements:
        print(f"{a.number}: {a.provider} <-> {a.recipient}, {a.valid_from:%d-%m-%Y} s.d. "
              f"{a.valid_to:%d-%m-%Y}; {a.purpose}")
    print(f"Ekspor data tercatat: {len(moved)}")
    from pemilih.cycle.audit import local_time
    from pemilih.store.events import label
    for e in moved[-10:]:  # the kind as a person reads it (store/events.label), never `list-shared`
        print(f"  #{e.seq} {local_time(e.happened_at):%d-%m-%Y %H:%M} {label(e.kind)} -> {e.payload.get('recipient')} "
              f"({e.payload.get('agreement')}) {e.payload.get('file', '')}")
    return 0


ACTIONS = {"catat": _add, "daftar": _show}
