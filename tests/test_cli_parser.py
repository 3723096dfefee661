"""The command line builds the parser of the command it is given, and every command's otherwise."""
from __future__ import annotations

import subprocess
import sys

import pytest

from pemilih.cli import COMMANDS, build_parser


def _commands(parser) -> set[str]:
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def _loaded_command_modules(argv: list[str]) -> set[str]:
    probe = ("import sys\nfrom pemilih.cli import build_parser\n"
             f"build_parser({argv!r})\n"
             "print(' '.join(m for m in sys.modules if m.startswith('pemilih.commands.')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_a_named_command_imports_its_module_only():
    # commands.common holds what every command module shares.
    assert _loaded_command_modules(["verify", "--help"]) == {"pemilih.commands.verify", "pemilih.commands.common"}
    assert len(_loaded_command_modules(["--help"])) > len(COMMANDS)


def test_no_command_or_an_option_first_gives_every_command():
    everything = _commands(build_parser([]))
    assert len(everything) >= len(COMMANDS)
    assert _commands(build_parser(["--help"])) == everything
    assert _commands(build_parser(None)) == everything


@pytest.mark.parametrize("argv", [["nonsense"], ["train-linkage"], ["import"], ["kunci"]])
def test_a_name_that_is_not_a_module_falls_back_to_every_command(argv):
    # train-linkage and import are registered by modules of other names; nonsense by none.
    assert _commands(build_parser(argv)) == _commands(build_parser([]))


@pytest.mark.parametrize("argv", [["coklit-progress", "--desa", "7326012001"], ["verify", "--list", "a.csv",
                                                                                 "--registry", "b.csv", "--on",
                                                                                 "2027-03-17", "--out", "o"]])
def test_the_one_command_parser_parses_as_the_whole_one(argv):
    alone = build_parser(argv).parse_args(argv)
    whole = build_parser([]).parse_args(argv)
    assert {k: v for k, v in vars(alone).items() if k != "func"} == {k: v for k, v in vars(whole).items()
                                                                     if k != "func"}
    # The function a command runs may be a wrapper made at registration (commands.common.guarded):
    # the same action inside it, not the same wrapper.
    assert _action(alone.func) is _action(whole.func)


def _action(func):
    """What a registered command runs: the action guarded() wraps, or the function itself."""
    cells = [c.cell_contents for c in func.__closure__ or ()]
    return next((c for c in cells if callable(c)), func)


def test_a_module_that_registers_another_name_is_not_taken_for_the_command():
    # The module `keys` registers `kunci`: `pemilih keys` is no command, as before.
    with pytest.raises(SystemExit):
        build_parser(["keys"]).parse_args(["keys"])
