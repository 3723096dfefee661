"""`pemilih demo` (to be written)."""


def register(sub):
    p = sub.add_parser("demo", help="(belum tersedia)")
    p.set_defaults(func=lambda args: print("belum tersedia") or 2)
    return p
