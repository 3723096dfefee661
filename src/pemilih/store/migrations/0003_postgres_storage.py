"""PostgreSQL storage choices that Django's models cannot express (nothing on SQLite).

- The voter key is compared byte by byte (COLLATE "C"): it is an identifier, never sorted
  for people, and a linguistic collation makes every bulk load of its index slower. The
  LIKE index Django adds to a text primary key goes: nothing searches keys by pattern, and
  every index is paid for on each 200k-row load of the projection.
- Received files are compressed with lz4 rather than pglz: about as small, three times
  faster to store. A server built without lz4 keeps pglz.
"""
from django.db import migrations

from pemilih.store.migrations._vendor import VendorRunSQL

LZ4 = """
DO $$ BEGIN
    ALTER TABLE store_sourcefile ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL;
END $$
"""


class Migration(migrations.Migration):

    dependencies = [("store", "0002_append_only_guards")]

    operations = [
        VendorRunSQL(
            forwards={"sqlite": [], "postgresql": [
                "DROP INDEX IF EXISTS store_voter_key_567eb50c_like",
                'ALTER TABLE store_voter ALTER COLUMN "key" TYPE text COLLATE "C"', LZ4]},
            backwards={"sqlite": [], "postgresql": [
                'ALTER TABLE store_voter ALTER COLUMN "key" TYPE text COLLATE "default"',
                'CREATE INDEX store_voter_key_567eb50c_like ON store_voter ("key" text_pattern_ops)',
                "ALTER TABLE store_sourcefile ALTER COLUMN content SET COMPRESSION pglz"]},
        ),
    ]
