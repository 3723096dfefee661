"""Baseline for the workbook check: python-calamine reading every cell of the given workbooks
into Python lists, single process, nothing else (the figure the issue quotes as ~1.3 s)."""
import sys

from python_calamine import CalamineWorkbook

rows = 0
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        rows += len(book.get_sheet_by_name(name).to_python())
print(rows)
