"""The reason for certifying with an incomplete dossier moves to the certification, which every
page that records a decision writes (the commune page and the admin too, not only the
dossier's). Each reason is copied as it was; none is lost or rewritten."""

from django.db import migrations


def to_certification(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    Certification = apps.get_model("criteria", "Certification")
    for dossier in Dossier.objects.exclude(incomplete_reason="").exclude(certification=None):
        Certification.objects.filter(pk=dossier.certification_id).update(
            dossier_reason=dossier.incomplete_reason
        )


def to_dossier(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    for dossier in Dossier.objects.exclude(certification=None).select_related("certification"):
        if dossier.certification.dossier_reason:
            dossier.incomplete_reason = dossier.certification.dossier_reason
            dossier.save(update_fields=["incomplete_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0009_certification_dossier_reason"),
        ("dossiers", "0002_dossier_file_indicator"),
    ]

    operations = [
        migrations.RunPython(to_certification, to_dossier),
        migrations.RemoveField(model_name="dossier", name="incomplete_reason"),
    ]
