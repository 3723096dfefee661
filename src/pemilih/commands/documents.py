"""`pemilih dokumen atur|daftar`: the settings every printed document uses (agency full names,
signatories with NIP, numbering patterns), entered once.

    pemilih dokumen atur --untuk DPML --penandatangan "Ir. Nama Kadis" --jabatan "Kepala Dinas" \
        --nip "19700101 199003 1 002"
    pemilih dokumen atur --untuk DPML --jenis ba_serah_terima --pola "{nomor}/BA-ST/DPML/{bulan}/{tahun}"
    pemilih dokumen atur --untuk PANITIA --desa 73.26.01.2001 --penandatangan "Nama Ketua" --nip "..."
    pemilih dokumen daftar
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    from pemilih.cycle.documents import DOCUMENT_KINDS, FULL_NAMES, PLACEHOLDERS
    p = sub.add_parser("dokumen", help="pengaturan dokumen cetak: nama lembaga, penandatangan, pola nomor",
                       description="Nama lengkap lembaga, penandatangan (nama, jabatan, NIP) dan pola nomor per "
                                   "jenis dokumen, diisi sekali dan dipakai di setiap dokumen cetak.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    put = actions.add_parser("atur", help="atur nama lembaga, penandatangan atau pola nomor satu lembaga")
    put.add_argument("--untuk", required=True, choices=list(FULL_NAMES), help="lembaga yang diatur")
    put.add_argument("--desa", default=None, help="kode desa/lembang (hanya untuk --untuk PANITIA): panitia desa itu, "
                                                   "mis. ketua panitianya sebagai penandatangan")
    put.add_argument("--nama-lengkap", default=None, help="nama lengkap lembaga seperti dicetak")
    put.add_argument("--penandatangan", default=None, help="nama penandatangan (dengan gelar)")
    put.add_argument("--jabatan", default=None, help="jabatan penandatangan")
    put.add_argument("--nip", default=None, help="NIP penandatangan (18 angka)")
    put.add_argument("--jenis", default=None, choices=list(DOCUMENT_KINDS), help="jenis dokumen untuk --pola")
    put.add_argument("--pola", default=None,
                     help="pola nomor; isian yang dikenal: " + ", ".join(f"{{{x}}}" for x in PLACEHOLDERS)
                          + " ({nomor}: nomor urut per tahun, wajib)")
    common.add_who(put, "DPML", "Pengaturan dokumen cetak")
    listed = actions.add_parser("daftar", help="tampilkan pengaturan dokumen yang berlaku")
    for sp, action in ((put, _put), (listed, _list)):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _put(args) -> int:
    from pemilih.cycle import documents
    seq = documents.record(common.workspace(args), documents.SettingsRequest(
        args.untuk, common.who(args), full_name=args.nama_lengkap, signer=args.penandatangan, position=args.jabatan,
        nip=args.nip, kind=args.jenis, pattern=args.pola, village=args.desa))
    whose = f"{args.untuk} desa {args.desa}" if args.desa else args.untuk
    print(f"Pengaturan dokumen {whose} tercatat (peristiwa #{seq}).")
    return 0


def _list(args) -> int:
    from pemilih.cycle import documents
    for agency, lines in documents.listing(common.workspace(args)):
        print(agency)
        for label, value, own in lines:
            print(f"  {label}: {value}" + ("" if own else " (bawaan)"))
    return 0
