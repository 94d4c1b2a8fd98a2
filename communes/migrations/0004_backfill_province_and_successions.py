# Fill Commune.province from the district, and turn every bare predecessor link into a
# succession record, losing nothing: the links so far all come from the 2019 merger.

import datetime

from django.db import migrations

MERGER_2019_START = datetime.date(2020, 1, 1)
BASIS_2019 = "Nghị quyết 818/NQ-UBTVQH14 (21/11/2019)"


def forwards(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    Succession = apps.get_model("communes", "Succession")
    District = apps.get_model("communes", "District")
    for district in District.objects.all():
        Commune.objects.filter(district=district).update(province_id=district.province_id)
    through = Commune.predecessors.through
    rows = []
    for link in through.objects.select_related("from_commune", "to_commune"):
        successor = link.from_commune  # the M2M is declared on the successor
        effective_on = successor.valid_from or (
            link.to_commune.valid_to + datetime.timedelta(days=1)
            if link.to_commune.valid_to
            else MERGER_2019_START
        )
        rows.append(
            Succession(
                predecessor_id=link.to_commune_id,
                successor_id=link.from_commune_id,
                effective_on=effective_on,
                legal_basis=BASIS_2019 if effective_on == MERGER_2019_START else "",
            )
        )
    Succession.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    Commune = apps.get_model("communes", "Commune")
    Succession = apps.get_model("communes", "Succession")
    through = Commune.predecessors.through
    through.objects.bulk_create(
        through(from_commune_id=s.successor_id, to_commune_id=s.predecessor_id)
        for s in Succession.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0003_dated_hierarchy"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
