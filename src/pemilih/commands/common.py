"""What the village-cycle commands share: who acts (recorded in the event log), the
workspace, dates as operators write them, and the boundary that turns errors into messages."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime

from pemilih.domain.masking import mask_digits_in_text

AGENCIES = ["KPU", "DPML", "PANITIA", "DISDUKCAPIL", "PUBLIK"]


def today() -> date:
    """Today where the work happens (the workspace's time zone, WITA for the demo), not on the
    machine's clock: a server set to UTC is still on yesterday until 08:00 in Toraja Utara,
    and periods and agreements count in local days (store/recap.py bounds)."""
    from zoneinfo import ZoneInfo
    from pemilih.store import settings
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


def day(text: str) -> date:
    """DD-MM-YYYY (as printed on forms) or YYYY-MM-DD."""
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"tanggal '{text}' tidak dikenali; tulis HH-BB-TTTT, mis. 17-03-2027")


def add_workspace(p) -> None:
    p.add_argument("--workspace", default="pemilih-data", help="folder ruang kerja (bawaan: ./pemilih-data)")


def add_who(p, agency: str, reason: str | None = None) -> None:
    p.add_argument("--alasan", required=reason is None, default=reason,
                   help="alasan (dicatat dalam log peristiwa)" + (f"; bawaan: {reason}" if reason else ""))
    p.add_argument("--oleh", default=None, help="nama petugas (bawaan: pengguna sistem)")
    p.add_argument("--lembaga", choices=AGENCIES, default=agency, help=f"lembaga (bawaan: {agency})")


def who(args) -> dict:
    return {"actor": args.oleh or getpass.getuser(), "agency": args.lembaga, "reason": args.alasan}


def workspace(args):
    from pemilih.store.workspace import open_workspace
    return open_workspace(args.workspace)


def guarded(action):
    """Run `action(args)`; expected refusals print their reason (exit 1), anything else a short
    message (exit 2): a user never sees a traceback."""
    def run(args) -> int:
        from pemilih.io.package import PackageError
        from pemilih.store.changes import ChangeError
        from pemilih.store.workspace import WorkspaceError
        try:
            return int(action(args) or 0)
        except (ChangeError, WorkspaceError, PackageError) as exc:
            print(f"Tidak dilakukan, ruang kerja tidak berubah: {mask_digits_in_text(exc)}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"Berkas tidak dapat dibaca/ditulis: {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # the boundary
            print(f"Gagal, ruang kerja tidak berubah ({type(exc).__name__}): {mask_digits_in_text(exc)}",
                  file=sys.stderr)
            return 2
    return run
