"""Step: record a data-sharing agreement; every export of personal data rests on one.

An agreement is immutable (a changed agreement is a new one with a new number); recording it
is an event. Exports (coklit workbooks, the hand-back package) are refused without one that
is in force, between the right agencies, covering the villages and data elements exported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pemilih.contract import KPU_COLUMNS
from pemilih.cycle.common import SILENT, Progress, StepError, Who
from pemilih.domain.agencies import PARTIES, PROVIDER, RECIPIENT

DEFAULT_TITLE = "Perjanjian kerja sama berbagi data pemilih"
DEFAULT_REASON = "Perjanjian berbagi data ditandatangani"


@dataclass(frozen=True)
class AgreementRequest:
    number: str
    purpose: str
    legal_basis: str
    valid_from: date
    valid_to: date
    retention: str
    who: Who
    title: str = DEFAULT_TITLE
    provider: str = PROVIDER
    recipient: str = RECIPIENT
    data_elements: tuple[str, ...] = tuple(KPU_COLUMNS)  # all the list's columns
    villages: tuple[str, ...] = ("*",)  # the whole regency
    parties: tuple[dict, ...] = field(default_factory=tuple)  # who signed: name, role, agency

    def __post_init__(self):
        for agency in (self.provider, self.recipient):
            if agency not in PARTIES:
                raise StepError(f"Lembaga '{agency}' tidak dapat menjadi pihak perjanjian; pilih: {', '.join(PARTIES)}")
        unknown = sorted(set(self.data_elements) - set(KPU_COLUMNS))
        if unknown:
            raise StepError("Elemen data tidak dikenal: " + ", ".join(unknown))


def run(ws, request: AgreementRequest, progress: Progress = SILENT):
    """The agreement recorded (store.models.Agreement)."""
    from pemilih.store.agreements import Terms, record_agreement
    progress.stage("Mencatat perjanjian")
    terms = Terms(number=request.number.strip(), title=request.title.strip(), provider=request.provider,
                  recipient=request.recipient, purpose=request.purpose.strip(),
                  legal_basis=request.legal_basis.strip(), valid_from=request.valid_from,
                  valid_to=request.valid_to, retention=request.retention.strip(),
                  data_elements=list(request.data_elements), villages=list(request.villages) or ["*"],
                  parties=[dict(p) for p in request.parties])
    return record_agreement(ws, terms, **request.who.event_args())


def listing(ws) -> tuple[list, list]:
    """(every agreement, oldest first; every export recorded under one, oldest first)."""
    from pemilih.store.agreements import all_agreements, transfers
    return all_agreements(ws), transfers(ws)
