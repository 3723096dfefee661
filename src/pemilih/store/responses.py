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

from pemilih.contract import KPU_COLUMNS, KPU_HEADERS, RESPONSE_NEW_VALUE
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


class ResponseError(changes.ChangeError):
    def __init__(self, problems: list[str]):
        # The lines quote what was typed (a NIK among it): shown by the one rule (domain/masking).
        problems = [mask_digits_in_text(line) for line in problems]
        super().__init__("Berkas tanggapan ditolak:\n" + "\n".join(problems))
        self.problems = problems


@dataclass
class ResponseOutcome:
    event_seq: int | None
    counts: dict[str, int] = field(default_factory=dict)


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
    wanted = [r.get("KUNCI") or key_of_nik.get(_nik_of(r)) or changes.new_voter_key(_nik_of(r)) for _ref, r in rows]
    voters = changes.voters(wanted)
    made, problems, counts = [], [], {}
    for (ref, r), key in zip(rows, wanted):
        change, found = _one(ref, r, key, voters, election, key_of_nik)
        if found:
            problems.extend(found)
        elif change:
            made.append(change)
            voters.apply(change)
            counted = MOVED if isinstance(change, events.Correction) and change.is_move else r["JENIS"]
            counts[counted] = counts.get(counted, 0) + 1
    if problems:
        raise ResponseError(problems)
    if not made:
        return ResponseOutcome(None, counts)
    event = changes.record(events.RESPONSE_RECORDED, made, actor=actor, agency=agency, reason=reason,
                           payload={"election": election.code, "responses": len(made),
                                    "schedule_reason": schedule_reason or None})
    return ResponseOutcome(event.seq, counts)


def _nik_of(r: dict) -> str:
    return clean_id(r.get("NIK")) or ""


def _one(ref, r, key, voters, election, key_of_nik) -> tuple[events.Change | None, list[str]]:
    """(the change a row asks for, or None when nothing changes; the row's problems)."""
    kind, evidence = (r.get("JENIS") or "").upper(), r.get("BUKTI")
    if kind not in KINDS:
        return None, [f"{ref} kolom JENIS: isi TAMBAH, HAPUS atau UBAH (bukan '{r.get('JENIS') or ''}')"]
    if not evidence:
        return None, [f"{ref} kolom BUKTI: setiap tanggapan wajib menyebut buktinya"]
    current = voters.get(key)
    if kind == "TAMBAH":
        return _addition(ref, r, key, voters, election, key_of_nik, evidence)
    if current is None:
        return None, [f"{ref} kolom KUNCI/NIK: pemilih tidak ada di daftar saat ini"]
    if kind == "HAPUS":
        return _removal(ref, r, current, election.regime, evidence)
    column = COLUMN_OF.get((r.get("KOLOM") or "").upper())
    if column is None or column in ("nik", "kode_desa"):
        return None, [f"{ref} kolom KOLOM: '{r.get('KOLOM') or ''}' bukan kolom yang dapat diubah lewat tanggapan"]
    new = judge_cell(column, r.get("NILAI BARU"))
    if not new.ok:
        return None, [f"{ref} kolom NILAI BARU: {new.reason}"]
    if new.value is None and column in REQUIRED:
        return None, [f"{ref} kolom NILAI BARU: {KPU_HEADERS[column]} wajib diisi"]
    if (current[column] or None) == new.value:
        return None, []  # already so
    return changes.set_value(current, column, new.value, evidence), []


def _removal(ref, r, current, regime, evidence) -> tuple[events.Change | None, list[str]]:
    """A HAPUS: a removal under a code that strikes, or the move a move code asks for."""
    code = r.get("KODE")
    does = code_tables.effect(code, regime)
    if does == code_tables.MOVE:
        return _move(ref, r, current, code, evidence)
    if does != code_tables.STRIKE:
        strikes = code_tables.codes_with(code_tables.STRIKE, regime)
        return None, [f"{ref} kolom KODE: isi kode TMS rezim {regime} ({', '.join(sorted(strikes))})"]
    return changes.remove(current, code, evidence), []


def _move(ref, r, current, code, evidence) -> tuple[events.Change | None, list[str]]:
    written = r.get(RESPONSE_NEW_VALUE)
    if not (written or "").strip():
        return None, [f"{ref} kolom NILAI BARU: {code} memindahkan pemilih ke TPS lain di desa yang sama, tidak "
                      "menghapusnya; tulis nomor TPS tujuan di NILAI BARU"]
    tps = judge_cell(changes.MOVE_COLUMN, written)
    if not tps.ok:
        return None, [f"{ref} kolom NILAI BARU: {tps.reason}"]
    if current[changes.MOVE_COLUMN] == tps.value:
        return None, []  # there already
    return changes.move(current, tps.value, code, evidence), []


def _addition(ref, r, key, voters, election, key_of_nik, evidence) -> tuple[events.Change | None, list[str]]:
    nik = judge_cell("nik", r.get("NIK")) if r.get("NIK") else None
    if nik is None:
        return None, [f"{ref} kolom NIK: NIK wajib diisi"]
    if not nik.ok:
        return None, [f"{ref} kolom NIK: {nik.reason}"]
    if nik.value in key_of_nik or voters.get(key) is not None:
        return None, [f"{ref} kolom NIK: pemilih dengan NIK ini sudah terdaftar"]
    written = {c: r.get(KPU_HEADERS[c]) for c in KPU_COLUMNS}
    written["desa"] = written["desa"] or r.get("DESA")  # the short header is accepted too
    values, problems = {}, []
    for c, text in written.items():
        if text is None:
            values[c] = None
            if c in REQUIRED:
                problems.append(f"{ref} kolom {KPU_HEADERS[c]}: wajib diisi untuk pemilih baru")
            continue
        judged = judge_cell(c, text)
        values[c] = judged.value
        if not judged.ok:
            problems.append(f"{ref} kolom {KPU_HEADERS[c]}: {judged.reason}")
    if problems:
        return None, problems
    if values["kode_desa"] not in election.villages:
        return None, [f"{ref} kolom KODE DESA: desa tidak menyelenggarakan pemilihan {election.code}"]
    row = changes.new_voter_row(key, voters.next_position(), values)
    key_of_nik[nik.value] = key
    return changes.add(row, evidence), []
