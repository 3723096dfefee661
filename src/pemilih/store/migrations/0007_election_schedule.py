"""An election's schedule (issue 12): the DPS's announcement period and response deadline and
the DPT's day, beside the DPS day and the voting day it had. Nullable columns without
defaults: SQLite adds them with ALTER TABLE ADD COLUMN, so the append-only triggers of the
table stay in place; an election made before has none (its regime's defaults apply)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0006_election_settings'),
    ]

    operations = [
        migrations.AddField(
            model_name='election',
            name='announce_until',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='election',
            name='responses_until',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='election',
            name='dpt_set_on',
            field=models.DateField(blank=True, null=True),
        ),
    ]
