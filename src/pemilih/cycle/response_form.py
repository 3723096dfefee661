"""Step: one public response typed at the village office, where a workbook is too much.

A resident comes to the counter: the committee finds the voter by NIK in the current list of
the election's villages (a committee: its own village only), then fills one of three forms: a
removal (a code of the election's own code table), a correction (one correctable column) or
an addition (a new voter). Each form builds the very row a responses workbook gives (the
contract's RESPONSE_* columns and the list's headers) and hands it to
election.record_responses: the same schedule check with its off-schedule reason, the same
village limit, value judges and event as a file. What is wrong comes back per form field
(FormRefused), in Bahasa Indonesia; what was recorded comes back as lines to show, masked by
the one rule (domain/masking).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pemilih.contract import (
    KPU_HEADERS,
    RESPONSE_ADD,
    RESPONSE_CHANGE,
    RESPONSE_CODE,
    RESPONSE_COLUMN,
    RESPONSE_EVIDENCE,
    RESPONSE_KEY,
    RESPONSE_KIND,
    RESPONSE_NEW_VALUE,
    RESPONSE_REMOVE,
)
from pemilih.cycle import election
from pemilih.cycle.common import StepError, Who
from pemilih.domain import codes as code_tables
from pemilih.domain import values as judges
from pemilih.domain.fields import FIELD_CHOICES, FIELD_NAMES
from pemilih.domain.masking import mask_digits_in_text, mask_field, mask_id

FORM_REF = "formulir"  # where a form's row is, as a sheet's row is `<file>:<sheet>:<row>`
SEARCH_FIELD = "nik"
SCHEDULE_FIELD = "alasan_jadwal"
# Each form's fields -> the column of the responses sheet it fills.
REMOVAL_FIELDS = {"kode": RESPONSE_CODE, "tps_tujuan": RESPONSE_NEW_VALUE, "bukti": RESPONSE_EVIDENCE}
CORRECTION_FIELDS = {"kolom": RESPONSE_COLUMN, "nilai_baru": RESPONSE_NEW_VALUE, "bukti": RESPONSE_EVIDENCE}
# A new voter: what the resident's KTP-el and KK give, as the list's columns (named as the list names them).
NEW_VOTER_COLUMNS = ("nik", "nkk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "status_kawin",
                     "alamat", "rt", "rw")
ADDITION_FIELDS = {**{c: KPU_HEADERS[c] for c in NEW_VOTER_COLUMNS}, "bukti": RESPONSE_EVIDENCE}
FIELDS = {RESPONSE_REMOVE: REMOVAL_FIELDS, RESPONSE_CHANGE: CORRECTION_FIELDS, RESPONSE_ADD: ADDITION_FIELDS}
KIND_NAMES = {RESPONSE_REMOVE: "Hapus dari daftar", RESPONSE_CHANGE: "Perbaikan data", RESPONSE_ADD: "Pemilih baru"}
MOVE_NAME = "Pindah TPS di desa yang sama"


class FormRefused(StepError):
    """A form's response refused: `fields` form field -> why, `general` what no field holds."""

    def __init__(self, fields: dict[str, str], general: list[str] = ()):
        self.fields, self.general = dict(fields), list(general)
        super().__init__("; ".join([*self.general, *self.fields.values()]))


# --- what the forms offer ------------------------------------------------------------------------

def villages(ws, code: str, scope: str | None) -> list[str]:
    """The election's villages a form works in: a committee's own (when the election holds it)."""
    from pemilih.store import elections
    held = elections.election(ws, code).villages
    return [v for v in held if scope is None or v == scope]


def removal_codes(ws, code: str) -> list[dict]:
    """The codes of the election's own table that take a voter off or move one: code, its
    meaning as printed, and whether it moves (then a TPS is asked for)."""
    from pemilih.store import elections
    regime = elections.election(ws, code).regime
    return [{"code": c.code, "label": f"{c.code} — {c.label}", "moves": c.effect == code_tables.MOVE}
            for c in code_tables.code_table(regime).values() if c.effect in (code_tables.STRIKE, code_tables.MOVE)]


