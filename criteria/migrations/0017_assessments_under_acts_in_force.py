"""Assessments judged before revisions were recorded (0015 left them on the set as first
loaded) are placed under the act that was in force in their year, when that act changes no
indicator and no level (an act recorded without its content, as 211/QĐ-TTg): what they show is
the same either way, and the reports keep naming the act they were judged under."""

import datetime

from django.db import migrations
from django.db.models import Q


def place(apps, schema_editor):
    Assessment = apps.get_model("criteria", "Assessment")
    Amendment = apps.get_model("criteria", "CriteriaSetAmendment")
    Indicator = apps.get_model("criteria", "Indicator")
    Threshold = apps.get_model("criteria", "Threshold")
    with_content = set()
    for model in (Indicator, Threshold):
        for field in ("added_in", "withdrawn_in"):
            with_content |= set(
                model.objects.exclude(**{f"{field}__isnull": True}).values_list(
                    f"{field}_id", flat=True
                )
            )
    pairs = (
        Assessment.objects.filter(revision__isnull=True)
        .values_list("criteria_set_id", "year")
        .distinct()
    )
    for set_id, year in pairs:
        act = (
            Amendment.objects.filter(criteria_set_id=set_id)
            .filter(
                Q(effective_from__isnull=True)
                | Q(effective_from__lte=datetime.date(year, 12, 31))
            )
            .order_by("-pk")
            .first()
        )
        if act is None or act.pk in with_content:
            continue
        Assessment.objects.filter(
            criteria_set_id=set_id, year=year, revision__isnull=True
        ).update(revision=act)


class Migration(migrations.Migration):
    dependencies = [("criteria", "0016_certification_transcribed")]

    operations = [migrations.RunPython(place, migrations.RunPython.noop)]
