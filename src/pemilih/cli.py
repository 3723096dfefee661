"""The `pemilih` command line: thin, each subcommand parses its input and calls the library."""
from __future__ import annotations

import argparse
import importlib
import sys

from pemilih import __version__
from pemilih.store import owner_only

# Each name is a module in pemilih.commands with register(subparsers) -> parser with func set.
COMMANDS = ["generate", "check", "receive", "demo", "verify", "train", "review", "agreement", "share",
            "collect", "coklit_progress", "resolve", "election", "tps", "ballots", "equipment_loans",
            "handback", "apply", "keys",
            "retention", "recap", "documents", "audit", "backup", "restore", "serve", "akun", "registry",
            "voter_education", "dp3"]


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of the command `argv` names: a command's start-up
    then imports its own module, not thirty (some 0.15 s on every run)."""
    wanted = _named(argv)
    if wanted:
        parser, names = _parser([wanted])
        if argv[0] in names:  # the module registers the command under the name given
            return parser
    return _parser(COMMANDS)[0]


def _named(argv: list[str] | None) -> str | None:
    """The module of the command `argv` begins with, when it is one of COMMANDS by name."""
    if not argv or argv[0].startswith("-"):
        return None
    module = argv[0].replace("-", "_")
    return module if module in COMMANDS else None


def _parser(commands: list[str]) -> tuple[argparse.ArgumentParser, set[str]]:
    """The parser with `commands` (modules) registered, and the command names it knows."""
    parser = argparse.ArgumentParser(
        prog="pemilih",
        description="Pemutakhiran daftar pemilih antarlembaga: KPU, DPML, panitia lembang, Disdukcapil.",
    )
    parser.add_argument("--version", action="version", version=f"pemilih {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="PERINTAH")
    for name in commands:
        importlib.import_module(f"pemilih.commands.{name}").register(sub)
    return parser, set(sub.choices)


def main(argv: list[str] | None = None) -> int:
    owner_only.start_process()  # what any command writes holds personal data: owner-only
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    _start_ahead(args)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return 130


def _start_ahead(args) -> None:
    """Start-up work a command will need, begun while it reads its files: `receive` opens
    (on first use creates) its workspace on a background thread (store/workspace.py)."""
    if args.command not in ("receive", "import"):
        return
    from pemilih.store import settings, workspace
    try:
        settings.ensure_configured()  # Django configured here, before the thread starts
        workspace.open_workspace_ahead(args.workspace)
    except Exception:
        pass  # only a head start: the command opens the workspace itself and reports why not
