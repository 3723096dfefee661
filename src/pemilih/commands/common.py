"""What the commands share: who acts (recorded in the event log), the workspace, dates as
operators write them, progress on the terminal, and the boundary that turns errors into
messages. Each command parses its arguments into a step's request (pemilih.cycle) and prints
the step's outcome; nothing of a step is done here."""
from __future__ import annotations

import argparse
import getpass
import sys

from pemilih.domain.agencies import AGENCIES as _AGENCIES
from pemilih.domain.masking import mask_digits_in_text

AGENCIES = list(_AGENCIES)
DEFAULT_WORKSPACE = "pemilih-data"


def today():
    from pemilih.cycle.common import local_today
    return local_today()


def day(text: str):
    """DD-MM-YYYY (as printed on forms) or YYYY-MM-DD, for argparse."""
    from pemilih.cycle.common import StepError
    from pemilih.cycle.common import day as parse
    try:
        return parse(text)
    except StepError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_workspace(p) -> None:
    p.add_argument("--workspace", default=DEFAULT_WORKSPACE, help=f"folder ruang kerja (bawaan: ./{DEFAULT_WORKSPACE})")


def add_who(p, agency: str, reason: str | None = None, legal_basis: bool = False) -> None:
    """--alasan, --oleh/--pelaku, --lembaga/--instansi (and --dasar-hukum): recorded on the event."""
    p.add_argument("--alasan", required=reason is None, default=reason,
                   help="alasan (dicatat dalam log peristiwa)" + (f"; bawaan: {reason}" if reason else ""))
    p.add_argument("--oleh", "--pelaku", dest="oleh", default=None, help="nama petugas (bawaan: pengguna sistem)")
    p.add_argument("--lembaga", "--instansi", dest="lembaga", choices=AGENCIES, default=agency,
                   help=f"lembaga (bawaan: {agency})")
    if legal_basis:
        from pemilih.cycle.common import DEFAULT_LEGAL_BASIS
        p.add_argument("--dasar-hukum", default=DEFAULT_LEGAL_BASIS, help="dasar hukum / perjanjian")


def actor(args) -> str:
    return args.oleh or getpass.getuser()


def who(args):
    """The step's Who from --oleh, --lembaga, --alasan (and --dasar-hukum when the command has it)."""
    from pemilih.cycle.common import Who
    return Who(actor(args), args.lembaga, args.alasan, getattr(args, "dasar_hukum", "") or "")


def workspace(args):
    from pemilih.store.workspace import open_workspace
    return open_workspace(args.workspace)


def progress():
    from pemilih.progress import TerminalProgress
    return TerminalProgress()


def guarded(action):
    """Run `action(args)`; refusals print their reason (exit 1), a file that cannot be read or
    written its reason (exit 2), anything else a short message (exit 2): never a traceback."""
    def run(args) -> int:
        from pemilih.cycle.common import is_refusal
        try:
            return int(action(args) or 0)
        except KeyboardInterrupt:
            raise
        except OSError as exc:
            print(f"Berkas tidak dapat dibaca/ditulis: {exc}", file=sys.stderr)
            return 2
        except Exception as exc:  # the boundary
            if is_refusal(exc):
                print(f"Tidak dilakukan, ruang kerja tidak berubah: {mask_digits_in_text(exc)}", file=sys.stderr)
                return 1
            print(f"Gagal, ruang kerja tidak berubah ({type(exc).__name__}): {mask_digits_in_text(exc)}",
                  file=sys.stderr)
            return 2
    return run
