"""What sharing the current list with the village committees needs from the store: which
villages, the rows each workbook is cut from, and the transfer events (the workbooks themselves
are written by the share step, cycle/share.py, with io/coklit_share.py).

Order of work, and why: the workbook must name the cut it was made from, and the cut's
LIST_SHARED event must hold the sha256 of the finished file, so neither can contain the other's
final number. Each workbook therefore gets a random cut id, written into its hidden base
version and into its event's payload (`payload["cut"]`); collect finds the event by that id.
The workbooks are written first, then all the events in one transaction (`record`), then the
files are renamed into place; a workbook without its event is never left behind.

Each event's payload keeps per TPS sheet `[key, last_seq, digest]` of every row (digest of
the locked cells): what collect checks a returned workbook against, and what tells whether a
row changed in the workspace after the cut.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from pemilih.contract import COKLIT_CUT_COLUMNS, COKLIT_SHARED_ELEMENTS
from pemilih.domain.agencies import PROVIDER, RECIPIENT
from pemilih.domain.regions import canonical_code
from pemilih.domain.village_queue import has_village
from pemilih.store import agreements, changes, events, settings, unresolved

settings.ensure_configured()  # before the models are imported

SHARED_ELEMENTS = COKLIT_SHARED_ELEMENTS  # what the agreement must allow


class ShareError(changes.ChangeError):
    """A share that cannot be made; the message says why (Bahasa Indonesia)."""


LEFT_OUT_REASON = ("belum punya desa (KODE DESA kosong dan nama desanya tidak dikenali): tetapkan desanya "
                   "lebih dulu (pemilih resolve, atau halaman Tanpa desa)")


@dataclass
class Counted:
    rows: int = 0  # voters put in a workbook
    unresolved: list[str] = field(default_factory=list)  # keys of voters without a village: in no workbook


def villages(ws, asked: list[str] | None, within=None) -> list[str]:
    """The villages asked for (canonical codes, each in the current list), or all of them;
    with an election (`within`, models.Election), only its villages: one outside it is refused.
    A voter without a village (store/unresolved.py) makes no village."""
    placed = unresolved.placement(ws)
    listed = list(placed.villages)
    if not listed:
        raise ShareError("Daftar pemilih saat ini kosong; impor daftar KPU lebih dulu" if not placed.voters else
                         f"Belum ada pemilih yang punya desa ({placed.unresolved} pemilih belum punya desa)")
    if not asked:
        if within is None:
            return listed
        held = sorted(set(listed) & set(within.villages))
        if not held:
            raise ShareError(f"Tidak ada desa pemilihan {within.code} di daftar pemilih saat ini")
        return held
    found = []
    for v in asked:
        code = canonical_code(v)
        if code is None or code.count(".") != 3:
            raise ShareError(f"Kode desa '{v}' tidak sah; tulis seperti 73.26.01.2001")
        found.append(code)
    if within is not None:
        outside = sorted(set(found) - set(within.villages))
        if outside:
            raise ShareError(outside_election(within, outside))
    missing = sorted(set(found) - set(listed))
    if missing:
        raise ShareError("Desa tidak ada di daftar pemilih saat ini: " + ", ".join(missing))
    return sorted(set(found))


def outside_election(election, codes: list[str]) -> str:
    """Why villages outside an election get no workbook for it (Bahasa Indonesia)."""
    return (f"Desa {', '.join(codes)} tidak menyelenggarakan pemilihan {election.code}; lembar kerja coklit "
            "hanya dibagikan untuk desa pemilihan (UU 27/2022: data pribadi seperlunya)")


def terms(ws, agreement: str, on: date, wanted: list[str]):
    """The KPU-DPML agreement the share rests on (AgreementError says what is missing)."""
    return agreements.agreement_for(ws, agreement, on=on, provider=PROVIDER, recipient=RECIPIENT,
                                    villages=wanted, elements=SHARED_ELEMENTS)


def cut(wanted: set[str], counted: Counted):
    """(kode_desa, base_seq, rows) per village as its rows arrive: the list read once, in village
    order and list order within, rows as COKLIT_CUT_COLUMNS. Call inside a transaction, so the
    rows and the latest event come from one read."""
    cols = ", ".join(connection.ops.quote_name(c) for c in COKLIT_CUT_COLUMNS)
    kode = COKLIT_CUT_COLUMNS.index("kode_desa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(seq) FROM store_event")
        base_seq = cursor.fetchone()[0] or 0
        cursor.execute(f"SELECT {cols} FROM store_voter ORDER BY kode_desa, position")
        village, rows = None, []
        while chunk := cursor.fetchmany(5000):
            for row in chunk:
                if row[kode] != village:
                    if rows:
                        yield village, base_seq, rows
                    village, rows = row[kode], []
                if not has_village(row[kode]):
                    counted.unresolved.append(row[0])
                elif row[kode] in wanted:
                    rows.append(row)
                    counted.rows += 1
        if rows:
            yield village, base_seq, rows


def shared(cut_id: str, fmt: str, kode_desa: str, desa: str, kecamatan: str, file: str, regime: str,
           base_seq: int, on: date, sha256: str, sheets: dict) -> events.ListShared:
    """The record of one workbook written from a cut (`sheets`: sheet -> [[key, last_seq, digest], ...])."""
    return events.ListShared(
        cut=cut_id, format=fmt, kode_desa=kode_desa, desa=desa, kecamatan=kecamatan, file=file, sha256=sha256,
        regime=regime, base_seq=base_seq, shared_on=on, elements=SHARED_ELEMENTS,
        rows=sum(len(v) for v in sheets.values()), sheets=sheets)


def record(records: list[events.ListShared], terms, *, actor: str, agency: str, reason: str) -> list[int]:
    """One LIST_SHARED transfer event per workbook, all in one transaction; their numbers."""
    changes.check_who(actor, agency, reason)
    with transaction.atomic():
        return [agreements.record_transfer(terms, record, kind=events.LIST_SHARED, actor=actor, agency=agency,
                                           reason=reason).seq for record in records]
