"""`pemilih logistik ...`: equipment KPU lends the regency for a village election (pinjam pakai).

    pemilih logistik inventaris --barang kotak_suara --gudang "Gudang KPU Rantepao" --kondisi baik --jumlah 500
    pemilih logistik permintaan --pemilihan PILKALEM2027 --punya 73.26.01.2001:bilik_suara=2
    pemilih logistik pinjam --pemilihan PILKALEM2027 --tanggal 2027-03-01 --kembali-paling-lambat 2027-04-30
    pemilih logistik serah-terima --pemilihan PILKALEM2027 --tanggal 2027-03-10 --tempat "Gudang KPU Rantepao"
    pemilih logistik kembali --pemilihan PILKALEM2027 --desa 73.26.01.2001 --baik kotak_suara=1 --hilang bilik_suara=1
    pemilih logistik tunggakan [--pemilihan PILKALEM2027] [--desa 73.26.01.2001]
    pemilih logistik cetak --out hasil [--pemilihan PILKALEM2027]
"""
from __future__ import annotations

from datetime import date

from pemilih.commands import common

ITEM_HELP = "kotak_suara atau bilik_suara"


def register(sub):
    from pemilih.cycle import equipment_loans as step
    from pemilih.domain.equipment_loans import CONDITIONS, ITEMS
    p = sub.add_parser("logistik", help="pinjam pakai perlengkapan KPU untuk pemilihan: inventaris, permintaan, "
                                        "perjanjian, serah terima, pengembalian, tunggakan",
                       description="Perlengkapan pemungutan suara milik KPU (kotak suara, bilik suara) yang "
                                   "dipinjamkan kepada pemerintah kabupaten (DPML) untuk pemilihan: dipinjam = kembali "
                                   "baik + rusak + hilang + belum kembali, per barang dan per desa; tidak dipinjamkan "
                                   "melebihi inventaris KPU dalam kondisi baik.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    stock = actions.add_parser("inventaris", help="catat inventaris KPU: satu barang, satu gudang, satu kondisi "
                                                  "(catatan terakhir berlaku)")
    stock.add_argument("--barang", required=True, choices=list(ITEMS), help="jenis barang")
    stock.add_argument("--gudang", required=True, help="nama gudang/tempat penyimpanan")
    stock.add_argument("--kondisi", required=True, choices=list(CONDITIONS), help="kondisi barang")
    stock.add_argument("--jumlah", required=True, type=int, help="jumlah barang (termasuk yang sedang dipinjam)")
    common.add_who(stock, step.LENDER, step.INVENTORY_REASON)
    asked = actions.add_parser("permintaan", help="permintaan DPML: kebutuhan TPS menurut logistik per TPS DPT "
                                                  "dikurangi yang dimiliki desa")
    asked.add_argument("--punya", nargs="*", default=[], metavar="DESA:BARANG=N",
                       help=f"barang yang dimiliki desa, mis. 73.26.01.2001:bilik_suara=2 (BARANG: {ITEM_HELP})")
    common.add_who(asked, step.BORROWER, step.REQUEST_REASON)
    agreed = actions.add_parser("pinjam", help="catat perjanjian pinjam pakai (bawaan: jumlah menurut permintaan "
                                               "terakhir)")
    agreed.add_argument("--tanggal", required=True, type=date.fromisoformat, help="tanggal perjanjian (YYYY-MM-DD)")
    agreed.add_argument("--kembali-paling-lambat", required=True, type=date.fromisoformat,
                        help="tanggal barang paling lambat dikembalikan (YYYY-MM-DD)")
    agreed.add_argument("--nomor", default="", help="nomor perjanjian (bawaan: nomor berikutnya menurut pola KPU)")
    agreed.add_argument("--jumlah", nargs="*", default=None, metavar="DESA:BARANG=N",
                        help="jumlah per desa dan barang (bawaan: permintaan terakhir)")
    common.add_who(agreed, step.LENDER, step.AGREEMENT_REASON)
    handed = actions.add_parser("serah-terima", help="catat serah terima barang menurut perjanjian (bawaan: semua "
                                                     "yang belum diserahkan)")
    handed.add_argument("--tanggal", required=True, type=date.fromisoformat, help="tanggal serah terima (YYYY-MM-DD)")
    handed.add_argument("--tempat", required=True, help="tempat serah terima")
    handed.add_argument("--jumlah", nargs="*", default=None, metavar="DESA:BARANG=N",
                        help="jumlah per desa dan barang (bawaan: semua yang disepakati dan belum diserahkan)")
    common.add_who(handed, step.LENDER, step.HANDOVER_REASON)
    back = actions.add_parser("kembali", help="catat pengembalian barang satu desa: baik, rusak ringan, rusak "
                                              "berat, hilang")
    back.add_argument("--desa", required=True, help="kode desa/lembang")
    back.add_argument("--tanggal", required=True, type=date.fromisoformat, help="tanggal pengembalian (YYYY-MM-DD)")
    for option, text in (("--baik", "kembali dalam kondisi baik"), ("--rusak-ringan", "kembali rusak ringan"),
                         ("--rusak-berat", "kembali rusak berat"), ("--hilang", "hilang")):
        back.add_argument(option, nargs="*", default=[], metavar="BARANG=N", help=f"{text}, mis. kotak_suara=1")
    common.add_who(back, step.BORROWER, step.RETURN_REASON)
    owing = actions.add_parser("tunggakan", help="laporan pinjaman per desa dan per barang: dipinjam, kembali, rusak, "
                                                 "hilang, belum kembali")
    owing.add_argument("--desa", default=None, help="kode desa/lembang (bawaan: semua)")
    printed = actions.add_parser("cetak", help="cetak perjanjian, berita acara serah terima dan pengembalian (PDF), "
                                               "inventaris dan tunggakan (XLSX)")
    printed.add_argument("--out", required=True, help="folder hasil")
    for sp, action in ((stock, _stock), (asked, _request), (agreed, _agree), (handed, _hand_over), (back, _give_back),
                       (owing, _owing), (printed, _print)):
        if sp is not stock:
            sp.add_argument("--pemilihan", default=None, metavar="KODE", help="kode pemilihan (bawaan: yang terakhir)")
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _pairs(texts, with_village: bool) -> dict:
    """`DESA:BARANG=N` (or `BARANG=N`) -> {(desa, barang) or barang: N}; a value that does not
    read is refused, named."""
    from pemilih.cycle.common import StepError
    out = {}
    for text in texts or []:
        left, sep, number = text.partition("=")
        key = tuple(left.split(":", 1)) if with_village else left
        if not sep or not number.strip().isdigit() or (with_village and len(key) != 2):
            shape = "DESA:BARANG=N" if with_village else "BARANG=N"
            raise StepError(f"'{text}' tidak terbaca: tulis {shape}, N bilangan bulat 0 atau lebih")
        out[tuple(k.strip() for k in key) if with_village else key.strip()] = int(number)
    return out


