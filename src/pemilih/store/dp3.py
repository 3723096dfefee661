"""The DP3 programme as events: focus villages (lokus) per year, cadres with their consent,
corrections, withdrawals of consent, trainings and activities (kinds DP3_* of store/events.py).

Nothing is edited: a lokus designated again for the same year replaces the earlier designation
(the log keeps both), a cadre's correction or withdrawal of consent is an event of its own.
`state()` reads the whole programme back in one pass. A cadre who withdrew consent is read
back without name, phone or birth year (`Cadre.hidden`): only their sex and component, which
the counts keep, leave this module.

What the records must hold is checked by the step (cycle/dp3.py, domain/dp3.py) before
anything is written here.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from django.db import transaction

from pemilih.store import changes, events, projection, settings

settings.ensure_configured()  # before the models are imported
from pemilih.store.models import Event

KINDS = (events.DP3_LOKUS_DESIGNATED, events.DP3_CADRE_REGISTERED, events.DP3_CADRE_CORRECTED,
         events.DP3_CONSENT_WITHDRAWN, events.DP3_TRAINING_RECORDED, events.DP3_ACTIVITY_RECORDED)
CORRECTABLE = ("name", "sex", "component", "birth_year", "phone")
PERSONAL = ("name", "birth_year", "phone")  # hidden once consent is withdrawn


@dataclass(frozen=True)
class Lokus:
    year: int
    kode_desa: str
    desa: str
    kecamatan: str
    reasons: tuple[str, ...]
    agreement_number: str
    agreement_on: date | None
    signatories: tuple[dict, ...]
    note: str
    seq: int


@dataclass(frozen=True)
class Cadre:
    cadre: str
    kode_desa: str
    registered_on: date
    sex: str
    component: str
    name: str | None  # None once consent is withdrawn
    birth_year: int | None
    phone: str | None
    consent_on: date | None
    consent_how: str
    recruited_by: str | None
    withdrawn_on: date | None = None
    seq: int = 0

    @property
    def hidden(self) -> bool:
        return self.withdrawn_on is not None


@dataclass(frozen=True)
class Training:
    kode_desa: str
    year: int
    held_on: date
    title: str
    mode: str
    cadres: tuple[str, ...]
    seq: int


@dataclass(frozen=True)
class Activity:
    kode_desa: str
    year: int
    stage: str
    held_on: date
    kind: str
    topic: str
    mode: str
    participants: dict
    seq: int


@dataclass
class State:
    lokus: dict[tuple[int, str], Lokus] = field(default_factory=dict)  # (year, kode_desa) -> latest
    cadres: dict[str, Cadre] = field(default_factory=dict)
    trainings: list[Training] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


def _write(ws, kind: str, record: events.Payload, *, actor: str, agency: str, reason: str) -> int:
    ws.activate()
    changes.check_who(actor, agency, reason)
    with transaction.atomic():
        event = Event.write(kind, record, actor=actor, agency=agency, reason=reason, legal_basis="")
        projection.apply(event)
    return event.seq


def designate(ws, record: events.Dp3LokusDesignated, **who) -> int:
    return _write(ws, events.DP3_LOKUS_DESIGNATED, record, **who)


def register(ws, record: events.Dp3CadreRegistered, **who) -> tuple[int, str]:
    """(seq, the cadre's number): `<kode_desa>/K<nnn>`, numbered per village in order of
    registration (the record's own `cadre` is ignored)."""
    ws.activate()
    with transaction.atomic():
        taken = Event.objects.filter(kind=events.DP3_CADRE_REGISTERED,
                                     payload__kode_desa=record.kode_desa).count()
        number = f"{record.kode_desa}/K{taken + 1:03d}"
        seq = _write(ws, events.DP3_CADRE_REGISTERED, replace(record, cadre=number), **who)
    return seq, number


def correct(ws, record: events.Dp3CadreCorrected, **who) -> int:
    return _write(ws, events.DP3_CADRE_CORRECTED, record, **who)


def withdraw(ws, record: events.Dp3ConsentWithdrawn, **who) -> int:
    return _write(ws, events.DP3_CONSENT_WITHDRAWN, record, **who)


def train(ws, record: events.Dp3TrainingRecorded, **who) -> int:
    return _write(ws, events.DP3_TRAINING_RECORDED, record, **who)


def activity(ws, record: events.Dp3ActivityRecorded, **who) -> int:
    return _write(ws, events.DP3_ACTIVITY_RECORDED, record, **who)


def listed_village(ws, kode_desa: str) -> tuple[str, str] | None:
    """(KECAMATAN, DESA) of a village of the current list, as most of its voters spell them;
    None when the list has no voter there."""
    from django.db import connection
    ws.activate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT kecamatan, desa, COUNT(*) AS n FROM store_voter WHERE kode_desa = %s "
                       "GROUP BY kecamatan, desa ORDER BY n DESC, kecamatan, desa", [kode_desa])
        found = cursor.fetchone()
    return (found[0] or "", found[1] or "") if found else None


def state(ws) -> State:
    """The programme as the log has it now."""
    ws.activate()
    out = State()
    found = Event.objects.filter(kind__in=KINDS).order_by("seq").values_list("seq", "kind", "payload")
    for seq, kind, payload in found:
        p = events.parse(kind, payload, seq)
        if kind == events.DP3_LOKUS_DESIGNATED:
            out.lokus[(p.year, p.kode_desa)] = Lokus(p.year, p.kode_desa, p.desa, p.kecamatan, tuple(p.reasons),
                                                     p.agreement_number, p.agreement_on, tuple(p.signatories),
                                                     p.note, seq)
        elif kind == events.DP3_CADRE_REGISTERED:
            out.cadres[p.cadre] = Cadre(p.cadre, p.kode_desa, p.registered_on, p.sex, p.component, p.name,
                                        p.birth_year, p.phone, p.consent_on, p.consent_how, p.recruited_by, None, seq)
        elif kind == events.DP3_CADRE_CORRECTED and p.cadre in out.cadres:
            was = out.cadres[p.cadre]
            values = {k: v for k, v in p.values.items() if k in CORRECTABLE}
            if was.hidden:  # a correction after withdrawal never brings personal data back
                values = {k: v for k, v in values.items() if k not in PERSONAL}
            out.cadres[p.cadre] = replace(was, **values)
        elif kind == events.DP3_CONSENT_WITHDRAWN and p.cadre in out.cadres:
            out.cadres[p.cadre] = replace(out.cadres[p.cadre], name=None, birth_year=None, phone=None,
                                          withdrawn_on=p.withdrawn_on)
        elif kind == events.DP3_TRAINING_RECORDED:
            out.trainings.append(Training(p.kode_desa, p.year, p.held_on, p.title, p.mode, tuple(p.cadres), seq))
        elif kind == events.DP3_ACTIVITY_RECORDED:
            out.activities.append(Activity(p.kode_desa, p.year, p.stage, p.held_on, p.kind, p.topic, p.mode,
                                           dict(p.participants), seq))
    return out
