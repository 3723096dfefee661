"""`pemilih registry key|encode`: Disdukcapil's extract encoded for verification, so that it
never leaves the office in clear (docs/registry-encoding.md).

    pemilih registry key --out kunci_enkode.txt
    pemilih registry encode --registry disdukcapil.csv --key-file kunci_enkode.txt --out ekstrak_enkode.csv
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    p = sub.add_parser("registry", help="enkode data Disdukcapil untuk verifikasi tanpa data terbuka (key, encode)",
                       description="Data Disdukcapil dienkode dengan kunci rahasia: NIK dan NKK menjadi token "
                                   "HMAC, nama, tanggal lahir, tempat lahir dan alamat menjadi filter Bloom (CLK). "
                                   "Kunci tetap di Disdukcapil dan tidak pernah ditulis ke keluaran.")
    actions = p.add_subparsers(dest="action", metavar="TINDAKAN", required=True)
    key = actions.add_parser("key", help="buat berkas kunci rahasia baru (hanya pemiliknya yang dapat membaca)")
    key.add_argument("--out", required=True, metavar="BERKAS", help="berkas kunci baru (tidak menimpa yang ada)")
    key.set_defaults(func=common.guarded(_key))
    enc = actions.add_parser("encode", help="enkode ekstrak Disdukcapil dengan kunci rahasia")
    enc.add_argument("--registry", required=True, nargs="+", metavar="BERKAS", help="ekstrak Disdukcapil (csv/xlsx)")
    enc.add_argument("--key-file", required=True, metavar="KUNCI", help="berkas kunci dari 'pemilih registry key'")
    enc.add_argument("--out", required=True, metavar="BERKAS", help="ekstrak terenkode (CSV) yang ditulis")
    enc.set_defaults(func=common.guarded(_encode))
    return p


def _key(args) -> int:
    from pemilih.cycle import registry_encode
    made = registry_encode.make_key(args.out)
    print(f"Kunci baru ditulis ke {made.path} (hanya pemiliknya yang dapat membaca). ID kunci: {made.key_id}")
    print("Simpan kunci ini di Disdukcapil; jangan dikirim bersama ekstrak terenkode.")
    return 0


def _encode(args) -> int:
    from pemilih.cycle import registry_encode
    request = registry_encode.EncodeRequest(tuple(args.registry), args.key_file, args.out)
    with common.progress() as shown:
        done = registry_encode.encode(request, shown)
    print(f"{done.rows} baris Disdukcapil dienkode ke {done.out} (ID kunci: {done.key_id}).")
    return 0
