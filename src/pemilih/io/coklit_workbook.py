"""Field-validation (coklit) workbooks: written for a village committee, read back when returned.

One workbook per village. Sheets, in order:

* PETUNJUK: instructions in Bahasa Indonesia, the status codes of the regime with their labels;
* one sheet per TPS (`TPS 001`): title rows, the header on row 4, one voter per row from row 5.
  Columns A-N (grey, locked) hold the voter key (KUNCI), NO and the data as shared; O-Z are
  for the committee: STATUS (a TMS code or U; blank = data correct), `<FIELD> BARU`
  corrections, KETERANGAN (evidence);
* PEMILIH BARU: voters the committee finds, one per row from row 5, every column text;
* VERSI_DASAR (very hidden): the base version the workbook was cut from (the cut id that
  names its LIST_SHARED event, village, regime, base event, agreement, date).

What a committee may not change is checked without keeping a copy: each TPS row has a digest
(`row_digest`) of its locked cells, recorded in the LIST_SHARED event; collect recomputes it.
The digest is 8 hex digits of a strong hash over the row plus one hex digit per locked cell,
so an edit is caught (1 in 4 billion misses) and the edited cell can be named.

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
    FIRST_ROW,
    FORMAT,
    GUIDE,
    HEADER,
    HEADER_ROW,
    LOCKED,
    NEW_COLUMNS,
    NEW_HEADERS,
    NEW_SHEET,
    STATUS_COL,
    TPS_HEADERS,
    BaseVersion,
    TpsSheet,
    WorkbookJob,
    edited_cells,
    row_digest,
    sheet_name,
    shown,
    status_codes,
)
from pemilih.io.coklit_read import BookRead, NewVoter, Problem, RowRead, SheetRead, read_many, read_workbook
from pemilih.io.coklit_values import judge, same_value
from pemilih.io.coklit_write import write_workbook
from pemilih.io.xlsx_text import column_letter

__all__ = [
    "BASE_SHEET", "CORRECTABLE", "FIRST_ROW", "FORMAT", "GUIDE", "HEADER", "HEADER_ROW", "LOCKED",
    "NEW_COLUMNS", "NEW_HEADERS", "NEW_SHEET", "STATUS_COL", "TPS_HEADERS", "BaseVersion", "BookRead",
    "NewVoter", "Problem", "RowRead", "SheetRead", "TpsSheet", "WorkbookJob", "column_letter",
    "edited_cells", "fill_workbook", "job_from", "judge", "read_many", "read_workbook", "row_digest",
    "same_value", "sheet_name", "shown", "status_codes", "write_workbook"]
