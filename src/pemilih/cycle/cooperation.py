"""The cooperation after the hand-back (issue 16) as the Rakor hears it: the equipment loans
outstanding, the voter education held and the DP3 programme's progress, one section each,
in the lines each step writes for it (their `rakor_lines`). The Rakor report (cycle/recap.py)
and the Rakor page (web/rakor.py) both take them from here. Counts only: no personal data."""
from __future__ import annotations

import importlib
from datetime import date

from pemilih.cycle.common import StepError

# (section title, the step module that writes its lines)
SECTIONS = (("Pinjam pakai perlengkapan pemilihan", "equipment_loans"),
            ("Pendidikan pemilih", "voter_education"),
            ("Program Desa Peduli Pemilu dan Pemilihan (DP3)", "dp3"))
NOTHING_YET = "belum ada catatan"


def rakor_sections(ws, on: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(title, [(label, value), ...])] as of `on`, every section present: one with nothing
    recorded yet (or that cannot be counted yet, e.g. no election) says so."""
    out = []
    for title, module in SECTIONS:
        try:
            lines = importlib.import_module(f"pemilih.cycle.{module}").rakor_lines(ws, on)
        except StepError as exc:
            lines = [(NOTHING_YET, str(exc))]
        out.append((title, lines or [(NOTHING_YET, "-")]))
    return out
