"""One meaning, one place: the names of the files' columns are spelt in the contract module
(and the fields' names in domain/fields.py, the agencies in domain/agencies.py), never listed
again elsewhere in the product. A list of four or more of them written out anywhere else is a
second copy waiting to drift (issue 11 found the findings columns in four places, the agencies
in four). The demo generator is exempt: it imitates outside files (KPU's own forms)."""
from __future__ import annotations

import ast
from pathlib import Path

from pemilih import contract
from pemilih.domain.agencies import AGENCIES

SRC = Path(__file__).resolve().parents[1] / "src" / "pemilih"
HOMES = {"contract.py", "domain/agencies.py", "domain/fields.py"}
MEANINGS = {
    "agencies": set(AGENCIES),
    "KPU list headers": set(contract.KPU_HEADERS.values()),
    "registry headers": set(contract.REGISTRY_HEADERS.values()),
    "findings columns": set(contract.FINDINGS_COLUMNS + contract.FINDINGS_EXTRA),
    "responses columns": set(contract.RESPONSE_COLUMNS),
    "coklit workbook headers": set(contract.COKLIT_TPS_HEADERS + contract.COKLIT_NEW_HEADERS),
    "hand-back columns": set(contract.CORRECTED_COLUMNS + contract.CHANGE_SHEETS),
    "logistics headers": set(contract.LOGISTICS_AMOUNT_HEADERS.values()) | set(contract.LOGISTICS_PLACE_HEADERS.values()),
}


def _literals(tree):
    """(line, strings, a dict's values?) of every list, tuple and set written out, and of every
    dict's values (a column -> header table is a list of headers too)."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            items, values = node.elts, False
        elif isinstance(node, ast.Dict):
            items, values = node.values, True
        else:
            continue
        yield node.lineno, {e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)}, values


def test_no_list_of_the_contracts_names_is_written_twice():
    copies = []
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where in HOMES or where.startswith(("generate/", "store/migrations/", "web/migrations/")):
            continue
        for line, strings, values in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            for meaning, names in MEANINGS.items():
                # A dict's values that are agencies map something to one (a role's agency).
                if len(strings & names) >= 4 and not (values and meaning == "agencies"):
                    copies.append(f"{where}:{line} {meaning}: {sorted(strings & names)}")
    assert not copies, "\n".join(copies)


def test_the_scan_finds_a_copy():
    tree = ast.parse('AGENCIES = ["KPU", "DPML", "PANITIA", "DISDUKCAPIL"]\nX = {"a": "NIK", "b": "NAMA"}')
    found = [strings for _, strings, _ in _literals(tree) if len(strings & MEANINGS["agencies"]) >= 4]
    assert found == [{"KPU", "DPML", "PANITIA", "DISDUKCAPIL"}]
