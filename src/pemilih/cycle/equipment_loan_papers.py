"""The printed side of an equipment loan (cycle/equipment_loans.py): the loan agreement, the
hand-over minutes and each village's return minutes as PDF (io/equipment_loan_pdf.py), and
the workbook of KPU's register and the outstanding loans (io/equipment_loan_xlsx.py). The
numbers and the signatories are those the step recorded with each event, so a document
printed again is the same document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pemilih.cycle.common import StepError
from pemilih.cycle.equipment_loans import (
    LENDER,
    agreement,
    book_of,
    by_item,
    inventory_rows,
    report_rows,
    tallies,
    village_label,
)
from pemilih.domain.equipment_loans import CONDITIONS, Tally, item_label, unit


def _election_of(ws, code: str):
    from pemilih.store import elections
    return elections.election(ws, code)


def _letterhead(ws) -> tuple[str, ...]:
    from pemilih.cycle import documents
    profile = documents.profile(documents.settings(ws), LENDER, documents.regency_of(ws))
    return (profile.full_name, documents.regency_of(ws))


def _signer(p: dict) -> dict:
    return {"name": p["name"], "position": p["position"], "agency": p["full_name"], "nip": p["nip"]}


def _place(ws) -> str:
    from pemilih.cycle.documents import regency_of
    return regency_of(ws) or "Kantor KPU"


def print_agreement(ws, code: str, out_dir: Path) -> Path:
    from pemilih.contract import LOAN_AGREEMENT_FILE
    from pemilih.io.equipment_loan_pdf import Line, write_agreement
    e = _election_of(ws, code)
    found = agreement(ws, e.code)
    if found is None:
        raise StepError(f"Belum ada perjanjian pinjam pakai untuk {e.code}")
    a = found.data
    lines = [Line(village_label(r["kode_desa"]), item_label(r["item"]), unit(r["item"]),
                  r["quantity"]) for r in a.rows]
    path = Path(out_dir) / LOAN_AGREEMENT_FILE.format(pemilihan=e.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_agreement(path, number=a.number, day=a.day, due=a.due, place=_place(ws), election_name=e.name,
                           letterhead_of=_letterhead(ws), parties=[_signer(p) for p in a.parties], lines=lines)


def print_handover(ws, seq: int, out_dir: Path) -> Path:
    from pemilih.contract import LOAN_HANDOVER_FILE
    from pemilih.io.equipment_loan_pdf import Line, write_handover
    from pemilih.store import equipment_loans, events
    found = equipment_loans.event(ws, seq)
    if found is None or not isinstance(found.data, events.LoanHandedOver):
        raise StepError(f"Peristiwa #{seq} bukan serah terima pinjam pakai")
    h = found.data
    e = _election_of(ws, h.election)
    lines = [Line(village_label(r["kode_desa"]), item_label(r["item"]), unit(r["item"]),
                  r["quantity"], CONDITIONS.get(r["condition"], r["condition"])) for r in h.rows]
    path = Path(out_dir) / LOAN_HANDOVER_FILE.format(pemilihan=e.code, nomor=seq)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_handover(path, number=h.number, day=h.day, place=h.place or _place(ws), election_name=e.name,
                          agreement=h.agreement, letterhead_of=_letterhead(ws),
                          parties=[_signer(p) for p in h.parties], lines=lines)


def print_return(ws, seq: int, out_dir: Path) -> Path:
    from pemilih.contract import LOAN_RETURN_FILE
    from pemilih.io.equipment_loan_pdf import Back, write_return
    from pemilih.store import equipment_loans, events
    found = equipment_loans.event(ws, seq)
    if found is None or not isinstance(found.data, events.LoanReturned):
        raise StepError(f"Peristiwa #{seq} bukan pengembalian pinjam pakai")
    r = found.data
    e = _election_of(ws, r.election)
    book = book_of(ws, e.code)
    # the village's items once this return was recorded, and before it (later returns left out)
    after, before = tallies(_upto(book, seq)), tallies(_upto(book, seq - 1))
    backs = []
    for x in r.rows:
        key = (e.code, r.kode_desa, x["item"])
        now, was = after.get(key, Tally()), before.get(key, Tally())
        backs.append(Back(item_label(x["item"]), unit(x["item"]), now.lent, was.lent - was.outstanding, x["good"],
                          x["light"], x["heavy"], x["lost"], now.outstanding))
    agreed = agreement(ws, e.code)
    path = Path(out_dir) / LOAN_RETURN_FILE.format(pemilihan=e.code, desa=r.kode_desa.replace(".", ""), nomor=seq)
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_return(path, number=r.number, day=r.day, place=_place(ws), election_name=e.name,
                        village=village_label(r.kode_desa),
                        agreement=agreed.data.number if agreed else "", letterhead_of=_letterhead(ws),
                        parties=[_signer(p) for p in reversed(r.parties)], backs=backs)


def _upto(book, seq: int):
    """The book as it stood once event `seq` was written."""
    from pemilih.store.equipment_loans import Book
    return Book(*[[h for h in items if h.seq <= seq] for items in (book.inventory, book.requests, book.agreements,
                                                                    book.handovers, book.returns)])


@dataclass
class PrintOutcome:
    agreement: list[Path] = field(default_factory=list)
    handovers: list[Path] = field(default_factory=list)
    returns: list[Path] = field(default_factory=list)
    workbook: Path | None = None


def print_all(ws, code: str, out_dir: Path) -> PrintOutcome:
    """The election's agreement, hand-over and return minutes, and the workbook (register and
    outstanding loans), under out_dir."""
    from pemilih.contract import LOAN_WORKBOOK
    out = Path(out_dir)
    done = PrintOutcome()
    book = book_of(ws, code)
    if book.agreements:
        done.agreement.append(print_agreement(ws, code, out))
    done.handovers = [print_handover(ws, h.seq, out) for h in book.handovers]
    done.returns = [print_return(ws, h.seq, out) for h in book.returns]
    done.workbook = write_workbook(ws, out / LOAN_WORKBOOK)
    return done


def write_workbook(ws, path: Path, code: str | None = None) -> Path:
    """pinjam_pakai.xlsx: the register, the outstanding loans per village and per item."""
    from pemilih.io.equipment_loan_xlsx import write_loans
    rows = report_rows(ws, code)
    return write_loans(Path(path), inventory_rows(ws), rows, by_item(rows))
