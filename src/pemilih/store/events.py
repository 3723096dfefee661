"""THE registry of event kinds: every kind the event log holds is named here once, with the
schema version of its payload and the typed record its payload is read into.

The log is the store's memory (models.Event): the current list is replayed from it
(projection.py), recaps and the hand-back are counted from it (history.py). A payload is kept
as JSON; this module is the one place that says what each kind's JSON holds:

- `KINDS`: kind name -> EventKind (schema version, payload type, whether it changes or
  replaces the list). models.py and projection.py take their kind names from here; the
  projection's table of appliers must cover exactly these kinds (a test checks it).
- Change records (`Removal`, `Addition`, `Correction`): what a change event did to the list,
  each with what it replaced, so applying and undoing it need nothing but the event.
- Payload records, one per kind, with `to_payload()` / `from_payload()`.

Versions: every payload written carries `schema_version`. An event without it was written by
a release before typed events, in the shape of version 1. An event of a kind this release
does not know, or of a version newer than it knows (a workspace a newer release wrote), is
refused with EventError: replaying it by guesswork would give another list than the one
its writer had. When a payload's shape changes, its kind's version goes up and its
`from_payload` learns to read the older versions it is given.

Pure data: no Django here (models.py imports this module).
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import date
from typing import Any, ClassVar

import pemilih
from pemilih.domain.codes import MOVE

SCHEMA_KEY = "schema_version"
LEGACY_VERSION = 1  # what an event without SCHEMA_KEY holds


class EventError(Exception):
    """An event this release cannot read: unknown kind, newer schema version, or a payload
    without what its kind must hold. The message says which event and why (Bahasa Indonesia)."""


# --- change records -----------------------------------------------------------------------------
# The JSON of a change (`op` says which) is the same as before typed events; field order kept,
# so a payload of tens of thousands of changes is not a byte longer.

@dataclass(frozen=True, slots=True)
class Removal:
    """A voter taken off the list (a TMS code), with the row as it was: undo puts it back."""

    key: str
    code: str | None
    evidence: str | None
    row: dict  # every column of store_voter, last_seq included
    op: ClassVar[str] = "remove"

    def to_payload(self) -> dict:
        return {"op": "remove", "key": self.key, "code": self.code, "evidence": self.evidence, "row": self.row}

    @classmethod
    def from_payload(cls, data: dict) -> Removal:
        return cls(data["key"], data.get("code"), data.get("evidence"), data["row"])


@dataclass(frozen=True, slots=True)
class Addition:
    """A voter added to the list (code B), with the whole row added."""

    key: str
    evidence: str | None
    row: dict
    code: str | None = "B"
    op: ClassVar[str] = "add"

    def to_payload(self) -> dict:
        return {"op": "add", "key": self.key, "code": self.code, "evidence": self.evidence, "row": self.row}

    @classmethod
    def from_payload(cls, data: dict) -> Addition:
        return cls(data["key"], data.get("evidence"), data["row"], data.get("code"))


@dataclass(frozen=True, slots=True)
class Correction:
    """One column of one voter set to a new value (code U), with the old value and the event
    that last shaped the row before (undo restores both).

    A move within the village (a code whose effect is `move`, PEMILU2024's TMS-8) is a
    correction of `tps` under that code with `effect` MOVE: the voter stays listed. `effect`
    is written only for a move (a payload before moves existed reads back unchanged)."""

    key: str
    column: str
    old: Any
    new: Any
    old_seq: int | None
    evidence: str | None = ""
    code: str | None = "U"
    effect: str | None = None
    op: ClassVar[str] = "set"

    def to_payload(self) -> dict:
        out = {"op": "set", "key": self.key, "code": self.code, "column": self.column, "old": self.old,
               "new": self.new, "old_seq": self.old_seq, "evidence": self.evidence}
        if self.effect is not None:
            out["effect"] = self.effect
        return out

    @classmethod
    def from_payload(cls, data: dict) -> Correction:
        return cls(data["key"], data["column"], data.get("old"), data.get("new"), data.get("old_seq"),
                   data.get("evidence"), data.get("code"), data.get("effect"))

    @property
    def is_move(self) -> bool:
        return self.effect == MOVE


Change = Removal | Addition | Correction
CHANGE_TYPES: dict[str, type] = {t.op: t for t in (Removal, Addition, Correction)}


def change_from_payload(data: dict) -> Change:
    kind = CHANGE_TYPES.get(data.get("op"))
    if kind is None:
        raise EventError(f"perubahan berjenis '{data.get('op')}' tidak dikenal pemilih {pemilih.__version__}")
    return kind.from_payload(data)


def changes_from_payload(items) -> tuple[Change, ...]:
    """The records of a payload's `changes` (tens of thousands for a decision over a whole
    code: one loop, no call per change beyond its record's own)."""
    types, out = CHANGE_TYPES, []
    for data in items or ():
        kind = types.get(data.get("op"))
        out.append(kind.from_payload(data) if kind is not None else change_from_payload(data))
    return tuple(out)


# --- payload records ----------------------------------------------------------------------------
# A payload record's fields are its JSON keys, in the order written. Field metadata names the
# two conversions JSON needs: a date (ISO text) and a list of change records.

def _day(**kw):
    return field(metadata={"codec": "date"}, **kw)


def _changes():
    return field(default=(), metadata={"codec": "changes"})


def _added(**metadata):
    """A field added to a kind after its payloads were first written: absent (None) it is not
    written, so a payload without it reads and writes back exactly as it was stored."""
    return field(default=None, metadata={"omit_none": True, **metadata})


@dataclass(frozen=True, slots=True)
class Visits:
    """Rows of a returned coklit workbook the committee went through, under one visit date and
    officer (either may be missing) and one tick: `keys` of TPS rows (or of new voters). Grouped
    so that a workbook's payload names each row once, its date and officer once a group."""

    on: str | None  # TANGGAL KUNJUNGAN, ISO
    by: str | None  # PETUGAS
    checked: bool  # SESUAI ticked: found correct
    keys: tuple[str, ...]

    def to_payload(self) -> dict:
        return {"on": self.on, "by": self.by, "checked": self.checked, "keys": list(self.keys)}

    @classmethod
    def from_payload(cls, data: dict) -> Visits:
        return cls(data.get("on"), data.get("by"), bool(data.get("checked")), tuple(data.get("keys") or ()))


def _added_day():
    """A date added as `_added()` is (ISO text when present)."""
    return field(default=None, metadata={"omit_none": True, "codec": "date"})


@dataclass(frozen=True)
class Payload:
    """Base of the payload records."""

    def to_payload(self) -> dict:
        """The JSON dict kept in Event.payload, without its schema version (see `payload_of`)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            codec = f.metadata.get("codec")
            if codec == "date":
                value = value.isoformat() if value is not None else None
            elif codec == "changes":
                value = [c.to_payload() for c in value]
            elif codec == "visits" and value is not None:
                value = [v.to_payload() for v in value]
            if value is None and f.metadata.get("omit_none"):
                continue
            out[f.name] = value
        return out

    @classmethod
    def from_payload(cls, data: dict, version: int = LEGACY_VERSION):
        """The record of a stored payload of schema `version` (all kinds are at version 1:
        nothing to convert yet). A key missing from an older payload takes its default;
        a key without one is required."""
        values = {}
        for f in fields(cls):
            if f.name not in data:
                if _has_default(f):
                    continue
                raise EventError(f"isian '{f.name}' tidak ada")
            value = data[f.name]
            codec = f.metadata.get("codec")
            if codec == "date":
                value = date.fromisoformat(value) if value else None
            elif codec == "changes":
                value = changes_from_payload(value)
            elif codec == "visits" and value is not None:
                value = tuple(Visits.from_payload(v) for v in value)
            values[f.name] = value
        return cls(**values)


def _has_default(f) -> bool:
    return f.default is not MISSING or f.default_factory is not MISSING


@dataclass(frozen=True)
class Imported(Payload):
    """A batch received (a KPU list, which replaces the current list, or a registry extract)."""

    batch: int
    sha256: str
    files: list[str]
    rows: int
    problems: int


@dataclass(frozen=True)
class AgreementRecorded(Payload):
    """A data-sharing agreement, as recorded (models.Agreement holds it too)."""

    number: str
    title: str
    provider: str
    recipient: str
    purpose: str
    legal_basis: str
    valid_from: date = _day()
    valid_to: date = _day()
    retention: str
    data_elements: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    parties: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class FindingsLoaded(Payload):
    proposals: int  # new proposals (models.Proposal rows pointing at the event)


@dataclass(frozen=True)
class ReviewDecided(Payload):
    """Proposals accepted (with the changes that made to the list) or rejected (no changes).
    A change recorded by hand under this kind (changes.record) decides no proposal."""

    proposals: int = 0
    changes: tuple[Change, ...] = _changes()
    skipped: list[str] = field(default_factory=list)  # accepted without a change, and why


@dataclass(frozen=True)
class ReviewUndone(Payload):
    undoes: int  # the decision event undone (also Event.undoes)


@dataclass(frozen=True)
class ListShared(Payload):
    """A village's coklit workbook cut from the current list and handed to its committee.

    `sheets` holds per TPS sheet [key, last_seq, digest] of every row (what collect checks a
    returned workbook against): the bulk of the payload, kept as the JSON it is. The last
    three fields come from the agreement (agreements.record_transfer fills them)."""

    cut: str
    format: str
    kode_desa: str
    desa: str
    kecamatan: str
    file: str
    sha256: str
    regime: str
    base_seq: int
    shared_on: date = _day()
    elements: list[str]
    rows: int
    sheets: dict
    agreement: str = ""
    recipient: str = ""
    purpose: str = ""


@dataclass(frozen=True)
class DataTransferred(Payload):
    """Any other export of personal data (the hand-back package); the last three fields come
    from the agreement (agreements.record_transfer fills them)."""

    what: str
    file: str
    sha256: str
    manifest_sha256: str | None = None
    counts: dict = field(default_factory=dict)
    agreement: str = ""
    recipient: str = ""
    purpose: str = ""


TRANSFERS = (ListShared, DataTransferred)


@dataclass(frozen=True)
class KeyRegistered(Payload):
    """Another agency's public signing key, registered to check its packages (store/keys.py)."""

    agency: str
    public_key: str  # raw Ed25519 bytes, base64
    fingerprint: str  # SHA-256 of those bytes, hexadecimal


@dataclass(frozen=True)
class RetentionApplied(Payload):
    """Personal data deleted past an agreement's retention (store/retention.py): what, counts
    only; no personal data."""

    agreement: str
    handed_back: date = _day()  # the hand-back the retention counts from
    due: date = _day()  # when the retention ended
    counts: dict = field(default_factory=dict)  # table or kind -> rows deleted or redacted
    # seq -> the chain hash (store/chain.py) of each event as redacted: the audit accepts a
    # redacted event whose content gives exactly this (its stored hash, the original, links on)
    redacted: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CoklitCollected(Payload):
    """A committee's returned workbook: its changes, the conflicts left unapplied, and the rows
    checked at the door (`visits`: ticked, dated or signed, or given a STATUS; those a workbook
    of the same cut recorded before are not repeated). Absent from workbooks collected before
    visits were recorded."""

    cut: str
    shared_event: int
    file: str
    sha256: str
    kode_desa: str | None
    counts: dict = field(default_factory=dict)
    conflicts: list[dict] = field(default_factory=list)
    agreement: str | None = None
    changes: tuple[Change, ...] = _changes()
    visits: tuple[Visits, ...] | None = _added(codec="visits")
    # Rows left when the committee chose to take the right rows now: each problem with its sheet,
    # cell, column, row, voter (NO and NAMA) and reason; those rows stay as they were in the list.
    # Absent from workbooks taken whole.
    left: list[dict] | None = _added()


@dataclass(frozen=True)
class ElectionCreated(Payload):
    code: str
    name: str
    regime: str
    voting_day: date = _day()
    dps_set_on: date = _day()
    villages: list[str]
    max_per_tps: int
    # Ballot reserve (% per TPS) as written; absent from elections made before it was stored.
    reserve_percent: str | None = _added()
    # The schedule (domain/election_rules.py); absent from elections made before it was stored.
    announce_until: date | None = _added_day()
    responses_until: date | None = _added_day()
    dpt_set_on: date | None = _added_day()


@dataclass(frozen=True)
class ElectionListSet(Payload):
    """A list set, with the settings it was set with (absent from lists set before they were
    stored: the election's own then applied)."""

    election: str  # the election's code
    stage: str  # DPS, DPT or DPTb
    voters: int
    warnings: list[str] = field(default_factory=list)
    regime: str | None = _added()
    max_per_tps: int | None = _added()
    reserve_percent: str | None = _added()
    # Why it was set outside its scheduled period (absent: within it, or set before it was asked).
    schedule_reason: str | None = _added()


@dataclass(frozen=True)
class ResponsesRecorded(Payload):
    """Public responses to an election's provisional list (store/responses.py); a change KPU
    or DPML records by hand under this kind (changes.record) names no election."""

    election: str | None = None
    responses: int = 0
    changes: tuple[Change, ...] = _changes()
    # Why they were recorded after the response deadline (absent: before it).
    schedule_reason: str | None = _added()


@dataclass(frozen=True)
class HandbackApplied(Payload):
    package: str  # the manifest's sha256: the same package is applied once
    file: str
    source: str
    period: str | None = None
    conflicts: list[str] = field(default_factory=list)
    changes: tuple[Change, ...] = _changes()


@dataclass(frozen=True)
class VillageResolved(Payload):
    """Voters without a village (the unresolved queue, store/unresolved.py) placed by a person
    in a village of the region reference: per voter, corrections of kode_desa, and of desa and
    kecamatan where the written names differ from the reference's (store/unresolved.resolve)."""

    voters: int = 0
    changes: tuple[Change, ...] = _changes()


# --- the registry -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentSettingsSet(Payload):
    """Settings of the printed documents for one agency (store/documents.py): `values` holds
    only what this event sets (full name, signatory, NIP, or a numbering pattern per kind);
    a later event overrides an earlier one key by key. No personal data of voters."""

    agency: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DocumentIssued(Payload):
    """A numbered document issued (store/documents.issue): its agency, kind (a key of
    cycle/documents.DOCUMENT_KINDS), number, and what it is about (`subject`, e.g. the
    election, stage and village), so printing it again gives it the same number. No personal
    data of voters."""

    agency: str
    document: str
    number: str
    subject: str
    year: int = 0
    series: str = ""  # numbered apart within the agency: a village committee's own documents


@dataclass(frozen=True)
class TpsPlaceSet(Payload):
    """Places of an election's TPS (store/tps_places.py): per village and TPS number its place
    name, address and optional coordinates (`places`: dicts with kode_desa, tps, place,
    address, lat, lon); a later event overrides an earlier one TPS by TPS. No personal data."""

    election: str
    places: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class BallotsRecorded(Payload):
    """The ballots of one TPS on polling day (store/ballots.py): received, used, spoiled and
    unused, and the voters who came; `registered`: the TPS's DPT and DPTb when recorded. The
    latest event of a TPS holds. Counts only: no personal data of voters."""

    election: str
    kode_desa: str
    tps: int
    received: int
    used: int
    spoiled: int
    unused: int
    came: int
    registered: int = 0


# --- equipment loans (pinjam pakai) between KPU and the regency: store/equipment_loans.py ---------

@dataclass(frozen=True)
class EquipmentInventoryRecorded(Payload):
    """KPU's register of one item (domain/equipment_loans.ITEMS) in one condition at one
    store (gudang): the quantity it holds, items out on loan included; the latest record of
    an (item, store, condition) holds. Counts only: no personal data."""

    item: str
    store: str
    condition: str
    quantity: int


@dataclass(frozen=True)
class LoanRequested(Payload):
    """DPML's request of equipment for an election: `rows` of kode_desa, item, need (what the
    village's TPS need by the logistics per TPS), held (what the village reports it holds)
    and requested (need less held, not below 0). The latest request of an election holds."""

    election: str
    rows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class LoanAgreed(Payload):
    """The loan agreement (perjanjian pinjam pakai) of an election: its number, day, the day
    the items are due back, the parties (dicts of agency, name, position, nip as printed) and
    `rows` of kode_desa, item, quantity. The latest of an election holds until a hand-over."""

    election: str
    number: str
    day: date = _day()
    due: date = _day()
    parties: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class LoanHandedOver(Payload):
    """Items handed over under an agreement (berita acara serah terima): `rows` of kode_desa,
    item, quantity, condition; its minutes' number and the signatories (`parties`)."""

    election: str
    agreement: str
    number: str
    day: date = _day()
    place: str = ""
    parties: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class LoanReturned(Payload):
    """A village's items given back (berita acara pengembalian): `rows` of item, good,
    light, heavy (damage) and lost; its minutes' number and the signatories."""

    election: str
    kode_desa: str
    number: str
    day: date = _day()
    parties: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)


