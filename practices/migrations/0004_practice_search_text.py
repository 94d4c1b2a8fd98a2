from django.db import migrations, models

from ntm.lib.text import fold

SEARCHED = ("title", "summary", "results", "partners", "contact")


def fill_search_text(apps, schema_editor):
    """Existing practices get the folded text the writers now store; no other column changes."""
    Practice = apps.get_model("practices", "Practice")
    batch = []
    for practice in Practice.objects.only("pk", *SEARCHED).iterator(chunk_size=500):
        practice.search_text = fold(" ".join(getattr(practice, name) for name in SEARCHED))
        batch.append(practice)
    Practice.objects.bulk_update(batch, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("practices", "0003_attachment_display"),
    ]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="nội dung không dấu"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
