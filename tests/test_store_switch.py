"""Switching workspaces in one process: every thread then reads the workspace it switched to.

Django keeps a connection per thread (and async context). One made before another thread
switched the process to a new workspace still holds the old database's settings: activating
the new workspace must drop it, or that thread keeps reading the old store (a browser test
found an earlier module's election that way)."""
from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.postgres


def _tables() -> set[str]:
    from django.db import connection
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_a_thread_reads_the_workspace_it_switched_to(workspace, kpu_workspace):
    from django.db import connection, connections
    workspace.activate()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE probe_only_here (x integer)")
    seen, switched, done = [], threading.Event(), threading.Event()

    def other_thread():
        try:
            workspace.activate()
            seen.append("probe_only_here" in _tables())  # its own connection, to the first store
            switched.wait(30)
            kpu_workspace.activate()  # the process points at the second store already
            seen.append("probe_only_here" in _tables())
        finally:
            connections.close_all()
            done.set()

    thread = threading.Thread(target=other_thread)
    thread.start()
    while not seen and thread.is_alive():
        thread.join(0.01)
    kpu_workspace.activate()  # this thread switches the process first
    switched.set()
    done.wait(30)
    thread.join(30)
    assert seen == [True, False]
    assert "probe_only_here" not in _tables()
