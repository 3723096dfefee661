"""An import killed mid-way (SIGKILL inside the transaction) leaves the store exactly as it was.

The import runs in a child process with PEMILIH_FAULT=import-kill:<n>; the importer kills
itself after writing n source records. Nothing in the child gets to clean up, as with a power
cut or the OOM killer; the database alone must throw the half-written import away.
"""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys

import pytest

from pemilih.store.projection import current_list
from pemilih.store.receive import import_result

pytestmark = pytest.mark.postgres

CHILD = """
import pickle, sys
from pemilih.store.workspace import open_workspace
from pemilih.store.receive import import_result
ws = open_workspace(sys.argv[1], sys.argv[2])
with open(sys.argv[3], "rb") as f:
    result = pickle.load(f)
out = import_result(ws, result, actor="Operator KPU", agency="KPU", reason="DPT hasil perbaikan")
print(out.created, out.rows, out.problems)
"""


def _run_import(store_location, pickled, fault=None):
    folder, url = store_location
    env = {k: v for k, v in os.environ.items() if k not in ("PEMILIH_FAULT", "DATABASE_URL")}
    env["PEMILIH_PROGRESS"] = "0"
    if fault:
        env["PEMILIH_FAULT"] = fault
    return subprocess.run([sys.executable, "-c", CHILD, str(folder), url, str(pickled)],
                          env=env, capture_output=True, text=True, timeout=120)


def test_killed_import_leaves_everything_as_before_then_imports(workspace, store_location, maker,
                                                                 tmp_path, dump_db):
    earlier = maker.generated_kpu(60, name="dpt_lama.csv", problems_every=6)
    import_result(workspace, earlier, actor="Operator KPU", agency="KPU", reason="DPT awal")
    before = dump_db(workspace)
    assert len(before["store_sourcerecord"]) == 60

    newer = maker.generated_kpu(3000, name="dpt_baru.csv", problems_every=30)
    pickled = tmp_path / "result.pickle"
    pickled.write_bytes(pickle.dumps(newer))

    killed = _run_import(store_location, pickled, fault="import-kill:1200")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert "setelah 1200 baris" in killed.stderr
    assert dump_db(workspace) == before
    assert current_list(workspace)["source_ref"][0] == "dpt_lama.csv::2"

    done = _run_import(store_location, pickled)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "3000", "100"]
    after = dump_db(workspace)
    assert len(after["store_sourcerecord"]) == 3060 and len(after["store_event"]) == 2
    listed = current_list(workspace)
    assert listed.height == 3000 and listed["source_ref"][-1] == "dpt_baru.csv::3001"


def test_fault_spec_is_read_strictly(monkeypatch):
    from pemilih.store import fault

    for spec, expected in [("import-kill:5", 5), ("import-kill:x", None), ("lain:5", None), ("", None)]:
        monkeypatch.setenv(fault.ENV, spec)
        assert fault.import_kill_at() == expected, spec
