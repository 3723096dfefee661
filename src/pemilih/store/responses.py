"""Public responses (tanggapan masyarakat) to the provisional list: additions, removals and
corrections, each with its evidence, recorded as one change event per batch of responses.

A response file is a sheet with the columns JENIS (TAMBAH / HAPUS / UBAH), KUNCI or NIK
(which voter), KODE (for HAPUS: a TMS code of the regime), KOLOM and NILAI BARU (for UBAH),
BUKTI (the evidence: always required) and, for TAMBAH, the voter's data under the KPU list
headers. The file lands whole or not at all: every bad cell is named with its reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pemilih.domain.codes import code_table
from pemilih.domain.masking import mask_digits_in_text
from pemilih.domain.nik import nik_problems
from pemilih.contract import KPU_COLUMNS, KPU_HEADERS
from pemilih.store import bulk, changes, events

KINDS = {"TAMBAH", "HAPUS", "UBAH"}
COLUMN_OF = {header: column for column, header in KPU_HEADERS.items()}


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


def read_sheet(path: Path) -> list[tuple[str, dict]]:
    """(row reference, {header: text}) for each non-empty row of the first sheet."""
    from python_calamine import CalamineWorkbook
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.sheet_names[0]
    grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    header = [str(h).strip().upper() for h in grid[0]] if grid else []
    out = []
    for n, row in enumerate(grid[1:], start=2):
        if any(v not in (None, "") for v in row):
            out.append((f"{Path(path).name}:{sheet}:{n}",
                        {h: (str(v).strip() if v not in (None, "") else None) for h, v in zip(header, row)}))
    return out


def record(ws, election, rows: list[tuple[str, dict]], *, actor: str, agency: str = "PANITIA",
           reason: str) -> ResponseOutcome:
    ws.activate()
    changes.check_who(actor, agency, reason)
    niks = bulk.read_frame("SELECT \"key\", nik FROM store_voter WHERE nik IS NOT NULL", ["key", "nik"])
    key_of_nik = dict(zip(niks["nik"], niks["key"]))
    wanted = [r.get("KUNCI") or key_of_nik.get(r.get("NIK") or "") or
              changes.new_voter_key(r.get("NIK") or "") for _ref, r in rows]
    voters = changes.voters(wanted)
    tms = {c for c, v in code_table(election.regime).items() if v.kind == "tms"}
    made, problems, counts = [], [], {}
    for (ref, r), key in zip(rows, wanted):
        change, problem = _one(ref, r, key, voters, tms, election, key_of_nik)
        if problem:
            problems.append(problem)
        elif change:
            made.append(change)
            voters.apply(change)
            counts[r["JENIS"]] = counts.get(r["JENIS"], 0) + 1
    if problems:
        raise ResponseError(problems)
    if not made:
        return ResponseOutcome(None, counts)
    event = changes.record(events.RESPONSE_RECORDED, made, actor=actor, agency=agency, reason=reason,
                           payload={"election": election.code, "responses": len(made)})
    return ResponseOutcome(event.seq, counts)


def _one(ref, r, key, voters, tms, election, key_of_nik) -> tuple[events.Change | None, str | None]:
    kind, evidence = (r.get("JENIS") or "").upper(), r.get("BUKTI")
    if kind not in KINDS:
        return None, f"{ref} kolom JENIS: isi TAMBAH, HAPUS atau UBAH (bukan '{r.get('JENIS') or ''}')"
    if not evidence:
        return None, f"{ref} kolom BUKTI: setiap tanggapan wajib menyebut buktinya"
    current = voters.get(key)
    if kind == "TAMBAH":
        return _addition(ref, r, key, voters, election, key_of_nik, evidence)
    if current is None:
        return None, f"{ref} kolom KUNCI/NIK: pemilih tidak ada di daftar saat ini"
    if kind == "HAPUS":
        if r.get("KODE") not in tms:
            return None, f"{ref} kolom KODE: isi kode TMS rezim {election.regime} ({', '.join(sorted(tms))})"
        return changes.remove(current, r["KODE"], evidence), None
    column = COLUMN_OF.get((r.get("KOLOM") or "").upper())
    if column is None or column in ("nik", "kode_desa"):
        return None, f"{ref} kolom KOLOM: '{r.get('KOLOM') or ''}' bukan kolom yang dapat diubah lewat tanggapan"
    if (current[column] or None) == (r.get("NILAI BARU") or None):
        return None, None  # already so
    return changes.set_value(current, column, r.get("NILAI BARU"), evidence), None


def _addition(ref, r, key, voters, election, key_of_nik, evidence) -> tuple[events.Change | None, str | None]:
    nik = r.get("NIK") or ""
    problems = [p.reason for p in nik_problems(nik)] if nik else ["NIK wajib diisi"]
    if problems:
        return None, f"{ref} kolom NIK: {problems[0]}"
    if nik in key_of_nik or voters.get(key) is not None:
        return None, f"{ref} kolom NIK: pemilih dengan NIK ini sudah terdaftar"
    values = {c: r.get(KPU_HEADERS[c]) for c in KPU_COLUMNS}
    values["desa"] = values["desa"] or r.get("DESA")  # the short header is accepted too
    if values["kode_desa"] not in election.villages:
        return None, f"{ref} kolom KODE DESA: desa tidak menyelenggarakan pemilihan {election.code}"
    for c in ("nama", "tanggal_lahir", "jenis_kelamin"):
        if not values[c]:
            return None, f"{ref} kolom {KPU_HEADERS[c]}: wajib diisi untuk pemilih baru"
    row = changes.new_voter_row(key, voters.next_position(), values)
    key_of_nik[nik] = key
    return changes.add(row, evidence), None
