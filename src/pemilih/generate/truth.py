"""Ground truth: the findings a perfect verifier produces (formats.md section 4), per list row
and for the new voters.

Rules applied (and written to meta.json): one finding kind per row, by precedence TMS-5
(unknown) > TMS-2 (the duplicate that goes) > TMS-1 > TMS-4 > TMS-6 > TMS-7 > TMS-3 > TMS-D;
a TMS row gets no U; otherwise one U per field whose list value differs from the registry's
beyond case, spacing, punctuation, MUH./ABD. and H./HJ. (a mover gets U on KODE DESA and on
the address fields and family card that changed with the move). Village spellings that exist
only in the CSV (empty KODE DESA) are check problems, not findings.
"""
from __future__ import annotations

from pemilih.contract import FINDINGS_COLUMNS
from pemilih.domain.eligibility import Person as Voter
from pemilih.domain.eligibility import ineligibility

from . import config as C
from .listing import ListRow, fmt_date
from .names import name_key, place_key
from .people import Person
from .world import POLRI, TNI

# The findings columns (formats.md section 4) and where the row is in the form-style workbooks.
FINDING_COLUMNS = [*FINDINGS_COLUMNS, "xlsx_ref"]
U_FIELDS = [
    ("NIK", lambda r: r.nik, lambda p: p.nik, None),
    ("NKK", lambda r: r.nkk, lambda p: p.nkk, None),
    ("NAMA", lambda r: r.nama, lambda p: p.name, name_key),
    ("TEMPAT LAHIR", lambda r: r.tempat, lambda p: p.birthplace, place_key),
    ("TANGGAL LAHIR", lambda r: r.tgl, lambda p: fmt_date(p.dob), None),
    ("JENIS KELAMIN", lambda r: r.jk, lambda p: p.sex, None),
    ("STATUS PERKAWINAN", lambda r: r.kawin, lambda p: p.kawin, None),
    ("ALAMAT", lambda r: r.alamat, lambda p: p.alamat, None),
    ("RT", lambda r: r.rt, lambda p: p.rt, None),
    ("RW", lambda r: r.rw, lambda p: p.rw, None),
    ("KODE DESA", lambda r: r.village.code, lambda p: p.village, None),
]


def tms_code(p: Person) -> str | None:
    """Why the registry says this person may not vote in the Pilkalem, or None."""
    if p.status == "MATI":
        return "TMS-1"
    if p.moved_out is not None:
        return "TMS-4"
    if p.occupation == TNI:
        return "TMS-6"
    if p.occupation == POLRI:
        return "TMS-7"
    return ineligibility(Voter(p.dob, p.kawin, p.occupation, p.arrived), C.PILKALEM_DAY, C.DPS_SET)


def _finding(row: ListRow | None, code: str, registry_nik: str = "", **extra) -> dict:
    out = dict.fromkeys(FINDING_COLUMNS, "")
    if row is not None:
        out.update(source_ref=row.csv_ref, nik=row.nik, xlsx_ref=row.xlsx_ref)
    out.update(code=code, registry_nik=registry_nik, **extra)
    return out


def row_findings(row: ListRow) -> list[dict]:
    p = row.person
    if "TMS-5" in row.kinds:
        return [_finding(row, "TMS-5")]
    if "TMS-2" in row.kinds:
        return [_finding(row, "TMS-2", p.nik, duplicate_of=row.dup_of.csv_ref)]
    code = tms_code(p)
    if code:
        return [_finding(row, code, p.nik)]
    if (row.nik, row.nkk, row.nama, row.tempat, row.tgl, row.jk, row.kawin, row.alamat, row.rt, row.rw,
            row.village.code) == (p.nik, p.nkk, p.name, p.birthplace, fmt_date(p.dob), p.sex, p.kawin,
                                  p.alamat, p.rt, p.rw, p.village):
        return []  # the common case: the list row equals the registry record
    out = []
    for field, listed, registered, key in U_FIELDS:
        current, proposed = listed(row), registered(p)
        same = key(current) == key(proposed) if key else current == proposed
        if not same:
            out.append(_finding(row, "U", p.nik, field=field, current=current, proposed=proposed))
    return out


def new_voters(people: list[Person]) -> list[dict]:
    """Residents eligible on the Pilkalem day who are on no list row: B, ordered by village, NIK."""
    found = [p for p in people if not p.listed and p.resident_on_extract() and tms_code(p) is None]
    found.sort(key=lambda p: (p.village, p.nik))
    return [_finding(None, "B", p.nik, nik=p.nik) for p in found]


def expected_findings(rows: list[ListRow], people: list[Person]) -> list[dict]:
    out = [f for r in rows for f in row_findings(r)]
    return out + new_voters(people)


LIST_ROW_COLUMNS = ["csv_ref", "xlsx_ref", "person_id", "kinds"]


def list_row_truth(rows: list[ListRow]):
    """(csv_ref, xlsx_ref, person_id, kinds) per row; kinds = planted defects + life events."""
    for r in rows:
        ghost = "TMS-5" in r.kinds
        events = [] if ghost else [e for e in r.person.events if e != "NOT-LISTED"]
        yield r.csv_ref, r.xlsx_ref, "" if ghost else str(r.person.pid), ";".join(r.kinds + events)
