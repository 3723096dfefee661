"""Public responses (tanggapan masyarakat) to the provisional list: additions, removals and
corrections, each with its evidence, recorded as one change event per batch of responses.

A response file is a sheet with the columns JENIS (TAMBAH / HAPUS / UBAH), KUNCI or NIK
(which voter), KODE (for HAPUS: a code of the regime that strikes), KOLOM and NILAI BARU (for UBAH),
BUKTI (the evidence: always required) and, for TAMBAH, the voter's data under the KPU list
headers. The file lands whole or not at all: every bad cell is named with its reason.

Every value a response puts into the list (each filled-in column of a TAMBAH row, the NILAI
BARU of an UBAH row) is judged by the domain's judge of its column (pemilih.domain.values),
the same as a list import or a coklit workbook, and stored in the judge's form.

A HAPUS under a code that moves rather than strikes (PEMILU2024's TMS-8: listed at the wrong
TPS of the right village) takes nobody off the list: it is applied as the move, to the TPS its
NILAI BARU gives (judged as a TPS), and refused without one. Counted apart, as PINDAH TPS.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pemilih.contract import (
    KPU_COLUMNS,
    KPU_HEADERS,
    RESPONSE_CODE,
    RESPONSE_COLUMN,
    RESPONSE_EVIDENCE,
    RESPONSE_KEY,
    RESPONSE_KIND,
    RESPONSE_NEW_VALUE,
    RESPONSE_NIK,
    RESPONSE_SHORT_VILLAGE,
)
from pemilih.domain import codes as code_tables
from pemilih.domain import values as judges
from pemilih.domain.masking import mask_digits_in_text
from pemilih.domain.nik import clean_id
from pemilih.domain.verdict import Verdict
from pemilih.store import bulk, changes, events

KINDS = {"TAMBAH", "HAPUS", "UBAH"}
MOVED = "PINDAH TPS"  # what a HAPUS under a move code is counted as
COLUMN_OF = {header: column for column, header in KPU_HEADERS.items()}
# A new voter needs these; an UBAH may not empty them either.
REQUIRED = ("nama", "tanggal_lahir", "jenis_kelamin")
# What an UBAH may correct: every list column but the voter's identity and village.
CORRECTABLE = tuple(c for c in KPU_COLUMNS if c not in ("nik", "kode_desa"))


# The column a problem of a row that names a voter points at (by key or NIK).
WHICH_VOTER = f"{RESPONSE_KEY}/{RESPONSE_NIK}"


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell of a response row: where (`ref`: `<file>:<sheet>:<row>`, or
    the form's name), which column of the sheet (a RESPONSE_* name or a list header), why."""

    ref: str
    column: str
    reason: str

    def __str__(self) -> str:
        return f"{self.ref} kolom {self.column}: {self.reason}"


class ResponseError(changes.ChangeError):
    """Responses refused whole: `problems` as lines (`<ref> kolom <COLUMN>: <reason>`), `found`
    the same as Problem (a line given as text, such as an unreadable file, has no column)."""

    def __init__(self, problems: list[Problem | str]):
        # The lines quote what was typed (a NIK among it): shown by the one rule (domain/masking).
        self.found = [Problem(p.ref, p.column, mask_digits_in_text(p.reason)) if isinstance(p, Problem)
                      else Problem("", "", mask_digits_in_text(p)) for p in problems]
        self.problems = [str(p) if p.column else p.reason for p in self.found]
        super().__init__("Berkas tanggapan ditolak:\n" + "\n".join(self.problems))


@dataclass
class ResponseOutcome:
    event_seq: int | None
    counts: dict[str, int] = field(default_factory=dict)
    changes: list = field(default_factory=list)  # the events.Change recorded, in row order


def judge_cell(column: str, text: str | None) -> Verdict:
    """The domain's judge of a KPU column for one cell of a response sheet."""
    return judges.judge(column, text)