EQUIPMENT_INVENTORY_RECORDED = "equipment-inventory-recorded"  # KPU's register of an item at a store
LOAN_REQUESTED = "loan-requested"  # DPML's request of equipment for an election
LOAN_AGREED = "loan-agreed"  # the loan agreement (perjanjian pinjam pakai)
LOAN_HANDED_OVER = "loan-handed-over"  # items handed over to the villages
LOAN_RETURNED = "loan-returned"  # a village's items back: good, damaged, lost


@dataclass(frozen=True)
class EducationRecorded(Payload):
    """A voter-education activity held (store/voter_education.py): its day, village, kind,
    topic, the segments it was for, the participants counted by sex and segment (`attendance`:
    men, women, by_segment {segment: [L, P]}), the materials and the photos (`photos`: dicts
    with name, size, sha256; the bytes are kept in the workspace's folder). `corrects`: the
    seq of the record it corrects (0: a new activity); `withdrawn`: the record was a mistake.
    Counts only: no participant's name or NIK."""

    day: date = _day()
    kode_desa: str
    kind: str
    topic: str
    segments: list[str]
    attendance: dict
    materials: str = ""
    photos: list[dict] = field(default_factory=list)
    corrects: int = 0
    withdrawn: bool = False


# --- DP3 (Desa Peduli Pemilu dan Pemilihan, store/dp3.py; domain/dp3.py says what the codes mean) ---

