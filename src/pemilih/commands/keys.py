"""`pemilih kunci tampil|daftar|lihat`: the workspace's signing key and the registered keys.

    pemilih kunci tampil > dpml.pub                      (DPML: its public key, to hand to KPU)
    pemilih kunci daftar --untuk DPML --berkas dpml.pub  (KPU: register DPML's key)
"""
from __future__ import annotations

import sys

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("kunci", help="kunci tanda tangan paket serah-kembali (tampil, daftar, lihat)",
                       description="Kunci tanda tangan elektronik (Ed25519) paket serah-kembali. DPML menandatangani "
                                   "paketnya dengan kunci ruang kerjanya; KPU mendaftarkan kunci publik DPML dan "
                                   "hanya menerapkan paket yang ditandatangani kunci terdaftar.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    show = actions.add_parser("tampil",
                              help="tampilkan kunci publik ruang kerja ini dan sidiknya (dibuat bila belum ada)")
    show.add_argument("--pem", action="store_true", help="tampilkan kunci publik dalam format PEM")
    add = actions.add_parser("daftar", help="daftarkan kunci publik lembaga lain")
    add.add_argument("--untuk", default="DPML", choices=common.AGENCIES,
                     help="lembaga pemilik kunci (bawaan: DPML)")
    add.add_argument("--berkas", default=None,
                     help="berkas kunci publik (PEM atau satu baris base64); '-' atau tanpa --berkas: dari input")
    common.add_who(add, "KPU", "Kunci publik DPML diterima bersama perjanjian berbagi data")
    listed = actions.add_parser("lihat", help="tampilkan kunci publik yang terdaftar")
    for sp, action in ((show, _show), (add, _add), (listed, _list)):
        common.add_workspace(sp)
        sp.set_defaults(func=common.guarded(action))
    return p


def _show(args) -> int:
    from pemilih.cycle import keys
    own = keys.own(common.workspace(args))
    print(own.public_pem.strip() if args.pem else own.public_key)
    print(f"Sidik kunci (SHA-256): {own.grouped}", file=sys.stderr)
    return 0


def _add(args) -> int:
    from pemilih.cycle import keys
    if args.berkas and args.berkas != "-":
        with open(args.berkas, encoding="ascii", errors="replace") as fh:
            text = fh.read(64 << 10)
    else:
        text = sys.stdin.read(64 << 10)
    made = keys.register(common.workspace(args), keys.RegisterRequest(args.untuk, text, common.who(args)))
    print(f"Kunci publik {made.agency} terdaftar (peristiwa #{made.seq}).")
    print(f"Sidik kunci (SHA-256): {made.grouped}")
    print("Cocokkan sidik ini dengan yang tertulis di berita acara serah terima.")
    return 0


def _list(args) -> int:
    from pemilih.cycle import keys
    listed = keys.listing(common.workspace(args))
    if not listed:
        print("Belum ada kunci publik yang terdaftar.")
    for k in listed:
        print(f"{k.agency}: {k.grouped} (peristiwa #{k.seq})")
    return 0
