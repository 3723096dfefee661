"""`pemilih backup` and `pemilih restore`: a round trip gives the same log and the same list;
a damaged backup and an occupied workspace are refused.

Ground truth by hand: a three-voter list, a registry extract, four findings, one accepted and
one rejected decision; the restored workspace must hold the very same events (kinds, payloads,
order) and the very same projected voter table, row by row.
"""
from __future__ import annotations

import json
import os
import stat

import polars as pl
import pytest

from pemilih import cli
from pemilih.store.projection import VOTER_COLUMNS
from pemilih.store.receive import import_result
from pemilih.store.review import Selection, accept, load_findings, reject
from pemilih.store.workspace import open_workspace

from handmade import LIST, REGISTRY, F

pytestmark = pytest.mark.postgres

WHO = {"actor": "Rina", "agency": "DISDUKCAPIL", "reason": "Hasil verifikasi lapangan"}
FINDINGS = pl.DataFrame([
    ["dpt.csv::2", "7326014507890001", "TMS-1", None, None, None, "7326014507890001", None, "1",
     "Meninggal dunia", "k-tms1", ""],
    ["dpt.csv::3", "7326011203800002", "U", "NAMA", "YOHANIS PATIKU", "YOHANES PATIKU",
     "7326011203800002", None, "0.93", "Nama berbeda", "k-u-nama", ""],
    ["dpt.csv::4", "7326015001950003", "U", "TANGGAL LAHIR", "1995-01-10", "1995-01-11",
     "7326015001950003", None, "0.97", "Tanggal lahir berbeda", "k-u-tgl", ""],
    ["", "7326014101060004", "B", None, None, None, "7326014101060004", None, "1",
     "Pemilih baru", "k-b", ""],
], schema=F, orient="row")
KEY = "kunci rahasia uji\n"


@pytest.fixture
def source(workspace, maker):
    """A workspace with a received list and review decisions, and an owner-only key file."""
    import_result(workspace, maker.kpu(LIST, name="dpt.csv"), actor="KPU", agency="KPU", reason="awal")
    import_result(workspace, maker.registry(REGISTRY, name="dk.csv"), actor="D", agency="DISDUKCAPIL",
                  reason="ekstrak")
    load_findings(workspace, FINDINGS, **WHO)
    accept(workspace, Selection(keys=("k-tms1", "k-u-nama", "k-b")), **WHO)
    reject(workspace, Selection(keys=("k-u-tgl",)), **WHO)
    key = workspace.path / ".kunci-rahasia"
    key.write_text(KEY)
    os.chmod(key, 0o600)
    # Left by a process killed while writing under a temporary name: not part of the workspace.
    (workspace.path / ".pemilih.sqlite3.x1y2.tmp").write_bytes(b"setengah")
    return workspace


@pytest.fixture
def target(kpu_workspace):
    """A fresh, separate workspace to restore into."""
    return kpu_workspace


def _pemilih(ws, *argv) -> int:
    """The command line on `ws` (its DATABASE_URL, for PostgreSQL)."""
    env = os.environ.copy()
    if ws.url:
        os.environ["DATABASE_URL"] = ws.url
    try:
        return cli.main([*argv, "--workspace", str(ws.path)])
    finally:
        os.environ.clear()
        os.environ.update(env)


def _log(ws) -> list[tuple]:
    from pemilih.store.models import Event
    ws.activate()
    return [(e.seq, e.kind, e.actor, e.agency, e.reason, e.payload, e.voter_key, e.batch_id, e.undoes_id)
            for e in Event.objects.order_by("seq")]


def _voters(ws) -> list[tuple]:
    from django.db import connection
    ws.activate()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(connection.ops.quote_name(c) for c in VOTER_COLUMNS)} "
                       "FROM store_voter ORDER BY position, \"key\"")
        return cursor.fetchall()


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_round_trip_gives_the_same_log_and_the_same_list(source, target, tmp_path, dump_db, capsys):
    log, voters, everything = _log(source), _voters(source), dump_db(source)
    # By hand: 3 listed, TMS-1 strikes NE RANTE, B adds LINA SAMPE, U renames YOHANIS.
    assert sorted(v[0] for v in voters) == ["baru:7326014101060004", "dpt.csv::3", "dpt.csv::4"]
    assert [e[1] for e in log] == ["list-imported", "registry-imported", "findings-loaded", "review-accepted",
                                   "review-rejected"]
    folder = tmp_path / "cadangan"

    assert _pemilih(source, "backup", str(folder)) == 0
    out = capsys.readouterr().out
    assert "5 peristiwa" in out and ".kunci-rahasia" in out
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["events"] == 5 and manifest["last_seq"] == log[-1][0]
    assert manifest["database"] == source.vendor
    assert [f["path"] for f in manifest["files"]] == [".kunci-rahasia"]
    assert (folder / "berkas" / ".kunci-rahasia").read_text() == KEY
    assert _mode(folder) == 0o700
    assert {_mode(p) for p in folder.rglob("*") if p.is_file()} == {0o600}
    assert {_mode(p) for p in folder.rglob("*") if p.is_dir()} == {0o700}

    assert _pemilih(target, "restore", str(folder)) == 0
    out = capsys.readouterr().out
    assert "5 peristiwa" in out
    assert _log(target) == log
    assert _voters(target) == voters
    assert dump_db(target) == everything
    assert (target.path / ".kunci-rahasia").read_text() == KEY
    assert _mode(target.path / ".kunci-rahasia") == 0o600