@dataclass(frozen=True)
class Dp3LokusDesignated(Payload):
    """A focus village (lokus) of the DP3 programme for a year: why it was chosen and the
    agreement with its village head (`signatories`: dicts of name, position, agency).
    No personal data of voters."""

    year: int
    kode_desa: str
    desa: str
    kecamatan: str
    reasons: list[str] = field(default_factory=list)
    agreement_number: str = ""
    agreement_on: date | None = _day(default=None)
    signatories: list[dict] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class Dp3CadreRegistered(Payload):
    """A cadre of a lokus, with the minimal data the programme needs and the consent it was
    given under (`consent_on`, `consent_how`); `recruited_by`: the cadre who recruited them.
    Personal data: a withdrawal of consent (Dp3ConsentWithdrawn) hides it everywhere."""

    cadre: str  # <kode_desa>/K<nnn>, given by store/dp3.py
    kode_desa: str
    registered_on: date = _day()
    name: str = ""
    sex: str = ""
    component: str = ""
    birth_year: int | None = None
    phone: str | None = None
    consent_on: date | None = _day(default=None)
    consent_how: str = ""
    recruited_by: str | None = None


@dataclass(frozen=True)
class Dp3CadreCorrected(Payload):
    """A cadre's data corrected: `values` holds only the fields set (name, sex, component,
    birth_year, phone); the registration stays in the log."""

    cadre: str
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Dp3ConsentWithdrawn(Payload):
    """A cadre withdrew consent: from then on no page or document shows their personal data
    (they are counted by sex and component only)."""

    cadre: str
    withdrawn_on: date = _day()
    how: str = ""


