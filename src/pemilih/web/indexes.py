"""Indexes the web pages read by, made when the server starts rather than by a migration.

The store keeps its bulk-written tables almost index-free, because a 190k-row import pays for
every index (issue 2's import target). The web application reads them by village (list pages)
and by NIK (the public look-up), so `pemilih serve` makes these indexes once; later imports
into the same workspace keep them up to date. Idempotent and cheap when they exist.
"""
from __future__ import annotations

from django.db import connection

INDEXES = [
    ("web_voter_desa_pos", "store_voter", "kode_desa, position"),
    ("web_voter_nik", "store_voter", "nik"),
    ("web_electionvoter_nik", "store_electionvoter", "nik"),
    ("web_electionvoter_list_desa", "store_electionvoter", "list_id, kode_desa, tps_number"),
    # The review queue shows each proposal's registry record next to the list's (by NIK).
    ("web_sourcerecord_nik", "store_sourcerecord", "nik"),
]


def ensure() -> list[str]:
    """Create the missing indexes; the names of those created."""
    made = []
    existing = set()
    with connection.cursor() as cursor:
        for table in {t for _, t, _ in INDEXES}:
            existing |= set(connection.introspection.get_constraints(cursor, table))
        for name, table, columns in INDEXES:
            if name in existing:
                continue
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")
            made.append(name)
        if made and connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif made:
            cursor.execute("ANALYZE store_voter")
            cursor.execute("ANALYZE store_electionvoter")
    return made
