"""Field-validation (coklit) workbooks: written for a village committee, read back when returned.

One workbook per village. Sheets, in order:

* PETUNJUK: instructions in Bahasa Indonesia, the status codes of the regime with their labels;
* one sheet per TPS (`TPS 001`): title rows, the header on row 4, one voter per row from row 5.
  Columns A-N (grey, locked) hold the voter key (KUNCI), NO and the data as shared; O-AD are
  for the committee: SESUAI (`V`: checked, correct), STATUS (a code that strikes, moves or
  corrects), TPS BARU (where a move goes), `<FIELD> BARU` corrections, KETERANGAN (evidence),
  TANGGAL KUNJUNGAN and PETUGAS (who checked the row, when);
* PEMILIH BARU: voters the committee finds, one per row from row 5, every column text, with
  the visit's date and officer;
* VERSI_DASAR (very hidden): the base version the workbook was cut from (the cut id that
  names its LIST_SHARED event, village, regime, base event, agreement, date).

What a committee may not change is checked without keeping a copy: each TPS row has a digest
(`row_digest`) of its locked cells, recorded in the LIST_SHARED event; collect recomputes it.
The digest is 8 hex digits of a strong hash over the row plus one hex digit per locked cell,
so an edit is caught (1 in 4 billion misses) and the edited cell can be named.

Format 1 (`pemilih-coklit/1`, before SESUAI, TPS BARU and the visit) has the same locked
columns and only STATUS, the corrections and KETERANGAN after them: it is still read and
collected (coklit_layout.LAYOUTS), never written.

This module is the format's one door for the store (share, collect); the work is done in:

* coklit_layout.py: sheets, rows and columns, cell texts, the digests, what a workbook holds;
* coklit_write.py: writing (xlsxwriter, data rows as pre-rendered XML);
* coklit_read.py: reading a returned workbook (python-calamine), in worker processes;
* coklit_values.py: judging the values a committee typed;
* coklit_fill.py: filling a workbook in as a committee would (tests, demo, benchmarks).

No Django in any of them: both directions run in worker processes.
"""
from __future__ import annotations

from pemilih.io.coklit_fill import fill_workbook, job_from
from pemilih.io.coklit_layout import (
    BASE_SHEET,
    CORRECTABLE,
    FIRST_EDIT,
    FIRST_ROW,
    FORMAT,
    GUIDE,
    HEADER,
    HEADER_ROW,
    LOCKED,
    MOVE,
    NEW_COLUMNS,
    NEW_HEADERS,
    NEW_SHEET,
    NEW_VALUE_COLUMNS,
    STATUS_COL,
    TPS_HEADERS,
    BaseVersion,
    Layout,
    TpsSheet,
    WorkbookJob,
    edited_cells,
    new_voter_on_row,
    row_digest,
    sheet_name,
    shown,
    status_codes,
    voter_on_row,
)
from pemilih.io.coklit_read import BookRead, NewVoter, Problem, RowRead, SheetRead, read_many, read_workbook
from pemilih.io.coklit_values import judge, same_value
from pemilih.io.coklit_write import write_workbook
from pemilih.io.xlsx_text import column_letter

__all__ = [
    "BASE_SHEET", "CORRECTABLE", "FIRST_EDIT", "FIRST_ROW", "FORMAT", "GUIDE", "HEADER", "HEADER_ROW",
    "LOCKED", "MOVE", "NEW_COLUMNS", "NEW_HEADERS", "NEW_SHEET", "NEW_VALUE_COLUMNS", "STATUS_COL",
    "TPS_HEADERS", "BaseVersion", "BookRead", "Layout", "NewVoter", "Problem", "RowRead", "SheetRead",
    "TpsSheet", "WorkbookJob", "column_letter", "edited_cells", "fill_workbook", "job_from", "judge",
    "new_voter_on_row", "read_many", "read_workbook", "row_digest", "same_value", "sheet_name", "shown",
    "status_codes", "voter_on_row", "write_workbook"]