def test_a_damaged_backup_is_refused_and_changes_nothing(source, target, tmp_path, capsys):
    folder = tmp_path / "cadangan"
    assert _pemilih(source, "backup", str(folder)) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    dump = folder / manifest["dump"]
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    capsys.readouterr()

    assert _pemilih(target, "restore", str(folder)) == 1
    err = capsys.readouterr().err
    assert "Cadangan rusak" in err and "SHA-256" in err
    assert _log(target) == []
    assert not (target.path / ".kunci-rahasia").exists()

    # A key file changed in the backup is refused as well.
    data[len(data) // 2] ^= 0xFF  # the dump as it was
    dump.write_bytes(bytes(data))
    (folder / "berkas" / ".kunci-rahasia").write_text("kunci lain\n")
    assert _pemilih(target, "restore", str(folder)) == 1
    assert "berkas .kunci-rahasia hilang atau berubah" in capsys.readouterr().err
    assert _log(target) == []


def test_a_folder_without_manifest_is_not_a_backup(target, tmp_path, capsys):
    (tmp_path / "bukan").mkdir()
    assert _pemilih(target, "restore", str(tmp_path / "bukan")) == 1
    assert "manifest.json tidak ada" in capsys.readouterr().err


def test_restore_over_an_occupied_workspace_needs_timpa(source, tmp_path, capsys):
    folder = tmp_path / "cadangan"
    log, voters = _log(source), _voters(source)
    assert _pemilih(source, "backup", str(folder)) == 0
    # After the backup: a decision undone (a sixth event, the list changes back).
    from pemilih.store.review import undo
    undo(source, log[3][0], **WHO)
    assert len(_log(source)) == 6 and _voters(source) != voters
    capsys.readouterr()

    assert _pemilih(source, "restore", str(folder)) == 1
    err = capsys.readouterr().err
    assert "tidak kosong (6 peristiwa" in err and "--timpa" in err
    assert len(_log(source)) == 6

    assert _pemilih(source, "restore", str(folder), "--timpa") == 0
    out = capsys.readouterr().out
    assert "5 peristiwa" in out and "Isi sebelumnya ditimpa: 6 peristiwa" in out
    assert _log(source) == log and _voters(source) == voters


def test_a_differing_key_file_counts_as_content(source, target, tmp_path, capsys):
    folder = tmp_path / "cadangan"
    assert _pemilih(source, "backup", str(folder)) == 0
    (target.path / ".kunci-rahasia").write_text("kunci ruang kerja tujuan\n")
    capsys.readouterr()
    assert _pemilih(target, "restore", str(folder)) == 1
    assert "berkas .kunci-rahasia" in capsys.readouterr().err
    assert (target.path / ".kunci-rahasia").read_text() == "kunci ruang kerja tujuan\n"


def test_backup_refuses_a_folder_that_holds_files(source, tmp_path, capsys):
    folder = tmp_path / "cadangan"
    folder.mkdir()
    (folder / "lain.txt").write_text("x")
    assert _pemilih(source, "backup", str(folder)) == 1
    assert "sudah berisi" in capsys.readouterr().err


def test_sqlite_backup_sees_only_committed_work(source, tmp_path):
    """The online backup while another connection holds an open write: the copy is the last
    committed state (a backup taken while the server writes)."""
    import sqlite3
    if source.vendor != "sqlite":
        pytest.skip("SQLite saja")
    from pemilih.store import backup
    source.close()
    writer = sqlite3.connect(source.database["NAME"], isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO store_event (kind, happened_at, actor, agency, reason, legal_basis, payload, "
                   "voter_key) VALUES ('registry-imported', '2027-01-01', 'x', 'KPU', 'x', '', '{}', '')")
    try:
        manifest = backup.backup(open_workspace(source.path, source.url), tmp_path / "cadangan")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert manifest.events == 5