@dataclass(frozen=True)
class Dp3TrainingRecorded(Payload):
    """A training (Bimtek) of a lokus's cadres: `cadres` attended."""

    kode_desa: str
    year: int
    held_on: date = _day()
    title: str = ""
    mode: str = "luring"
    cadres: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Dp3ActivityRecorded(Payload):
    """An activity of a lokus in a stage of the programme: `participants` holds counts only,
    segment -> {"L": n, "P": n}."""

    kode_desa: str
    year: int
    stage: str
    held_on: date = _day()
    kind: str = ""
    topic: str = ""
    mode: str = "luring"
    participants: dict = field(default_factory=dict)


LIST_IMPORTED = "list-imported"  # the voter list is initialised/replaced from a batch
REGISTRY_IMPORTED = "registry-imported"  # a civil-registry extract was received
FINDINGS_LOADED = "findings-loaded"  # verification findings offered for review
REVIEW_ACCEPTED = "review-accepted"
REVIEW_REJECTED = "review-rejected"
REVIEW_UNDONE = "review-undone"
COKLIT_COLLECTED = "coklit-collected"  # a committee's field-validation workbook collected
RESPONSE_RECORDED = "response-recorded"  # public responses to the provisional list
HANDBACK_APPLIED = "handback-applied"  # DPML's hand-back package applied on KPU's side
AGREEMENT_RECORDED = "agreement-recorded"
LIST_SHARED = "list-shared"  # a field-validation workbook cut and handed to a committee
DATA_TRANSFERRED = "data-transferred"  # any other export of personal data (hand-back, ...)
ELECTION_CREATED = "election-created"
ELECTION_LIST_SET = "election-list-set"  # DPS, DPT or DPTb set for an election
VILLAGE_RESOLVED = "village-resolved"  # a person picked the village of voters without one
KEY_REGISTERED = "key-registered"  # another agency's public signing key (hand-back packages)
DOCUMENT_SETTINGS_SET = "document-settings-set"  # agency names, signatories, numbering
DOCUMENT_ISSUED = "document-issued"  # a numbered document (decision, minutes, report) issued
TPS_PLACE_SET = "tps-place-set"  # the place, address and coordinates of an election's TPS
RETENTION_APPLIED = "retention-applied"  # personal data deleted past an agreement's retention
BALLOTS_RECORDED = "ballots-recorded"  # a TPS's ballots received, used, spoiled, unused; voters who came
EDUCATION_RECORDED = "education-recorded"  # a voter-education activity held (or its correction)
DP3_LOKUS_DESIGNATED = "dp3-lokus-designated"  # a DP3 focus village for a year, with its agreement
DP3_CADRE_REGISTERED = "dp3-cadre-registered"  # a DP3 cadre with consent recorded
DP3_CADRE_CORRECTED = "dp3-cadre-corrected"
DP3_CONSENT_WITHDRAWN = "dp3-consent-withdrawn"  # a cadre's personal data hidden from then on
DP3_TRAINING_RECORDED = "dp3-training-recorded"
DP3_ACTIVITY_RECORDED = "dp3-activity-recorded"