def correctable() -> list[dict]:
    """The columns a correction may set (the store's CORRECTABLE): the sheet's name, the label."""
    from pemilih.store.responses import CORRECTABLE
    return [{"column": KPU_HEADERS[c], "label": FIELD_NAMES[c]} for c in CORRECTABLE]


def required_new() -> tuple[str, ...]:
    """The columns a new voter cannot go without (the store's rule, the NIK first)."""
    from pemilih.store.responses import REQUIRED
    return ("nik", *REQUIRED)


def choices() -> dict[str, list[tuple[str, str]]]:
    """The letters the addition form offers for sex and marital status, with their meaning."""
    return {c: list(options.items()) for c, options in FIELD_CHOICES.items()}


# --- the NIK search ----------------------------------------------------------------------------

def find(ws, code: str, typed: str, scope: str | None) -> list[dict]:
    """The voters of the current list in the election's villages (`scope`: a committee's) with
    the NIK typed, judged as any NIK is; FormRefused on the search field when it is no NIK
    (unless the list holds it as written)."""
    from pemilih.store.responses import listed
    text = "".join((typed or "").split())
    if not text:
        raise FormRefused({SEARCH_FIELD: "Ketik NIK yang dicari (16 digit, dari KTP-el atau KK)."})
    verdict = judges.judge("nik", text)
    held = villages(ws, code, scope)
    if verdict.ok:
        return [shown(r) for r in listed(ws, held, nik=verdict.value)]
    # The list keeps a NIK the judge refuses as it was written (with its problem): a resident
    # whose card carries that number is found by it; anything else is told what is wrong.
    found = listed(ws, held, nik=text) if text.isdigit() else []
    if not found:
        raise FormRefused({SEARCH_FIELD: mask_digits_in_text(verdict.reason)})
    return [shown(r) for r in found]


def voter(ws, code: str, key: str, scope: str | None) -> dict | None:
    """The voter a removal or correction is about, if still on the list in these villages."""
    from pemilih.store.responses import listed
    found = listed(ws, villages(ws, code, scope), key=key)
    return shown(found[0]) if found else None


def shown(row: dict) -> dict:
    """A voter as a form shows it: the row, with its NIK masked (`nik_shown`) beside."""
    return {**row, "nik_shown": mask_id(row.get("nik"))}


# --- recording one response --------------------------------------------------------------------

@dataclass(frozen=True)
class FormRequest:
    code: str
    kind: str  # RESPONSE_REMOVE, RESPONSE_CHANGE or RESPONSE_ADD
    fields: dict  # form field -> what was typed or chosen
    who: Who
    key: str | None = None  # the voter a removal or correction is about
    village: str | None = None  # a committee answers for its own village only
    kode_desa: str | None = None  # an addition: the village the voter is added to
    schedule_reason: str | None = None  # why after the response deadline (election.ResponsesRequest)
    # The village's names as the list spells them (an addition carries them, as a sheet's row may).
    names: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.kind not in FIELDS:
            raise StepError(f"Jenis tanggapan '{self.kind}' tidak dikenal")
        if self.kind != RESPONSE_ADD and not self.key:
            raise StepError("Cari pemilihnya dengan NIK lebih dulu")
        if self.kind == RESPONSE_ADD and not self.kode_desa:
            raise StepError("Pilih desa pemilih baru")


def row_of(request: FormRequest) -> dict:
    """The row a responses workbook would give for this form: {sheet column: text or None}."""
    row = {RESPONSE_KIND: request.kind}
    for name, column in FIELDS[request.kind].items():
        row[column] = " ".join(str(request.fields.get(name) or "").split()) or None
    if request.kind == RESPONSE_ADD:
        row[KPU_HEADERS["kode_desa"]] = request.kode_desa
        row[KPU_HEADERS["desa"]] = request.names.get("desa")
        row[KPU_HEADERS["kecamatan"]] = request.names.get("kecamatan")
    else:
        row[RESPONSE_KEY] = request.key
    return row


