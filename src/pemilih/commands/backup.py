"""`pemilih backup DIR`: a consistent copy of the workspace, while the server may run.

    pemilih backup /cadangan/2027-03-17 --workspace pemilih-data

SQLite through its online backup API, PostgreSQL (DATABASE_URL) through pg_dump; with the
workspace's own files (its keys) and a manifest holding the SHA-256 of each. Owner-only.
Restore with `pemilih restore DIR`.
"""
from __future__ import annotations

from pemilih.commands import common


def register(sub):
    p = sub.add_parser(
        "backup", help="cadangkan ruang kerja ke sebuah folder",
        description="Menyalin basis data ruang kerja secara utuh dan konsisten, juga ketika server berjalan "
                    "(SQLite: API cadangan daring; PostgreSQL menurut DATABASE_URL: pg_dump), beserta berkas "
                    "ruang kerja (kunci) dan manifest berisi waktu, jumlah peristiwa, nomor peristiwa terakhir "
                    "dan sidik SHA-256 setiap berkas. Folder dan berkasnya hanya dapat dibaca pemiliknya. "
                    "Pulihkan dengan `pemilih restore FOLDER`.")
    p.add_argument("folder", metavar="FOLDER", help="folder cadangan (baru atau kosong)")
    common.add_workspace(p)
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.cycle import backup as step
    from pemilih.cycle.common import thousands
    request = step.BackupRequest(args.folder)
    ws = common.workspace(args)
    with common.progress() as shown:
        out = step.backup(ws, request, shown)
    last = f", terakhir #{out.last_seq}" if out.last_seq is not None else ""
    print(f"Cadangan ditulis ke {out.folder}: {thousands(out.events)} peristiwa{last} ({ws.describe()}).")
    print(f"Sidik SHA-256 basis data: {out.dump_sha256}")
    if out.files:
        print("Berkas ruang kerja ikut dicadangkan: " + ", ".join(out.files))
    return 0
