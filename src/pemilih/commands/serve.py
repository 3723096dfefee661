"""`pemilih serve`: the web application on a workspace (gunicorn + the job worker)."""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from pemilih.commands import common

WATCH_SECONDS = 0.5  # how often `pemilih serve` looks at its job worker


def register(sub):
    p = sub.add_parser("serve", help="jalankan aplikasi web pada ruang kerja",
                       description="Menjalankan aplikasi web (server gunicorn, bukan server pengembangan "
                                   "Django) dan pekerja latar untuk pekerjaan panjang. SQLite di ruang kerja, "
                                   "atau PostgreSQL lewat DATABASE_URL. Kunci rahasia dari PEMILIH_SECRET_KEY, "
                                   "atau dibuat sekali dan disimpan di ruang kerja.")
    common.add_workspace(p)
    p.add_argument("--host", default="127.0.0.1", help="alamat yang didengarkan (bawaan: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (bawaan: 8000)")
    p.add_argument("--workers", type=int, default=2, help="proses web (bawaan: 2)")
    p.add_argument("--threads", type=int, default=4, help="utas per proses web (bawaan: 4)")
    p.add_argument("--akun-demo", action="store_true",
                   help="buat (sekali) satu akun demo per peran dan cetak kata sandinya (untuk ruang kerja demo)")
    p.set_defaults(func=common.guarded(run))
    return p


def run(args) -> int:
    from pemilih.web import server
    opts = server.ServeOptions(workspace=Path(args.workspace), host=args.host, port=args.port,
                               workers=args.workers, threads=args.threads,
                               database_url=os.environ.get("DATABASE_URL"))
    server.prepare(opts)
    if args.akun_demo:
        demo_accounts(opts.workspace, opts.database_url)
    else:
        print_accounts(opts.workspace)
    print(f"Aplikasi web: http://{args.host}:{args.port}/  (hentikan dengan Ctrl+C)", flush=True)
    web, supervisor = server.start_supervised(opts, tied=True)
    # A plain `kill` (SIGTERM) stops the server like Ctrl+C does: through `finally` below.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while web.poll() is None:
            supervisor.poll()  # a dead job worker is restarted
            time.sleep(WATCH_SECONDS)
        return web.returncode
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop(web, *supervisor.processes())


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


def demo_accounts(folder: Path, database_url: str | None = None) -> None:
    """One account per role, the committee's for the first village of the latest election (else
    of the list); made once, the same passwords printed on every start."""
    from pemilih.store.elections import latest_election
    from pemilih.store.workspace import open_workspace
    from pemilih.web.accounts import demo_accounts as made
    ws = open_workspace(folder, database_url)
    election = latest_election(ws)
    villages = sorted(election.villages) if election and election.villages else _listed_villages()
    print("Akun demo aplikasi web (peran / nama pengguna / kata sandi):")
    for a in made(Path(folder), villages[0] if villages else ""):
        where = f" (desa {a['desa']})" if a["desa"] else ""
        print(f"  {a['role']:<28} {a['username']:<12} {a['password']}{where}")
    sys.stdout.flush()
    ws.close()  # the server's processes open their own connections


def _listed_villages() -> list[str]:
    from pemilih.store.models import Voter
    return sorted(v for v in Voter.objects.values_list("kode_desa", flat=True).distinct() if v)


def print_accounts(folder: Path) -> None:
    saved = Path(folder) / "akun-demo.json"
    if not saved.exists():
        return
    print("Akun demo (nama pengguna / kata sandi):")
    for username, password in json.loads(saved.read_text()).items():
        print(f"  {username:<12} {password}")
    sys.stdout.flush()
