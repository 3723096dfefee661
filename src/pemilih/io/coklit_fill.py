"""Playing a village committee: a coklit workbook filled in as a committee would (tests, the
demo and the benchmarks use it; the product never writes a committee's entries itself)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pemilih.io.coklit_layout import (
    BASE_SHEET,
    CHECKED,
    CURRENT,
    FIRST_EDIT,
    FIRST_ROW,
    FORMAT,
    HEADER,
    NEW_COLUMNS,
    NEW_HEADERS,
    NEW_SHEET,
    NEW_VALUE_COLUMNS,
    TPS_HEADERS,
    TPS_SHEET,
    TpsSheet,
    WorkbookJob,
    padded,
    read_base,
)
from pemilih.io.coklit_write import write_workbook


def fill_workbook(path, out_path, *, statuses: dict | None = None, corrections: dict | None = None,
                  new_voters: list[dict] | None = None, notes: dict | None = None, checked=(),
                  visits: dict | None = None) -> str:
    """Write `out_path`: the workbook at `path` with a committee's entries added.

    statuses {key: code}, corrections {key: {column: value}} (column as `nama` or `NAMA`; a
    move's new TPS as `tps` or `TPS BARU`), notes {key: text}, checked [keys] ticked SESUAI,
    visits {key: (TANGGAL KUNJUNGAN, PETUGAS)}, new_voters [{column: value}] for PEMILIH BARU.
    Values go in as typed text, unchecked (so tests can type wrong ones). Locked cells and the
    base version are written back as read. Returns the new file's sha256."""
    job = job_from(Path(path))
    job.path = str(out_path)
    keys = {key for sheet in job.sheets for key, _, _ in sheet.rows}
    entries = _Entries(statuses or {}, corrections or {}, notes or {}, set(checked), visits or {})
    unknown = entries.keys() - keys
    if unknown:
        raise KeyError("kunci tidak ada di lembar kerja: " + ", ".join(sorted(unknown)))
    for sheet in job.sheets:
        sheet.rows = [_filled(row, entries) for row in sheet.rows]
    for voter in new_voters or []:
        given = {_column_of(k): "" if v is None else str(v) for k, v in voter.items()}
        job.new_voters.append([given.get(c, "") for c in NEW_COLUMNS])
    sha, _ = write_workbook(job)
    return sha


@dataclass
class _Entries:
    statuses: dict
    corrections: dict
    notes: dict
    checked: set
    visits: dict

    def keys(self) -> set:
        return set(self.statuses) | set(self.corrections) | set(self.notes) | self.checked | set(self.visits)


def _column_of(name: str) -> str:
    text = name.strip()
    if text in NEW_COLUMNS or text in NEW_VALUE_COLUMNS:
        return text
    by_header = {h: c for c, h in HEADER.items()}
    found = by_header.get(text.upper().removesuffix(" BARU").strip())
    if found is None:
        raise KeyError(f"kolom tidak dikenal: {name}")
    return found


def _filled(row, entries: _Entries):
    key, cells, edits = row
    edits = list(edits or [""] * len(CURRENT.edits))
    at = CURRENT.edits.index

    def put(name: str, value) -> None:
        edits[at(name)] = "" if value is None else str(value)
    if key in entries.checked:
        put("sesuai", CHECKED)
    if key in entries.statuses:
        put("status", entries.statuses[key])
    for column, value in entries.corrections.get(key, {}).items():
        put(_column_of(column), value)
    if key in entries.notes:
        put("keterangan", entries.notes[key])
    if key in entries.visits:
        day, officer = entries.visits[key]
        put("tanggal_kunjungan", day)
        put("petugas", officer)
    return key, cells, edits if any(edits) else None


def job_from(path: Path) -> WorkbookJob:
    """A workbook read back into the job that writes it (locked texts as they stand)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    grids = {m.name: wb.get_sheet_by_name(m.name).to_python(skip_empty_area=False)
             for m in wb.sheets_metadata if "WorkSheet" in str(m.typ)}
    base = read_base(grids.get(BASE_SHEET))
    if base is None:
        raise ValueError(f"{path.name} bukan lembar kerja coklit dari pemilih")
    if base.format != FORMAT:
        raise ValueError(f"{path.name} berformat {base.format}; hanya {FORMAT} yang dapat diisi ulang")
    sheets, new = [], []
    width = len(TPS_HEADERS)
    for name, grid in grids.items():
        if TPS_SHEET.fullmatch(name):
            rows = []
            for raw in grid[FIRST_ROW:]:
                cells = padded(raw, width)
                if any(cells):
                    edits = cells[FIRST_EDIT:]
                    rows.append((cells[0], cells[1:FIRST_EDIT], edits if any(edits) else None))
            sheets.append(TpsSheet(name, rows))
        elif name == NEW_SHEET:
            new = [cells for raw in grid[FIRST_ROW:] if any(cells := padded(raw, len(NEW_HEADERS)))]
    return WorkbookJob(str(path), base, sheets, new)
