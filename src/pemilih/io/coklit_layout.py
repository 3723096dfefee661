"""The coklit workbook's layout, shared by writing and reading it (io/coklit_workbook.py).

Sheet names, rows and columns, how values are shown in and read from cells, the digests of
the locked cells, and the dataclasses that describe a workbook to write. No Django, no Polars.

Two formats: `pemilih-coklit/2` (written now: the SESUAI tick, TPS BARU for a move, the visit
date and the officer) and `pemilih-coklit/1` (cut before them: still read, never written).
Their locked columns are the same, so the digests the share recorded hold for both; each
`Layout` says where the committee's columns are.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime

from pemilih.contract import (
    COKLIT_BASE_LABELS,
    COKLIT_BASE_SHEET,
    COKLIT_CHECKED,
    COKLIT_CORRECTABLE,
    COKLIT_EDITS,
    COKLIT_EDITS_V1,
    COKLIT_FORMAT,
    COKLIT_FORMAT_V1,
    COKLIT_GUIDE_SHEET,
    COKLIT_HEADER,
    COKLIT_LOCKED,
    COKLIT_MOVE_COLUMN,
    COKLIT_NEW_COLUMNS,
    COKLIT_NEW_COLUMNS_V1,
    COKLIT_NEW_HEADERS,
    COKLIT_NEW_HEADERS_V1,
    COKLIT_NEW_SHEET,
    COKLIT_NEW_VALUE_COLUMNS,
    COKLIT_TPS_HEADERS,
    COKLIT_TPS_HEADERS_V1,
    COKLIT_VISIT_COLUMNS,
    coklit_edit_header,
)
from pemilih.domain import codes as code_tables
from pemilih.io.xlsx_text import column_letter

FORMAT = COKLIT_FORMAT
GUIDE, NEW_SHEET, BASE_SHEET = COKLIT_GUIDE_SHEET, COKLIT_NEW_SHEET, COKLIT_BASE_SHEET
HEADER_ROW, FIRST_ROW = 3, 4  # 0-based: header on spreadsheet row 4, data from row 5
NEW_ROWS = 1000  # rows of PEMILIH BARU prepared with drop-downs and text format

# Column names from the contract, under the short names the workbook's modules use.
LOCKED, CORRECTABLE, NEW_COLUMNS = COKLIT_LOCKED, COKLIT_CORRECTABLE, COKLIT_NEW_COLUMNS
HEADER, TPS_HEADERS, NEW_HEADERS = COKLIT_HEADER, COKLIT_TPS_HEADERS, COKLIT_NEW_HEADERS
MOVE, VISIT, CHECKED = COKLIT_MOVE_COLUMN, COKLIT_VISIT_COLUMNS, COKLIT_CHECKED
NEW_VALUE_COLUMNS = COKLIT_NEW_VALUE_COLUMNS  # written `<HEADER> BARU`
FIRST_EDIT = 1 + len(LOCKED)  # O: the first column the committee writes in
CHOICES = {"jenis_kelamin": ["L", "P"], "status_kawin": ["B", "S", "P"], "ktp_el": ["S", "B"]}
WIDTHS = {"key": 18, "no": 5, "nkk": 19, "nik": 19, "nama": 28, "tempat_lahir": 16,
          "tanggal_lahir": 13, "alamat": 24, "keterangan": 30, "status": 9, "sesuai": 8,
          "tanggal_kunjungan": 13, "petugas": 20}


@dataclass(frozen=True)
class Layout:
    """Where a format keeps the committee's columns: `edits` of a TPS sheet after the locked
    ones (A-N), `new_columns` of PEMILIH BARU."""

    format: str
    edits: tuple[str, ...]
    new_columns: tuple[str, ...]
    tps_headers: tuple[str, ...]
    new_headers: tuple[str, ...]
    # Committee column -> its index among `edits` (looked up for every row read).
    at: dict = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "at", {name: i for i, name in enumerate(self.edits)})

    def col(self, name: str) -> int | None:
        """0-based column of a committee column on a TPS sheet; None when the format lacks it."""
        i = self.at.get(name)
        return None if i is None else FIRST_EDIT + i

    @property
    def last_col(self) -> int:
        return FIRST_EDIT + len(self.edits) - 1

    def header(self, name: str) -> str:
        return coklit_edit_header(name)


LAYOUTS = {
    COKLIT_FORMAT: Layout(COKLIT_FORMAT, tuple(COKLIT_EDITS), tuple(COKLIT_NEW_COLUMNS),
                          tuple(COKLIT_TPS_HEADERS), tuple(COKLIT_NEW_HEADERS)),
    COKLIT_FORMAT_V1: Layout(COKLIT_FORMAT_V1, tuple(COKLIT_EDITS_V1), tuple(COKLIT_NEW_COLUMNS_V1),
                             tuple(COKLIT_TPS_HEADERS_V1), tuple(COKLIT_NEW_HEADERS_V1)),
}
CURRENT = LAYOUTS[FORMAT]
STATUS_COL = CURRENT.col("status")  # P
LAST_COL = CURRENT.last_col  # AD
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
TPS_SHEET = re.compile(r"TPS \S.*")  # the name of a TPS sheet
_HEX = "0123456789abcdef"


def cell_name(row: int, col: int) -> str:
    """`F12` for 0-based (row, col)."""
    return f"{column_letter(col)}{row + 1}"


_NAMA = LOCKED.index("nama")  # among a TPS row's locked texts B..N (NO first)


def _name(text: str) -> str | None:
    """A NAMA fit to quote in a message: as the judge keeps it; None when it is no name (a
    formula, a number: never echoed to a page or a sheet)."""
    from pemilih.domain.values import name
    found = name(text)
    return found.value if found.ok else None


def voter_on_row(locked: list[str]) -> str:
    """Who a TPS row is, as a problem names it: `pemilih no. 3 BUDI` from the row's NO and NAMA
    (locked texts B..N). A name is no secret; the NIK is never named."""
    no = locked[0].strip() if locked else ""
    nama = _name(locked[_NAMA]) if len(locked) > _NAMA and locked[_NAMA].strip() else ""
    return " ".join(part for part in ("pemilih", f"no. {no}" if no else "", nama or "") if part)


def new_voter_on_row(row: int, nama: str) -> str:
    """Who a row of PEMILIH BARU is (no NO column there): its place among the sheet's rows and the
    NAMA typed (`pemilih baru ke-2 ANI`; 1-based spreadsheet `row`)."""
    shown = _name(nama) if nama.strip() else ""
    label = shown if shown else "(NAMA tidak sah)" if shown is None else "(NAMA kosong)"
    return f"pemilih baru ke-{row - FIRST_ROW} {label}"


# --- values as cells --------------------------------------------------------------------------

def shown(column: str, value) -> str:
    """The text a locked cell shows for a list value: dates DD-MM-YYYY, nothing as ''.

    A value the importer could not normalise is shown as it was written."""
    if value is None:
        return ""
    text = str(value)
    if column == "tanggal_lahir" and (m := _ISO.fullmatch(text)):
        return f"{m.group(3)}-{m.group(2)}-{m.group(1)}"
    return text


def cell_text(value) -> str:
    """A cell read back, as text: the same text for a text cell, whole numbers without `.0`.
    A date cell in a locked column reads as its ISO date, so it never equals the shown text."""
    if value is None or value == "":
        return ""
    if value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def strong_digest(key: str, joined: str) -> str:
    """8 hex digits over the key and the locked cells joined by \\x1f."""
    return hashlib.blake2b(f"{key}\x1f{joined}".encode(), digest_size=4).hexdigest()


def row_digest(key: str, cells: list[str], joined: str | None = None) -> str:
    """strong_digest, then one hex digit per cell (names an edited cell)."""
    joined = "\x1f".join(cells) if joined is None else joined
    parts = joined.encode("utf-8").split(b"\x1f")  # one encode per row, not per cell
    if len(parts) != len(cells):  # a cell holding the separator itself
        parts = [c.encode("utf-8") for c in cells]
    return strong_digest(key, joined) + "".join([_HEX[zlib.crc32(b) & 15] for b in parts])


def edited_cells(key: str, joined: str, expected: str) -> list[int]:
    """Indexes (into LOCKED) of the locked cells of a row that differ from the digest shared;
    all of them when only the strong part says so (a 1-in-16 chance per edited cell)."""
    digest = row_digest(key, joined.split("\x1f"))
    if digest == expected:
        return []
    cells = [i for i, (a, b) in enumerate(zip(digest[8:], expected[8:])) if a != b]
    return cells or list(range(len(LOCKED)))


# --- what a workbook holds --------------------------------------------------------------------

@dataclass
class BaseVersion:
    """The hidden VERSI_DASAR sheet: what the workbook was cut from."""

    cut: str  # random id, also in the LIST_SHARED event's payload (the event comes later)
    kode_desa: str
    desa: str
    kecamatan: str
    regime: str
    base_seq: int  # the latest event when the list was cut
    agreement: str
    shared_on: str  # DD-MM-YYYY
    file: str
    format: str = FORMAT

    LABELS = COKLIT_BASE_LABELS

    def items(self) -> list[tuple[str, str]]:
        return [(label, str(getattr(self, name))) for name, label in self.LABELS.items()]


@dataclass
class TpsSheet:
    name: str  # "TPS 001"
    # (key, locked cell texts B-N, committee cells from O (CURRENT.edits) or None[, anything]);
    # texts as shown.
    rows: list[tuple[str, list[str], list[str] | None]]


@dataclass
class WorkbookJob:
    path: str
    base: BaseVersion
    sheets: list[TpsSheet]
    new_voters: list[list[str]] = field(default_factory=list)  # NEW_COLUMNS texts (fill_workbook)


def sheet_name(tps: str | None) -> str:
    """`TPS 001` for TPS 1; a value that is no TPS number stays as written (max 31 chars)."""
    text = (tps or "").strip()
    if text.isdigit():
        return f"TPS {int(text):03d}"
    text = re.sub(r"[\[\]:*?/\\']", "", text)[:27]
    return f"TPS {text or 'TANPA NOMOR'}"


def status_codes(regime: str) -> list[tuple[str, str]]:
    """(code, label) a TPS row's STATUS may hold: the regime's codes that strike, move or
    correct (not B, which has its own sheet, nor a code that changes nothing)."""
    table = code_tables.code_table(regime)
    wanted = (code_tables.STRIKE, code_tables.MOVE, code_tables.CORRECT)
    return [(c.code, c.label) for c in table.values() if c.effect in wanted]


def read_base(grid) -> BaseVersion | None:
    """The hidden VERSI_DASAR sheet read back; None when it is not one of ours."""
    if not grid:
        return None
    values = {cell_text(r[0]).strip(): cell_text(r[1]).strip() for r in grid if len(r) >= 2}
    fields = {name: values.get(label) for name, label in BaseVersion.LABELS.items()}
    if fields["format"] not in LAYOUTS or not fields["cut"] or not (fields["base_seq"] or "").isdigit():
        return None
    fields["base_seq"] = int(fields["base_seq"])
    return BaseVersion(**{k: v or "" for k, v in fields.items()})


def padded(row: list, width: int) -> list[str]:
    """A row's first `width` cells as text, filled up with ''."""
    cells = [cell_text(v) for v in row[:width]]
    return cells + [""] * (width - len(cells))
