"""Step: review the findings: load them as proposals, accept or reject them, undo a decision.

Findings always reach the store from a findings file (formats.md section 4), read by one
reader (io/findings.read_findings), whether the command line loads a file or the web's and the
demo's verification loads the file it has just written: one path, one result. Every decision
is an event (store/review.py) that changes the current list; an undo is a new event.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pemilih.cycle.common import DEFAULT_LEGAL_BASIS, SILENT, Progress, StepError, Who, check_regime, working_regime

if TYPE_CHECKING:
    import polars as pl

    from pemilih.store.review import DecisionOutcome, LoadOutcome, Selection

ACCEPT, REJECT = "terima", "tolak"
DEFAULT_AGENCY = "DISDUKCAPIL"
LOAD_REASON = "Temuan verifikasi untuk ditelaah"
__all__ = ["ACCEPT", "REJECT", "LoadRequest", "DecideRequest", "UndoRequest", "LoadOutcome",
           "DecisionOutcome", "load", "decide", "undo", "listing", "selection"]


@dataclass(frozen=True)
class LoadRequest:
    path: str  # findings.csv or findings.xlsx
    who: Who


@dataclass(frozen=True)
class DecideRequest:
    verdict: str  # ACCEPT or REJECT
    selection: Selection
    who: Who
    regime: str | None = None  # the code table that says what a code does; None: the working one

    def __post_init__(self):
        if self.verdict not in (ACCEPT, REJECT):
            raise StepError("Pilih keputusan: terima atau tolak.")
        if self.regime is not None:
            check_regime(self.regime)


@dataclass(frozen=True)
class UndoRequest:
    event_seq: int
    who: Who


def code_meaning(code: str, regime: str) -> str:
    """A finding's code in words: its label in this regime's code table or, for a code of
    another regime, the label all tables holding it agree on (domain.codes.known_label); else
    the data-quality problem it names, as the verification minutes say it
    (engine/findings_counts.meaning)."""
    from pemilih.domain.codes import known_label
    from pemilih.engine.findings_counts import meaning
    return known_label(code, regime) or meaning(code, regime)


def who(actor: str, reason: str, agency: str = DEFAULT_AGENCY, legal_basis: str = DEFAULT_LEGAL_BASIS) -> Who:
    """A reviewer: Disdukcapil's verifier unless said otherwise, on the sharing agreement."""
    return Who(actor, agency, reason, legal_basis)


def selection(keys=(), code=None, kode_desa=None, score_min=None, score_max=None, status=None) -> Selection:
    from pemilih.store.review import Selection
    return Selection(tuple(keys), code, kode_desa, score_min, score_max, status)


def load(ws, request: LoadRequest, progress: Progress = SILENT) -> LoadOutcome:
    from pemilih.io.findings import FindingsUnreadable, read_findings
    from pemilih.store.review import load_findings
    progress.stage("Memuat temuan untuk ditelaah")
    try:
        findings = read_findings(request.path)
    except FindingsUnreadable as exc:
        raise StepError(str(exc)) from None
    return load_findings(ws, findings, **request.who.event_args(), legal_basis=request.who.legal_basis)


def decide(ws, request: DecideRequest, progress: Progress = SILENT) -> DecisionOutcome:
    from pemilih.store.review import accept, reject
    progress.stage("Mencatat keputusan")
    act = accept if request.verdict == ACCEPT else reject
    return act(ws, request.selection, **request.who.event_args(), legal_basis=request.who.legal_basis,
               regime=request.regime or working_regime(ws))


def undo(ws, request: UndoRequest, progress: Progress = SILENT) -> int:
    """Undo a decision; the number of the undo event."""
    from pemilih.store.review import undo as undo_decision
    progress.stage("Membatalkan keputusan")
    return undo_decision(ws, request.event_seq, **request.who.event_args(), legal_basis=request.who.legal_basis)


def listing(ws, chosen: Selection) -> pl.DataFrame:
    """The proposals chosen, with their status and deciding event (a read, not a step)."""
    from pemilih.store.review import proposals
    return proposals(ws, chosen)
