"""Database-level guard for the append-only tables: triggers that refuse UPDATE and DELETE
(and TRUNCATE on PostgreSQL), so history cannot be rewritten by raw SQL or another program.

The SQL is written out here, per engine, so this migration stays as it was when applied.
Note for later migrations: Django rebuilds a SQLite table to alter it (copy, drop, rename),
which drops its triggers; such a migration must create them again (tests check they exist).
"""
from django.db import migrations

from pemilih.store.migrations._vendor import VendorRunSQL

GUARDED = ["store_sourcefile", "store_importbatch", "store_batchfile", "store_sourcerecord",
           "store_rowproblem", "store_event"]


def _sqlite_forwards():
    statements = []
    for table in GUARDED:
        for op in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table}: hanya boleh ditambah, {op} ditolak'); END")
    return statements


def _sqlite_backwards():
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op}"
            for table in GUARDED for op in ("update", "delete")]


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION store_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: hanya boleh ditambah, % ditolak', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""


def _postgres_forwards():
    statements = [PG_FUNCTION]
    for table in GUARDED:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION store_refuse_change()")
        statements.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION store_refuse_change()")
    return statements


def _postgres_backwards():
    statements = []
    for table in GUARDED:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        statements.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    return statements + ["DROP FUNCTION IF EXISTS store_refuse_change()"]


class Migration(migrations.Migration):

    dependencies = [("store", "0001_initial")]

    operations = [
        VendorRunSQL(
            forwards={"sqlite": _sqlite_forwards(), "postgresql": _postgres_forwards()},
            backwards={"sqlite": _sqlite_backwards(), "postgresql": _postgres_backwards()},
        ),
    ]
