"""Owner-only files (issue 13): the workspace, its database and every output holding full NIKs
are 0600 files in 0700 folders, whatever umask the operator's shell had (022 here: the usual
one, under which the old release wrote 0644 files in 0755 folders).

The command line's whole cycle is walked in test_formula_output.py; here: a workspace an
older release left readable, and the web's job outputs, written by the job worker.
"""
from __future__ import annotations

import os
import shutil
import stat
import zipfile

import pytest

from pemilih.store import owner_only

from webcoklit import agree, receive


@pytest.fixture(autouse=True)
def usual_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_workspace_an_older_release_left_readable_is_made_owner_only_when_opened(
        tmp_path, migrated_template, maker, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = tmp_path / "lama"
    folder.mkdir(mode=0o755)
    shutil.copyfile(migrated_template, folder / "pemilih.sqlite3")
    for path, mode in ((folder, 0o755), (folder / "pemilih.sqlite3", 0o644)):
        os.chmod(path, mode)
    (folder / "pemilih.sqlite3-wal").write_bytes(b"")  # left by a process that was killed
    os.chmod(folder / "pemilih.sqlite3-wal", 0o644)
    from pemilih.store.receive import import_result
    from pemilih.store.workspace import open_workspace
    ws = open_workspace(folder)
    assert (_mode(folder), _mode(folder / "pemilih.sqlite3"), _mode(folder / "pemilih.sqlite3-wal")) == (
        0o700, 0o600, 0o600)
    import_result(ws, maker.kpu([{"source_ref": "dpt.csv::2", "file": "dpt.csv", "sheet": "", "row": 2,
                                  "nik": "7326010204850004", "nama": "MARKUS TANDI"}], name="dpt.csv"),
                  actor="Operator", agency="KPU", reason="uji")
    # SQLite made its -shm (and -wal) in the write, with the database's mode
    written = sorted(p.name for p in folder.iterdir())
    assert "pemilih.sqlite3-shm" in written
    assert {p.name: _mode(p) for p in folder.iterdir()} == dict.fromkeys(written, 0o600)
    ws.close()


def test_a_new_workspace_is_owner_only_though_the_umask_is_not(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from pemilih.store.workspace import open_workspace
    ws = open_workspace(tmp_path / "a" / "baru")
    assert (_mode(tmp_path / "a" / "baru"), _mode(tmp_path / "a" / "baru" / "pemilih.sqlite3")) == (0o700, 0o600)
    ws.close()


def test_the_job_worker_writes_owner_only_outputs(website, maker, monkeypatch):
    """A job run by `python -m pemilih.web.worker --job N` (what `pemilih serve` runs): the
    zip of every village's coklit workbook, full NIKs inside."""
    from pemilih.web import worker
    from pemilih.web.models import Job
    receive(website.ws, maker)
    agree(website.ws)
    response = website.client("dpml").post("/coklit/semua/", {"rezim": "PILKALEM"})
    assert response.status_code in (200, 302)
    job = Job.objects.get(kind="coklit-semua")
    monkeypatch.setenv("PEMILIH_WORKSPACE", str(website.ws.path))
    assert worker.main(["--job", str(job.pk)]) == 0
    job.refresh_from_db()
    assert job.status == Job.DONE, job.message
    folder = website.ws.path / "web" / "pekerjaan" / str(job.pk)
    outputs = list(folder.iterdir())
    assert outputs and zipfile.is_zipfile(outputs[0])
    assert [(p.name, _mode(p)) for p in outputs] == [(p.name, 0o600) for p in outputs]
    assert [_mode(p) for p in (folder, folder.parent, folder.parent.parent)] == [0o700] * 3
    assert _mode(website.ws.path) == 0o700 and _mode(website.ws.path / "pemilih.sqlite3") == 0o600


def test_private_folder_is_owner_only_whatever_the_umask(tmp_path):
    made = owner_only.private_folder(tmp_path / "x" / "y")
    assert _mode(made) == 0o700


def test_every_entry_point_of_the_product_starts_owner_only(tmp_path):
    """The command line, the job worker and the WSGI application (gunicorn's workers, however
    gunicorn was started) each set the umask before anything is written."""
    import secrets
    import subprocess
    import sys
    env = {**os.environ, "PEMILIH_SECRET_KEY": secrets.token_urlsafe(48), "PEMILIH_WORKSPACE": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    probes = {
        "wsgi": "import pemilih.web.wsgi",
        "cli": "from pemilih import cli\ntry:\n    cli.main(['--version'])\nexcept SystemExit:\n    pass",
        "worker": "from pemilih.web import worker\nworker.serve_jobs = lambda: 0\nworker.main([])",
    }
    for name, code in probes.items():
        done = subprocess.run([sys.executable, "-c", f"import os\nos.umask(0o022)\n{code}\nprint(oct(os.umask(0)))"],
                              capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert done.stdout.split()[-1:] == ["0o77"], (name, done.stdout, done.stderr[-2000:])