@dataclass(frozen=True)
class EventKind:
    name: str
    version: int  # the newest schema version of its payload: what this release writes
    payload: type[Payload]
    changes_list: bool = False  # its payload's `changes` change the current list
    replaces_list: bool = False  # it replaces the whole list (replay starts at the last one)


KINDS: dict[str, EventKind] = {k.name: k for k in [
    EventKind(LIST_IMPORTED, 1, Imported, replaces_list=True),
    EventKind(REGISTRY_IMPORTED, 1, Imported),
    EventKind(AGREEMENT_RECORDED, 1, AgreementRecorded),
    EventKind(FINDINGS_LOADED, 1, FindingsLoaded),
    EventKind(REVIEW_ACCEPTED, 1, ReviewDecided, changes_list=True),
    EventKind(REVIEW_REJECTED, 1, ReviewDecided),
    EventKind(REVIEW_UNDONE, 1, ReviewUndone),
    EventKind(LIST_SHARED, 1, ListShared),
    EventKind(COKLIT_COLLECTED, 1, CoklitCollected, changes_list=True),
    EventKind(DATA_TRANSFERRED, 1, DataTransferred),
    EventKind(ELECTION_CREATED, 1, ElectionCreated),
    EventKind(ELECTION_LIST_SET, 1, ElectionListSet),
    EventKind(RESPONSE_RECORDED, 1, ResponsesRecorded, changes_list=True),
    EventKind(HANDBACK_APPLIED, 1, HandbackApplied, changes_list=True),
    EventKind(VILLAGE_RESOLVED, 1, VillageResolved, changes_list=True),
    EventKind(KEY_REGISTERED, 1, KeyRegistered),
    EventKind(RETENTION_APPLIED, 1, RetentionApplied),
    EventKind(DOCUMENT_SETTINGS_SET, 1, DocumentSettingsSet),
    EventKind(DOCUMENT_ISSUED, 1, DocumentIssued),
    EventKind(TPS_PLACE_SET, 1, TpsPlaceSet),
    EventKind(BALLOTS_RECORDED, 1, BallotsRecorded),
    EventKind(EQUIPMENT_INVENTORY_RECORDED, 1, EquipmentInventoryRecorded),
    EventKind(LOAN_REQUESTED, 1, LoanRequested),
    EventKind(LOAN_AGREED, 1, LoanAgreed),
    EventKind(LOAN_HANDED_OVER, 1, LoanHandedOver),
    EventKind(LOAN_RETURNED, 1, LoanReturned),
    EventKind(EDUCATION_RECORDED, 1, EducationRecorded),
    EventKind(DP3_LOKUS_DESIGNATED, 1, Dp3LokusDesignated),
    EventKind(DP3_CADRE_REGISTERED, 1, Dp3CadreRegistered),
    EventKind(DP3_CADRE_CORRECTED, 1, Dp3CadreCorrected),
    EventKind(DP3_CONSENT_WITHDRAWN, 1, Dp3ConsentWithdrawn),
    EventKind(DP3_TRAINING_RECORDED, 1, Dp3TrainingRecorded),
    EventKind(DP3_ACTIVITY_RECORDED, 1, Dp3ActivityRecorded),
]}
# What a person reads for each kind (Bahasa Indonesia): every page and print that lists events
# names them by label(kind), never by the kind's English name (a test checks every kind has one).
LABELS: dict[str, str] = {
    LIST_IMPORTED: "daftar pemilih diterima",
    REGISTRY_IMPORTED: "data kependudukan diterima",
    AGREEMENT_RECORDED: "perjanjian kerja sama dicatat",
    FINDINGS_LOADED: "temuan verifikasi dimuat",
    REVIEW_ACCEPTED: "temuan diterima",
    REVIEW_REJECTED: "temuan ditolak",
    REVIEW_UNDONE: "keputusan temuan dibatalkan",
    LIST_SHARED: "lembar kerja coklit diserahkan",
    COKLIT_COLLECTED: "hasil coklit diterima",
    DATA_TRANSFERRED: "data pribadi dikirim",
    ELECTION_CREATED: "pemilihan dibuat",
    ELECTION_LIST_SET: "daftar pemilih pemilihan ditetapkan",
    RESPONSE_RECORDED: "tanggapan masyarakat dicatat",
    HANDBACK_APPLIED: "paket pengembalian diterapkan",
    VILLAGE_RESOLVED: "desa pemilih ditentukan",
    KEY_REGISTERED: "kunci publik instansi didaftarkan",
    RETENTION_APPLIED: "data pribadi dihapus (masa retensi berakhir)",
    DOCUMENT_SETTINGS_SET: "pengaturan dokumen (instansi, penanda tangan, penomoran) dicatat",
    DOCUMENT_ISSUED: "dokumen bernomor diterbitkan",
    TPS_PLACE_SET: "tempat TPS dicatat",
    BALLOTS_RECORDED: "penggunaan surat suara TPS dicatat",
    EQUIPMENT_INVENTORY_RECORDED: "inventaris perlengkapan KPU dicatat",
    LOAN_REQUESTED: "permintaan pinjam pakai perlengkapan dicatat",
    LOAN_AGREED: "perjanjian pinjam pakai perlengkapan dicatat",
    LOAN_HANDED_OVER: "serah terima perlengkapan pinjam pakai dicatat",
    LOAN_RETURNED: "pengembalian perlengkapan pinjam pakai dicatat",
    EDUCATION_RECORDED: "kegiatan pendidikan pemilih dicatat",
    DP3_LOKUS_DESIGNATED: "lokus DP3 ditetapkan",
    DP3_CADRE_REGISTERED: "kader DP3 didaftarkan",
    DP3_CADRE_CORRECTED: "data kader DP3 diperbaiki",
    DP3_CONSENT_WITHDRAWN: "persetujuan kader DP3 dicabut",
    DP3_TRAINING_RECORDED: "pelatihan kader DP3 dicatat",
    DP3_ACTIVITY_RECORDED: "kegiatan DP3 dicatat",
}


