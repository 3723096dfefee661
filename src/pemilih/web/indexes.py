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
# PostgreSQL only: the voter list's name search (Django's icontains, UPPER(nama) LIKE '%..%')
# through trigrams, so a rare name is found without reading a province's 7 million rows (issue
# 17: 0.4 ms instead of a scan); ANALYZE then knows the expression, so a common name walks the
# serving index instead. Without the pg_trgm extension (a server that lacks it, or a role that
# may not create it) the search stays a scan.
TRIGRAM = ("web_voter_nama_trgm", "store_voter", "USING gin (UPPER(nama::text) gin_trgm_ops)")


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
        if connection.vendor == "postgresql" and TRIGRAM[0] not in existing and _trigrams(cursor):
            name, table, method = TRIGRAM
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {method}")
            made.append(name)
        if made and connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
        elif made:
            cursor.execute("ANALYZE store_voter")
            cursor.execute("ANALYZE store_electionvoter")
    return made


def _trigrams(cursor) -> bool:
    """pg_trgm is there, or could be made here (a trusted extension: the database's owner may)."""
    from django.db import DatabaseError, transaction
    try:
        with transaction.atomic():
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        return True
    except DatabaseError:
        return False
