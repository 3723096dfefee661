"""Tamper evidence (issue 13): the hash chain of the event log and the access log.

1. Two nullable columns on store_event (SQLite adds them with ALTER TABLE ADD COLUMN: the
   append-only triggers stay), prev_hash and hash (store/chain.py).
2. The chain of the events already there, computed in order from the values as stored. The
   guard against UPDATE of store_event is lifted for this alone and made again at once, in
   the same transaction, with the SQL of migration 0002.
3. store_accesslog: every view and download of personal data, append-only (its own triggers).
"""
from django.db import migrations, models
import django.utils.timezone

from pemilih.store import chain
from pemilih.store.migrations._vendor import VendorRunSQL

SQLITE_UPDATE_GUARD = ("CREATE TRIGGER store_event_no_update BEFORE UPDATE ON store_event "
                       "BEGIN SELECT RAISE(ABORT, 'store_event: hanya boleh ditambah, UPDATE ditolak'); END")
PG_GUARD = ("CREATE TRIGGER store_event_append_only BEFORE UPDATE OR DELETE ON store_event "
            "FOR EACH ROW EXECUTE FUNCTION store_refuse_change()")


def fill_chain(apps, schema_editor):
    Event = apps.get_model("store", "Event")
    links, previous = [], chain.GENESIS
    for row in Event.objects.order_by("seq").values(*chain.FIELDS).iterator(chunk_size=200):
        current = chain.digest(previous, row)
        links.append((previous, current, row["seq"]))
        previous = current
    if not links:
        return
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS store_event_no_update")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS store_event_append_only ON store_event")
        cursor.executemany("UPDATE store_event SET prev_hash = %s, hash = %s WHERE seq = %s", links)
        cursor.execute(SQLITE_UPDATE_GUARD if vendor == "sqlite" else PG_GUARD)


def _guards(table: str) -> dict:
    sqlite = [f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
              f"BEGIN SELECT RAISE(ABORT, '{table}: hanya boleh ditambah, {op} ditolak'); END"
              for op in ("UPDATE", "DELETE")]
    postgres = [f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION store_refuse_change()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION store_refuse_change()"]
    return {"sqlite": sqlite, "postgresql": postgres}


def _unguards(table: str) -> dict:
    return {"sqlite": [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")],
            "postgresql": [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                           f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]}


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0007_election_schedule'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='event',
            name='hash',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.RunPython(fill_chain, migrations.RunPython.noop),
        migrations.CreateModel(
            name='AccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                ('actor', models.CharField(db_index=True, max_length=200)),
                ('agency', models.CharField(blank=True, max_length=16)),
                ('channel', models.CharField(max_length=8)),
                ('action', models.CharField(max_length=60)),
                ('scope', models.JSONField(blank=True, default=dict)),
                ('rows', models.BigIntegerField(blank=True, null=True)),
                ('agreement', models.CharField(blank=True, max_length=120)),
            ],
            options={
                'abstract': False,
            },
        ),
        VendorRunSQL(forwards=_guards("store_accesslog"), backwards=_unguards("store_accesslog")),
    ]
