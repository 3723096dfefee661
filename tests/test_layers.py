"""The layers of README's "How it is built", as import-linter checks them in `make test`.

The rules hold on this tree; and each rule can fail: a copy of the package with one import
that breaks it, per rule, makes `lint-imports` report exactly the broken rules.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
# (module that breaks the rule, what it imports, the rule's name as pyproject.toml has it)
BREAKS = [
    ("domain/codes.py", "pemilih.io.read", "The domain imports nothing else of pemilih"),
    ("contract.py", "pemilih.store.models", "The contract imports only the domain"),
    ("io/findings.py", "pemilih.engine.findings", "Readers and writers import only the domain and the contract"),
    ("engine/tps.py", "pemilih.io.read", "The engine imports only the domain and the contract"),
    ("store/recap.py", "pemilih.cycle.recap", "The store imports neither the engine, the steps, the web, the command"),
    ("cycle/recap.py", "pemilih.web.rakor", "The steps import neither the web, the command line nor the demo"),
    ("web/rakor.py", "pemilih.commands.recap", "The web and the command line do not import each other"),
    ("web/charts.py", "pemilih.engine.recap", "The web and the command line reach readers, writers and the engine"),
    ("commands/recap.py", "pemilih.generate.core", "Nothing in the product imports the demo generator"),
]


def _lint(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=package_parent,
                          env=env, capture_output=True, text=True, timeout=300)


def _broken(output: str) -> set[str]:
    return {rule for _, _, rule in BREAKS if f"{rule}" in output.split("Broken contracts")[-1]} \
        if "Broken contracts" in output else set()


def test_every_layer_rule_holds_on_this_tree():
    done = _lint(ROOT / "src")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "BROKEN" not in done.stdout


@pytest.mark.slow
def test_each_rule_fails_when_an_import_breaks_it(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "pemilih", copy / "pemilih", ignore=shutil.ignore_patterns("__pycache__"))
    for module, imported, _ in BREAKS:
        path = copy / "pemilih" / module
        path.write_text(path.read_text(encoding="utf-8") + f"\nimport {imported}  # noqa\n", encoding="utf-8")
    done = _lint(copy)
    assert done.returncode != 0
    assert _broken(done.stdout) == {rule for _, _, rule in BREAKS}, done.stdout
