"""`pemilih receive` (to be written)."""


def register(sub):
    p = sub.add_parser("receive", help="(belum tersedia)")
    p.set_defaults(func=lambda args: print("belum tersedia") or 2)
    return p
