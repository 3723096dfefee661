"""Data-sharing agreements and the transfers that rest on them.

Every export of personal data (field-validation workbooks, the hand-back package, ...) names
the agreement it rests on and is refused without a valid one: in force on the day, between
the right agencies, covering every village and data element exported. Each transfer is an
event naming the agreement, the recipient and the files' sha256 (UU 27/2022: purpose-bound
sharing, accountable; shared/docs/domain.md section 8).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from django.db import transaction

from pemilih.contract import EXPORT_ELEMENTS, EXPORT_LABELS, KPU_HEADERS
from pemilih.domain.agencies import AGREEMENT_PARTY, PROVIDER
from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Agency, Agreement, Event


class AgreementError(changes.ChangeError):
    """No valid agreement for an export, or a malformed agreement; says why in Bahasa."""


@dataclass(frozen=True)
class Terms:
    number: str
    title: str
    provider: str
    recipient: str
    purpose: str
    legal_basis: str
    valid_from: date
    valid_to: date
    retention: str
    data_elements: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=lambda: ["*"])
    parties: list[dict] = field(default_factory=list)


def record_agreement(ws, terms: Terms, *, actor: str, agency: str, reason: str) -> Agreement:
    """Record an agreement (immutable; the same number twice is refused)."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    _check_terms(terms)
    with transaction.atomic():
        if Agreement.objects.filter(number=terms.number).exists():
            raise AgreementError(f"Perjanjian nomor '{terms.number}' sudah tercatat; "
                                 "perjanjian yang berubah dicatat dengan nomor baru")
        values = asdict(terms)
        event = Event.write(events.AGREEMENT_RECORDED, events.AgreementRecorded(**values), actor=actor,
                            agency=agency, reason=reason, legal_basis=terms.legal_basis)
        agreement = Agreement.objects.create(event=event, **values)
        projection.apply(event)
    return agreement


def _check_terms(terms: Terms) -> None:
    for name in ("number", "title", "purpose", "legal_basis", "retention"):
        if not str(getattr(terms, name) or "").strip():
            raise AgreementError(f"Isian perjanjian '{name}' wajib diisi")
    for name in ("provider", "recipient"):
        if getattr(terms, name) not in Agency.values:
            raise AgreementError(f"Pihak '{getattr(terms, name)}' tidak dikenal; pilih salah satu: "
                                 + ", ".join(Agency.values))
    if terms.valid_to < terms.valid_from:
        raise AgreementError("Tanggal akhir berlaku perjanjian sebelum tanggal mulainya")
    if not terms.data_elements:
        raise AgreementError("Perjanjian harus menyebut elemen data yang boleh dibagikan")
    if not terms.villages:
        raise AgreementError("Perjanjian harus menyebut desa yang dicakup (atau '*' untuk semua)")


def agreement_for(ws, number: str | None, *, on: date, provider: str, recipient: str,
                  villages, elements) -> Agreement:
    """The agreement an export rests on, or AgreementError saying exactly what is missing."""
    ws.activate()
    if not number:
        raise AgreementError("Ekspor data pribadi wajib menyebut nomor perjanjian berbagi data "
                             "(--perjanjian); belum ada perjanjian yang disebut")
    agreement = Agreement.objects.filter(number=number).first()
    if agreement is None:
        raise AgreementError(f"Perjanjian nomor '{number}' tidak tercatat di ruang kerja ini")
    if not agreement.valid_from <= on <= agreement.valid_to:
        raise AgreementError(
            f"Perjanjian '{number}' tidak berlaku pada {on:%d-%m-%Y} (berlaku "
            f"{agreement.valid_from:%d-%m-%Y} s.d. {agreement.valid_to:%d-%m-%Y})")
    # An agreement binds its two parties both ways: KPU shares the list, DPML returns the
    # corrected list under the same agreement (domain.md section 0).
    if {agreement.provider, agreement.recipient} != {provider, recipient}:
        raise AgreementError(
            f"Perjanjian '{number}' adalah antara {agreement.provider} dan {agreement.recipient}, "
            f"bukan antara {provider} dan {recipient}")
    outside = sorted(v for v in set(villages) if not agreement.covers(v))
    if outside:
        raise AgreementError(f"Perjanjian '{number}' tidak mencakup desa: " + ", ".join(outside[:10])
                             + (f" (dan {len(outside) - 10} lainnya)" if len(outside) > 10 else ""))
    extra = sorted(missing_elements(agreement, elements))
    if extra:
        raise AgreementError(f"Perjanjian '{number}' tidak mengizinkan elemen data: " + ", ".join(extra))
    return agreement