def _election(ws, args) -> str:
    from pemilih.cycle import ballots
    return ballots.election_code(ws, getattr(args, "pemilihan", None))


def _stock(args) -> int:
    from pemilih.cycle import equipment_loans as step
    ws = common.workspace(args)
    seq = step.record_inventory(ws, step.InventoryRequest(args.barang, args.gudang, args.kondisi, args.jumlah,
                                                          common.who(args)))
    print(f"Inventaris {args.barang} di {args.gudang} ({args.kondisi}): {args.jumlah} tercatat (peristiwa #{seq}).")
    return 0


def _request(args) -> int:
    from pemilih.cycle import equipment_loans as step
    ws = common.workspace(args)
    seq, rows = step.request(ws, step.LoanRequest(_election(ws, args), _pairs(args.punya, True), common.who(args)))
    print(f"{'DESA':<15} {'BARANG':<12} {'BUTUH':>6} {'PUNYA':>6} {'MINTA':>6}")
    for r in rows:
        print(f"{r['kode_desa']:<15} {r['item']:<12} {r['need']:>6} {r['held']:>6} {r['requested']:>6}")
    print(f"Permintaan tercatat (peristiwa #{seq}).")
    return 0


def _agree(args) -> int:
    from pemilih.cycle import equipment_loans as step
    ws = common.workspace(args)
    quantities = _pairs(args.jumlah, True) if args.jumlah is not None else None
    seq, number = step.agree(ws, step.AgreementRequest(_election(ws, args), args.tanggal, args.kembali_paling_lambat,
                                                       common.who(args), args.nomor, quantities))
    print(f"Perjanjian pinjam pakai {number} tercatat (peristiwa #{seq}).")
    return 0


def _hand_over(args) -> int:
    from pemilih.cycle import equipment_loans as step
    ws = common.workspace(args)
    quantities = _pairs(args.jumlah, True) if args.jumlah is not None else None
    seq, number = step.hand_over(ws, step.HandoverRequest(_election(ws, args), args.tanggal, args.tempat,
                                                          common.who(args), quantities))
    print(f"Serah terima {number} tercatat (peristiwa #{seq}).")
    return 0


def _give_back(args) -> int:
    from pemilih.cycle import equipment_loans as step
    from pemilih.domain.equipment_loans import Returned
    ws = common.workspace(args)
    parts = [_pairs(getattr(args, k), False) for k in ("baik", "rusak_ringan", "rusak_berat", "hilang")]
    items = {item: Returned(*(p.get(item, 0) for p in parts)) for item in sorted(set().union(*parts))}
    seq, number = step.give_back(ws, step.ReturnRequest(_election(ws, args), args.desa, args.tanggal,
                                                        common.who(args), items))
    print(f"Pengembalian {number} desa {args.desa} tercatat (peristiwa #{seq}).")
    return 0


def _owing(args) -> int:
    from pemilih.cycle import equipment_loans as step
    from pemilih.domain.regions import canonical_code
    ws = common.workspace(args)
    rows = step.report_rows(ws, _election(ws, args), canonical_code(args.desa) if args.desa else None)
    print(f"{'DESA':<15} {'BARANG':<12} {'PINJAM':>6} {'BAIK':>5} {'RUSAK':>5} {'HILANG':>6} {'BELUM':>5}")
    for r in rows:
        print(f"{r['kode_desa']:<15} {r['barang']:<12} {r['dipinjam']:>6} {r['kembali_baik']:>5} {r['rusak']:>5} "
              f"{r['hilang']:>6} {r['belum_kembali']:>5}")
    for s in step.by_item(rows):
        print(f"Jumlah {s['barang']}: dipinjam {s['dipinjam']} di {s['desa']} desa, kembali baik {s['kembali_baik']}, "
              f"rusak {s['rusak']}, hilang {s['hilang']}, belum kembali {s['belum_kembali']}.")
    if not rows:
        print("Belum ada barang yang diserahkan.")
    return 0


def _print(args) -> int:
    from pemilih.cycle import equipment_loan_papers as papers
    ws = common.workspace(args)
    done = papers.print_all(ws, _election(ws, args), args.out)
    print(f"{len(done.agreement)} perjanjian, {len(done.handovers)} berita acara serah terima, "
          f"{len(done.returns)} berita acara pengembalian dan {done.workbook.name} -> {args.out}")
    return 0
