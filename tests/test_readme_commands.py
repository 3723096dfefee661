"""The README's command table and the commands themselves say the same: every command has a
row, and every option and action a row names is one its `--help` lists."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pemilih.cli import COMMANDS, build_parser

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| `pemilih ([a-z0-9-]+)([^`]*)`(?: \(alias `([a-z-]+)`\))? \|", re.M)


def _rows() -> dict[str, str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return {name: rest for name, rest, _alias in ROW.findall(section)}


def _parsers() -> dict[str, object]:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    return sub.choices


def _options(parser) -> set[str]:
    found = set()
    for action in parser._actions:
        found |= set(action.option_strings)
        if action.choices and hasattr(action, "_name_parser_map"):  # actions such as `review muat`
            for child in action.choices.values():
                found |= _options(child)
    return found


def _actions(parser) -> set[str]:
    return {name for a in parser._actions if hasattr(a, "_name_parser_map") for name in a.choices}


def _commands() -> dict[str, object]:
    """Command name -> its parser (an alias such as `import` is the same parser)."""
    return {p.prog.split()[1]: p for p in _parsers().values()}


def test_every_command_has_a_row_and_every_row_a_command():
    assert len(_commands()) == len(COMMANDS)
    assert set(_rows()) == set(_commands())


NAMED = {"train": "train-linkage", "keys": "kunci", "retention": "retensi", "documents": "dokumen",
         "ballots": "surat-suara", "equipment_loans": "logistik",
         "voter_education": "pendidikan"}  # module -> command, where they differ


@pytest.mark.parametrize("name", sorted({NAMED.get(m, m).replace("_", "-") for m in COMMANDS}))
def test_a_rows_options_and_actions_are_the_commands_own(name):
    parser = _commands()[name]
    row = _rows()[name]
    named = set(re.findall(r"--[a-z][a-z0-9-]*", row))
    assert named <= _options(parser), f"{name}: {named - _options(parser)} not in its --help"
    actions = re.findall(r"^ ([a-z][a-z0-9-]*(?:\\\|[a-z][a-z0-9-]*)+)", row)  # such as `akun reset-2fa`
    if actions:
        assert set(actions[0].split("\\|")) == _actions(parser), name
    help_text = parser.format_help()
    assert all(option in help_text for option in named)
