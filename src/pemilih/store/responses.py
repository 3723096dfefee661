"""Public responses (tanggapan masyarakat) to the provisional list: additions, removals and
corrections, each with its evidence, recorded as one change event per batch of responses.

A response file is a sheet with the columns JENIS (TAMBAH / HAPUS / UBAH), KUNCI or NIK
(which voter), KODE (for HAPUS: a TMS code of the regime), KOLOM and NILAI BARU (for UBAH),
BUKTI (the evidence: always required) and, for TAMBAH, the voter's data under the KPU list
headers. The file lands whole or not at all: every bad cell is named with its reason.

Every value a response puts into the list (each filled-in column of a TAMBAH row, the NILAI
BARU of an UBAH row) is judged by the domain's judge of its column (pemilih.domain.values),
the same as a list import or a coklit workbook, and stored in the judge's form.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
from pemilih.domain import values as judges
from pemilih.domain.codes import code_table
from pemilih.domain.masking import mask_digits_in_text
from pemilih.domain.nik import clean_id
from pemilih.domain.verdict import Verdict
from pemilih.store import bulk, changes, events

KINDS = {"TAMBAH", "HAPUS", "UBAH"}
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
    tms = {c for c, v in code_table(election.regime).items() if v.kind == "tms"}
    made, problems, counts = [], [], {}
    for (ref, r), key in zip(rows, wanted):
        change, found = _one(ref, r, key, voters, tms, election, key_of_nik)
        if found:
            problems.extend(found)
        elif change:
            made.append(change)
            voters.apply(change)
            counts[r["JENIS"]] = counts.get(r["JENIS"], 0) + 1
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


def _one(ref, r, key, voters, tms, election, key_of_nik) -> tuple[events.Change | None, list[str]]:
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
        if r.get("KODE") not in tms:
            return None, [f"{ref} kolom KODE: isi kode TMS rezim {election.regime} ({', '.join(sorted(tms))})"]
        return changes.remove(current, r["KODE"], evidence), []
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
