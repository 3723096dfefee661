"""Start-up of `pemilih check`: its workbook readers are forked before Polars is loaded.

Fork is only safe before Polars starts its thread pool, so io/sheets.start() declines once
Polars is imported and the workbooks are then read by threads, taking turns for the
interpreter lock (about half as fast on two cores). Building the command line imports every
command module, so none of them may load Polars (or Django) when imported.
"""
from __future__ import annotations

import subprocess
import sys


def _loaded_after(code: str) -> set[str]:
    probe = (f"import sys\n{code}\n"
             "print(' '.join(m for m in ('polars', 'django') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_building_the_command_line_loads_neither_polars_nor_django():
    assert _loaded_after("from pemilih.cli import build_parser\nbuild_parser()") == set()


def test_the_reader_contract_can_be_imported_without_polars():
    assert _loaded_after("from pemilih.contract import KPU_COLUMNS, ReadResult") == set()


def test_check_reads_workbooks_in_worker_processes():
    """What check.run() does first: with nothing heavy loaded yet, start() forks its workers."""
    code = ("from pemilih.cli import build_parser\nbuild_parser()\n"
            "from pemilih.io import sheets\n"
            "import tempfile, os\n"
            "d = tempfile.mkdtemp()\n"
            "paths = []\n"
            "for n in 'ab':\n"
            "    p = os.path.join(d, n + '.xlsx'); open(p, 'wb').write(b'PK\\x03\\x04'); paths.append(p)\n"
            "print('started' if sheets.start(paths) else 'declined')\n"
            "sheets.stop()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split()[0] == "started"
