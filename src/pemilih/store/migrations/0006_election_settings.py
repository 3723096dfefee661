"""The settings an election and each of its lists were made with: the ballot reserve on the
election; the code table, TPS cap and reserve on every list set (issue 11: a list set from the
command line kept no reserve). Nullable columns without defaults: SQLite adds them with ALTER
TABLE ADD COLUMN, so the append-only triggers of these tables stay in place."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('store', '0005_village_cycle'),
    ]

    operations = [
        migrations.AddField(
            model_name='election',
            name='reserve_percent',
            field=models.CharField(blank=True, max_length=12, null=True),
        ),
        migrations.AddField(
            model_name='electionlist',
            name='max_per_tps',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='electionlist',
            name='regime',
            field=models.CharField(blank=True, max_length=20, null=True),
        ),
        migrations.AddField(
            model_name='electionlist',
            name='reserve_percent',
            field=models.CharField(blank=True, max_length=12, null=True),
        ),
    ]