def record(ws, election, rows: list[tuple[str, dict]], *, actor: str, agency: str = "PANITIA",
           reason: str, schedule_reason: str | None = None) -> ResponseOutcome:
    """Record the rows as one change event (`schedule_reason`: why they come after the response
    deadline, kept on the event; the responses step checks the dates)."""
    ws.activate()
    changes.check_who(actor, agency, reason)
    niks = bulk.read_frame("SELECT \"key\", nik FROM store_voter WHERE nik IS NOT NULL", ["key", "nik"])
    key_of_nik = dict(zip(niks["nik"], niks["key"]))
    wanted = [r.get(RESPONSE_KEY) or key_of_nik.get(_nik_of(r)) or changes.new_voter_key(_nik_of(r))
              for _ref, r in rows]
    voters = changes.voters(wanted)
    made, problems, counts = [], [], {}
    for (ref, r), key in zip(rows, wanted):
        change, found = _one(ref, r, key, voters, election, key_of_nik)
        if found:
            problems.extend(found)
        elif change:
            made.append(change)
            voters.apply(change)
            counted = MOVED if isinstance(change, events.Correction) and change.is_move else r[RESPONSE_KIND].upper()
            counts[counted] = counts.get(counted, 0) + 1
    if problems:
        raise ResponseError(problems)
    if not made:
        return ResponseOutcome(None, counts, [])
    event = changes.record(events.RESPONSE_RECORDED, made, actor=actor, agency=agency, reason=reason,
                           payload={"election": election.code, "responses": len(made),
                                    "schedule_reason": schedule_reason or None})
    return ResponseOutcome(event.seq, counts, made)


def _nik_of(r: dict) -> str:
    return clean_id(r.get(RESPONSE_NIK)) or ""


def _one(ref, r, key, voters, election, key_of_nik) -> tuple[events.Change | None, list[Problem]]:
    """(the change a row asks for, or None when nothing changes; the row's problems: every one
    of its cells that is wrong, so a form can show each beside its field)."""
    kind, evidence = (r.get(RESPONSE_KIND) or "").upper(), r.get(RESPONSE_EVIDENCE)
    if kind not in KINDS:
        written = r.get(RESPONSE_KIND) or ""
        return None, [Problem(ref, RESPONSE_KIND, f"isi TAMBAH, HAPUS atau UBAH (bukan '{written}')")]
    missing = [] if evidence else [Problem(ref, RESPONSE_EVIDENCE, "setiap tanggapan wajib menyebut buktinya")]
    if kind == "TAMBAH":
        change, problems = _addition(ref, r, key, voters, election, key_of_nik, evidence)
    elif voters.get(key) is None:
        change, problems = None, [Problem(ref, WHICH_VOTER, "pemilih tidak ada di daftar saat ini")]
    elif kind == "HAPUS":
        change, problems = _removal(ref, r, voters.get(key), election.regime, evidence)
    else:
        change, problems = _correction(ref, r, voters.get(key), evidence)
    problems = problems + missing
    return (None if problems else change), problems


def _correction(ref, r, current, evidence) -> tuple[events.Change | None, list[Problem]]:
    column = COLUMN_OF.get((r.get(RESPONSE_COLUMN) or "").upper())
    if column not in CORRECTABLE:
        return None, [Problem(ref, RESPONSE_COLUMN,
                              f"'{r.get(RESPONSE_COLUMN) or ''}' bukan kolom yang dapat diubah lewat tanggapan")]
    new = judge_cell(column, r.get(RESPONSE_NEW_VALUE))
    if not new.ok:
        return None, [Problem(ref, RESPONSE_NEW_VALUE, new.reason)]
    if new.value is None and column in REQUIRED:
        return None, [Problem(ref, RESPONSE_NEW_VALUE, f"{KPU_HEADERS[column]} wajib diisi")]
    if (current[column] or None) == new.value:
        return None, []  # already so
    return changes.set_value(current, column, new.value, evidence), []


