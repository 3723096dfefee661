"""Retention (store/retention.py): the append-only tables that hold personal data may be
UPDATEd, never DELETEd, by a transaction that holds a row of store_redactionpass (a retention
run blanking personal fields past an agreement's retention, recorded as an event). Everything
else stays refused as in 0002/0004/0005. The signing keys need no table (events and a file).
"""
from django.db import migrations, models
import django.utils.timezone

from pemilih.store.migrations._vendor import VendorRunSQL

REDACTABLE = ["store_sourcefile", "store_sourcerecord", "store_event", "store_proposal", "store_electionvoter"]


def _sqlite(when: str) -> list[str]:
    out = []
    for t in REDACTABLE:
        out.append(f"DROP TRIGGER IF EXISTS {t}_no_update")
        out.append(f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} {when}"
                   f"BEGIN SELECT RAISE(ABORT, '{t}: hanya boleh ditambah, UPDATE ditolak'); END")
    return out


SQLITE_FORWARDS = _sqlite("WHEN NOT EXISTS (SELECT 1 FROM store_redactionpass) ")
SQLITE_BACKWARDS = _sqlite("")

PG_FORWARDS = ["""
CREATE OR REPLACE FUNCTION store_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME IN (""" + ", ".join(f"'{t}'" for t in REDACTABLE) + """)
       AND EXISTS (SELECT 1 FROM store_redactionpass) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '%: hanya boleh ditambah, % ditolak', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""]
PG_BACKWARDS = ["""
CREATE OR REPLACE FUNCTION store_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%: hanya boleh ditambah, % ditolak', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$
"""]


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0008_event_chain'),
    ]

    operations = [
        migrations.CreateModel(
            name='RedactionPass',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('started', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        VendorRunSQL(
            forwards={"sqlite": SQLITE_FORWARDS, "postgresql": PG_FORWARDS},
            backwards={"sqlite": SQLITE_BACKWARDS, "postgresql": PG_BACKWARDS},
        ),
    ]
