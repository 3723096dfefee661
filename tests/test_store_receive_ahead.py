"""`pemilih receive` opens its workspace on a background thread while it reads the files.

The opening's result, or its error, must be exactly what opening in turn gives; a workspace
the thread created but nobody took is removed at exit; the caller's own connection to an
earlier workspace must not be used for the new one.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from pemilih.cli import main
from pemilih.store.workspace import WorkspaceError, open_workspace, open_workspace_ahead

from filemaker import KPU_HEADER, voter, write_csv


@pytest.mark.postgres
def test_receive_command_imports_every_row_into_its_workspace(store_location, tmp_path, monkeypatch, capsys):
    from pemilih.store.models import ImportBatch, SourceRecord

    folder, url = store_location
    if url.startswith("postgresql"):
        monkeypatch.setenv("DATABASE_URL", url)
        target = folder
    else:
        target = tmp_path / "baru" / "ruang"  # not there yet: the thread creates it
    path = write_csv(tmp_path / "dpt.csv", KPU_HEADER, [voter(1), voter(2, RT="X"), voter(3)])

    assert main(["receive", "--workspace", str(target), str(path)]) == 0
    assert "Diimpor (daftar pemilih): 3 baris, 1 catatan masalah" in capsys.readouterr().out
    open_workspace(target).activate()
    assert list(SourceRecord.objects.order_by("id").values_list("source_ref", flat=True)) == [
        "dpt.csv::2", "dpt.csv::3", "dpt.csv::4"]
    assert ImportBatch.objects.count() == 1

    # Again: the same files change nothing (the thread opened an existing workspace).
    assert main(["receive", "--workspace", str(target), str(path)]) == 0
    assert "Tidak ada perubahan" in capsys.readouterr().out


def test_error_of_the_opening_comes_from_open_workspace(tmp_path):
    folder = tmp_path / "ws"
    with pytest.raises(WorkspaceError) as in_turn:
        open_workspace(folder, "mysql://nowhere/db")
    open_workspace_ahead(folder, "mysql://nowhere/db")
    with pytest.raises(WorkspaceError) as ahead:
        open_workspace(folder, "mysql://nowhere/db")
    assert str(ahead.value) == str(in_turn.value)


def test_no_connection_to_the_previous_workspace_is_used(workspace, maker, tmp_path):
    from pemilih.store.models import ImportBatch
    from pemilih.store.receive import import_result

    import_result(workspace, maker.generated_kpu(5), actor="Benyamin M", agency="KPU", reason="uji")
    assert ImportBatch.objects.count() == 1  # this thread now holds a connection to `workspace`

    other = tmp_path / "lain"
    open_workspace_ahead(other)
    opened = open_workspace(other)
    assert str(opened.path) == str(other)
    assert ImportBatch.objects.count() == 0
    workspace.activate()
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize("folder_there", [False, True], ids=["new-folder", "folder-there"])
def test_a_workspace_made_ahead_but_not_taken_is_removed(tmp_path, folder_there):
    target = tmp_path / "a" / "b"
    if folder_there:
        target.mkdir(parents=True)
    code = ("import sys, time\n"
            "from pemilih.store import settings, workspace\n"
            "settings.ensure_configured()\n"
            "workspace.open_workspace_ahead(sys.argv[1])\n"
            "time.sleep(0.05)\n")
    subprocess.run([sys.executable, "-c", code, str(target)], check=True, env=_without_database_url())
    if folder_there:
        assert list(target.iterdir()) == []
    else:
        assert not (tmp_path / "a").exists()


def _without_database_url() -> dict:
    import os
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