def _removal(ref, r, current, regime, evidence) -> tuple[events.Change | None, list[Problem]]:
    """A HAPUS: a removal under a code that strikes, or the move a move code asks for."""
    code = r.get(RESPONSE_CODE)
    does = code_tables.effect(code, regime)
    if does == code_tables.MOVE:
        return _move(ref, r, current, code, evidence)
    if does != code_tables.STRIKE:
        strikes = ", ".join(sorted(code_tables.codes_with(code_tables.STRIKE, regime)))
        return None, [Problem(ref, RESPONSE_CODE, f"isi kode TMS tabel kode pemilihan ini ({strikes})")]
    return changes.remove(current, code, evidence), []


def _move(ref, r, current, code, evidence) -> tuple[events.Change | None, list[Problem]]:
    written = r.get(RESPONSE_NEW_VALUE)
    if not (written or "").strip():
        return None, [Problem(ref, RESPONSE_NEW_VALUE, f"{code} memindahkan pemilih ke TPS lain di desa yang sama, "
                              "tidak menghapusnya; tulis nomor TPS tujuan di NILAI BARU")]
    tps = judge_cell(changes.MOVE_COLUMN, written)
    if not tps.ok:
        return None, [Problem(ref, RESPONSE_NEW_VALUE, tps.reason)]
    if current[changes.MOVE_COLUMN] == tps.value:
        return None, []  # there already
    return changes.move(current, tps.value, code, evidence), []


def _addition(ref, r, key, voters, election, key_of_nik, evidence) -> tuple[events.Change | None, list[Problem]]:
    """A TAMBAH: every cell judged (the NIK's problem and the others' together)."""
    problems = []
    nik = judge_cell("nik", r.get(RESPONSE_NIK)) if r.get(RESPONSE_NIK) else None
    if nik is None:
        problems.append(Problem(ref, RESPONSE_NIK, "NIK wajib diisi"))
    elif not nik.ok:
        problems.append(Problem(ref, RESPONSE_NIK, nik.reason))
    elif nik.value in key_of_nik or voters.get(key) is not None:
        problems.append(Problem(ref, RESPONSE_NIK, "pemilih dengan NIK ini sudah terdaftar"))
    written = {c: r.get(KPU_HEADERS[c]) for c in KPU_COLUMNS if c != "nik"}
    written["desa"] = written["desa"] or r.get(RESPONSE_SHORT_VILLAGE)  # the short header is accepted too
    values = {"nik": nik.value if nik is not None else None}
    for c, text in written.items():
        if text is None:
            values[c] = None
            if c in REQUIRED:
                problems.append(Problem(ref, KPU_HEADERS[c], "wajib diisi untuk pemilih baru"))
            continue
        judged = judge_cell(c, text)
        values[c] = judged.value
        if not judged.ok:
            problems.append(Problem(ref, KPU_HEADERS[c], judged.reason))
    if problems:
        return None, problems
    if values["kode_desa"] not in election.villages:
        return None, [Problem(ref, KPU_HEADERS["kode_desa"], f"desa tidak menyelenggarakan pemilihan {election.code}")]
    row = changes.new_voter_row(key, voters.next_position(), {c: values[c] for c in KPU_COLUMNS})
    key_of_nik[nik.value] = key
    return changes.add(row, evidence), []


def listed(ws, villages, *, nik: str | None = None, key: str | None = None) -> list[dict]:
    """The current list's voters of these villages with this NIK (as the list stores it) or
    this key: what a committee finds at its counter before a one-record response."""
    from pemilih.store.models import Voter
    ws.activate()
    rows = Voter.objects.filter(kode_desa__in=list(villages))
    rows = rows.filter(nik=nik) if nik is not None else rows.filter(key=key)
    return list(rows.order_by("kode_desa", "position").values("key", *KPU_COLUMNS))
