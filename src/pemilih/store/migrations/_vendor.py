"""A RunSQL whose statements depend on the database engine, for the store's migrations.

Kept apart (a module starting with "_" is not a migration) and small on purpose: migrations
that use it must keep behaving as when they were applied, so change it only by adding.
"""
from django.db import migrations, router


class VendorRunSQL(migrations.RunSQL):
    """RunSQL whose statements depend on the database engine (sqlite or postgresql)."""

    def __init__(self, forwards: dict, backwards: dict):
        super().__init__(sql=[], reverse_sql=[])
        self.forwards, self.backwards = forwards, backwards

    def _pick(self, table: dict, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in table:
            raise RuntimeError(f"Basis data '{vendor}' tidak didukung (hanya SQLite dan PostgreSQL)")
        return table[vendor]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self._pick(self.forwards, schema_editor))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self._pick(self.backwards, schema_editor))

    def deconstruct(self):
        return self.__class__.__name__, [], {"forwards": self.forwards, "backwards": self.backwards}

    def describe(self):
        return "SQL khusus mesin basis data"
