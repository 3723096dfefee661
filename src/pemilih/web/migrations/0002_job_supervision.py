from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("web", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="pid",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="job",
            name="files_expired",
            field=models.DateTimeField(null=True),
        ),
    ]
