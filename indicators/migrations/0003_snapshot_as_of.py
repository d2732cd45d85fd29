"""Snapshots keep the last day their figures use (`as_of`): a running period is computed to date."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    # Snapshots before this change were computed over the whole period.
    Snapshot = apps.get_model("indicators", "IndicatorSnapshot")
    Snapshot.objects.update(as_of=models.F("period_last"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="indicatorsnapshot",
            name="as_of",
            field=models.DateField(null=True, verbose_name="as of"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="indicatorsnapshot",
            name="as_of",
            field=models.DateField(verbose_name="as of"),
        ),
        migrations.AddConstraint(
            model_name="indicatorsnapshot",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("as_of__gte", models.F("period_first")),
                    ("as_of__lte", models.F("period_last")),
                ),
                name="snapshot_as_of_in_period",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicatorsnapshot",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("as_of", models.F("period_last")), _connector="OR"),
                name="snapshot_published_period_ended",
            ),
        ),
    ]
