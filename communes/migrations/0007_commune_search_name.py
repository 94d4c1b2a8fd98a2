from django.db import migrations, models

from ntm.lib.text import fold


def fill_search_name(apps, schema_editor):
    """Existing units get the folded name the writers now store; no other column changes."""
    Commune = apps.get_model("communes", "Commune")
    batch = []
    for unit in Commune.objects.only("pk", "name").iterator(chunk_size=2000):
        unit.search_name = fold(unit.name)
        batch.append(unit)
        if len(batch) == 2000:
            Commune.objects.bulk_update(batch, ["search_name"])
            batch = []
    Commune.objects.bulk_update(batch, ["search_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0006_data_versions"),
    ]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="search_name",
            field=models.CharField(
                blank=True, editable=False, max_length=100, verbose_name="tên không dấu"
            ),
        ),
        migrations.RunPython(fill_search_name, migrations.RunPython.noop),
    ]
