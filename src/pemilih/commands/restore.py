"""`pemilih restore DIR`: a workspace from a backup made by `pemilih backup`.

    pemilih restore /cadangan/2027-03-17 --workspace pemilih-baru

Checks the SHA-256 of every file of the backup against its manifest first; refuses to replace
a workspace that holds events, accounts or other files unless given --timpa; afterwards
reports the events restored.
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    p = sub.add_parser(
        "restore", help="pulihkan ruang kerja dari folder cadangan",
        description="Memeriksa sidik SHA-256 setiap berkas cadangan terhadap manifest-nya, lalu memulihkan "
                    "basis data (SQLite, atau PostgreSQL menurut DATABASE_URL) dan berkas ruang kerja. Ruang "
                    "kerja yang sudah berisi peristiwa, akun atau berkas lain tidak ditimpa kecuali dengan "
                    "--timpa. Setelahnya jumlah peristiwa yang dipulihkan dilaporkan.")
    p.add_argument("folder", metavar="FOLDER", help="folder cadangan hasil `pemilih backup`")
    common.add_workspace(p)
    p.add_argument("--timpa", action="store_true", help="timpa ruang kerja yang sudah berisi")
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import backup as step
    from pemilih.cycle.common import thousands
    request = step.RestoreRequest(args.folder, overwrite=args.timpa)
    ws = common.workspace(args)
    with common.progress() as shown:
        out = step.restore(ws, request, shown)
    last = f", terakhir #{out.last_seq}" if out.last_seq is not None else ""
    print(f"Dipulihkan ke {ws.path} ({ws.describe()}) dari cadangan {out.created}: "
          f"{thousands(out.events)} peristiwa{last}.")
    if out.replaced != "kosong":
        print(f"Isi sebelumnya ditimpa: {out.replaced}.")
    if out.files:
        print("Berkas ruang kerja dipulihkan: " + ", ".join(out.files))
    return 0