@dataclass
class FormOutcome:
    changed: bool  # False: the list already held it (a correction to the value it has)
    lines: list[tuple[str, str]]  # what was recorded, as the page shows it (masked)


def record(ws, request: FormRequest) -> FormOutcome:
    """Record the form's row by the responses step (one path with the workbook)."""
    from pemilih.store.responses import ResponseError
    try:
        out = election.record_responses(ws, election.ResponsesRequest(
            request.code, None, request.who, village=request.village, schedule_reason=request.schedule_reason,
            rows=((FORM_REF, row_of(request)),)))
    except ResponseError as exc:
        by_column = {column: name for name, column in FIELDS[request.kind].items()}
        fields, general = {}, []
        for p in exc.found:
            if p.column in by_column:
                fields.setdefault(by_column[p.column], p.reason)
            else:
                general.append(p.reason)
        raise FormRefused(fields, general) from None
    except StepError as exc:  # the schedule: when a reason is what is missing, the field says so
        _closed, late = election.responses_window(ws, request.code)
        if late and not request.schedule_reason:
            raise FormRefused({SCHEDULE_FIELD: str(exc)}) from None
        raise FormRefused({}, [str(exc)]) from None
    return FormOutcome(bool(out.changes), _lines(ws, request, out.changes))


def _lines(ws, request: FormRequest, made: list) -> list[tuple[str, str]]:
    """What was recorded, line by line, each value masked as any screen masks it."""
    from pemilih.store import events
    from pemilih.store.elections import election as election_of
    if not made:
        return [("Tanggapan", KIND_NAMES[request.kind]), ("Hasil", "tidak ada yang berubah: daftar sudah berisi itu")]
    change = made[0]
    evidence = ("Bukti", mask_digits_in_text(change.evidence))
    if isinstance(change, events.Removal):
        regime = election_of(ws, request.code).regime
        return [("Tanggapan", KIND_NAMES[RESPONSE_REMOVE]), *_who(change.row),
                ("Kode", f"{change.code} — {code_tables.label(change.code, regime)}"), evidence]
    if isinstance(change, events.Addition):
        return [("Tanggapan", KIND_NAMES[RESPONSE_ADD]),
                *[(FIELD_NAMES[c], _value(c, change.row.get(c)) or "-") for c in (*NEW_VOTER_COLUMNS, "desa")],
                evidence]
    now = voter(ws, request.code, change.key, request.village) or {}
    if change.is_move:
        regime = election_of(ws, request.code).regime
        return [("Tanggapan", MOVE_NAME), *[line for line in _who(now) if line[0] != "TPS"],
                ("Kode", f"{change.code} — {code_tables.label(change.code, regime)}"),
                ("TPS", f"{change.old or '-'} → {change.new}"), evidence]
    return [("Tanggapan", KIND_NAMES[RESPONSE_CHANGE]), *_who(now),
            ("Kolom", FIELD_NAMES.get(change.column, change.column)),
            ("Semula", _value(change.column, change.old) or "-"),
            ("Menjadi", _value(change.column, change.new) or "-"), evidence]


def _who(row: dict) -> list[tuple[str, str]]:
    return [("Nama", mask_digits_in_text(row.get("nama"))), ("NIK", mask_id(row.get("nik"))),
            ("TPS", row.get("tps") or "-")]


def _value(column: str, value) -> str:
    """A recorded value as shown: the choice's meaning beside its letter, masked by the rule."""
    meaning = FIELD_CHOICES.get(column, {}).get(value)
    shown_value = mask_field(column, value)
    return f"{shown_value} ({meaning})" if meaning else shown_value