def label(kind: str) -> str:
    """The Bahasa Indonesia name of an event kind, as every page shows it (a kind this release
    does not know: its name as stored, marked so)."""
    return LABELS.get(kind) or f"jenis tidak dikenal ({kind})"


CHANGE_KINDS = tuple(k for k, spec in KINDS.items() if spec.changes_list)
REPLACING_KINDS = tuple(k for k, spec in KINDS.items() if spec.replaces_list)


def payload_of(kind: str, record: Payload) -> dict:
    """The JSON to store for a new event of `kind`: the record's, with its schema version."""
    spec = KINDS.get(kind)
    if spec is None:
        raise EventError(f"Jenis peristiwa '{kind}' tidak terdaftar di store/events.py")
    if not isinstance(record, spec.payload):
        raise EventError(f"Peristiwa '{kind}' memuat {spec.payload.__name__}, bukan {type(record).__name__}")
    return {SCHEMA_KEY: spec.version, **record.to_payload()}


def with_transfer(record: Payload, *, agreement: str, recipient: str, purpose: str) -> Payload:
    """A transfer's record stamped with the agreement it rests on."""
    if not isinstance(record, TRANSFERS):
        raise EventError(f"{type(record).__name__} bukan catatan ekspor data pribadi")
    return replace(record, agreement=agreement, recipient=recipient, purpose=purpose)


