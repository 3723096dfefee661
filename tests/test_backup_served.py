"""A workspace the web application has served keeps restoring: `pemilih serve` makes the web
indexes, on PostgreSQL one through the pg_trgm extension (web/indexes.py, issue 17), whose
functions live in the workspace's schema beside the store's own."""
from __future__ import annotations

import pytest
from test_backup import _pemilih

pytestmark = pytest.mark.postgres


def _names(ws) -> list[str]:
    from pemilih.store.models import Voter
    ws.activate()
    return list(Voter.objects.order_by("position").values_list("nama", flat=True))


def test_a_served_workspace_restores_over_itself(workspace, maker, tmp_path):
    from django.db import connection

    from pemilih.store.receive import import_result
    from pemilih.web import indexes
    import_result(workspace, maker.generated_kpu(20), actor="uji", agency="KPU", reason="uji")
    indexes.ensure()
    names = _names(workspace)
    assert _pemilih(workspace, "backup", str(tmp_path / "cadangan")) == 0
    assert _pemilih(workspace, "restore", str(tmp_path / "cadangan"), "--timpa") == 0
    assert _names(workspace) == names == [f"PEMILIH {i}" for i in range(20)]
    with connection.cursor() as cursor:
        found = set(connection.introspection.get_constraints(cursor, "store_voter"))
    assert {name for name, _, _ in indexes.INDEXES if name.startswith("web_voter")} <= found
    if connection.vendor == "postgresql":
        assert indexes.TRIGRAM[0] in found