def missing_elements(agreement, elements) -> list[str]:
    """The elements (canonical names, in the export's order) an export needs and the agreement
    does not allow."""
    allowed = set(agreement.data_elements)
    return [e for e in dict.fromkeys(elements) if e not in allowed]


def access_problem(ws, agency: str, *, on: date, villages: list[str] | None, export: str) -> str | None:
    """Why personal data of `villages` (None or ["*"]: the whole regency) may not go to `agency`
    as `export` (contract.EXPORT_ELEMENTS) on day `on`, or None when an agreement allows it:
    one in force between KPU and the agency's party (domain/agencies.AGREEMENT_PARTY: DPML's
    agreement unlocks nothing for Disdukcapil), allowing every element the export holds and
    covering every village. The one rule every view and download of personal data asks."""
    return agreement_under(ws, agency, on=on, villages=villages, export=export)[1]


def agreement_under(ws, agency: str, *, on: date, villages: list[str] | None,
                    export: str) -> tuple[Agreement | None, str | None]:
    """(the agreement, None) `access_problem` lets the data go under, the newest first; (None,
    None) for KPU's own list; (None, why) when none does."""
    if agency == PROVIDER:
        return None, None  # KPU's own list
    label = EXPORT_LABELS[export]
    party = AGREEMENT_PARTY.get(agency)
    if party is None:
        return None, f"Lembaga {agency} tidak dapat menerima data pribadi pemilih ({label})."
    valid = in_force(ws, on, {PROVIDER, party})
    if not valid:
        return None, (f"Belum ada perjanjian berbagi data {PROVIDER}-{party} yang berlaku pada {on:%d-%m-%Y}; "
                      f"{label} (data pribadi pemilih) tidak dapat dibuka oleh {agency}.")
    needed = EXPORT_ELEMENTS[export]
    allowing = [a for a in valid if not missing_elements(a, needed)]
    if not allowing:
        nearest = min(valid, key=lambda a: len(missing_elements(a, needed)))
        return None, (f"Perjanjian {nearest.number} tidak mengizinkan elemen data yang dimuat {label}: "
                      + ", ".join(KPU_HEADERS.get(e, e) for e in missing_elements(nearest, needed)) + ".")
    wanted = villages or ["*"]
    for a in allowing:
        if all(a.covers(v) if v != "*" else "*" in a.villages for v in wanted):
            return a, None
    for v in wanted:
        if not any(a.covers(v) if v != "*" else "*" in a.villages for a in allowing):
            return None, f"Perjanjian berbagi data yang berlaku tidak mencakup desa {v} untuk {label}."
    return allowing[0], None  # each village under one of them


def record_transfer(agreement: Agreement, record: events.ListShared | events.DataTransferred, *,
                    kind: str = events.DATA_TRANSFERRED, actor: str, agency: str, reason: str) -> Event:
    """One export as an event naming its agreement (inside the caller's transaction): `record`
    says what was exported; the agreement's number, recipient and purpose are added here."""
    changes.check_who(actor, agency, reason)
    stamped = events.with_transfer(record, agreement=agreement.number, recipient=agreement.recipient,
                                   purpose=agreement.purpose)
    event = Event.write(kind, stamped, actor=actor, agency=agency, reason=reason,
                        legal_basis=agreement.legal_basis)
    projection.apply(event)
    return event


def transfers(ws, kind: str | None = None) -> list[Event]:
    ws.activate()
    kinds = [kind] if kind else [events.DATA_TRANSFERRED, events.LIST_SHARED]
    return list(Event.objects.filter(kind__in=kinds).order_by("seq"))


def all_agreements(ws) -> list[Agreement]:
    ws.activate()
    return list(Agreement.objects.order_by("id"))


def in_force(ws, on: date, between: set[str]) -> list[Agreement]:
    """The agreements in force on `on` between these two agencies, the newest first."""
    ws.activate()
    return [a for a in Agreement.objects.filter(valid_from__lte=on, valid_to__gte=on).order_by("-valid_from", "-pk")
            if {a.provider, a.recipient} == between]
