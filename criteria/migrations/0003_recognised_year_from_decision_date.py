"""Every certification recorded so far recognises the year of its decision: that is the year
whose approved assessment `certification_check` asked for (decision_date.year), so the figures
rest on the same assessment as before. History rows get the same value."""

from django.db import migrations
from django.db.models.functions import ExtractYear


def fill(apps, schema_editor):
    for name in ("Certification", "HistoricalCertification"):
        model = apps.get_model("criteria", name)
        model.objects.filter(recognised_year__isnull=True).update(
            recognised_year=ExtractYear("decision_date")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0002_periods_and_recognised_year"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