def check(kind: str, payload: dict | None, seq=None) -> EventKind:
    """The kind of an event this release can read, else EventError naming the event, its kind
    and both versions. A payload without a version is of version 1 (written before typed events)."""
    version = (payload or {}).get(SCHEMA_KEY, LEGACY_VERSION)
    spec = KINDS.get(kind)
    where = f"Peristiwa #{seq} berjenis '{kind}'"
    release = f"pemilih {pemilih.__version__}"
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise EventError(f"{where} memuat versi skema yang tidak sah ({version!r}); log peristiwa rusak")
    if spec is None:
        raise EventError(f"{where} (skema versi {version}) tidak dikenal oleh {release}: ruang kerja ini "
                         "ditulis versi pemilih yang lebih baru. Perbarui pemilih, lalu ulangi.")
    if version > spec.version:
        raise EventError(f"{where} ditulis dengan skema versi {version}, sedangkan {release} hanya mengenal "
                         f"skema sampai versi {spec.version}. Perbarui pemilih, lalu ulangi.")
    return spec


def parse(kind: str, payload: dict | None, seq=None) -> Payload:
    """The typed record of an event's payload (refused as `check` says)."""
    spec = check(kind, payload, seq)
    data = payload or {}
    try:
        return spec.payload.from_payload(data, data.get(SCHEMA_KEY, LEGACY_VERSION))
    except EventError as err:
        raise EventError(f"Peristiwa #{seq} berjenis '{kind}' tidak dapat dibaca: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise EventError(f"Peristiwa #{seq} berjenis '{kind}' tidak dapat dibaca: isian {err} "
                         "tidak ada atau tidak sah") from None
