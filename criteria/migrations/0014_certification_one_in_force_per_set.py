"""One unrevoked recognition of a tier per commune and criteria set (issue 24, N10).

Before this, a second certification of the same tier was accepted while the first was in
force. A database that holds such doubles is not changed here (no decision is deleted or
revoked behind its users' backs): the migration stops and lists them, for an administrator to
revoke (or delete) the ones recorded by mistake, and is then run again."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Q


def refuse_doubles(apps, schema_editor):
    Certification = apps.get_model("criteria", "Certification")
    doubles = (
        Certification.objects.using(schema_editor.connection.alias)
        .filter(revoked_on__isnull=True)
        .values("commune_id", "tier", "criteria_set_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    keys = Q(pk__in=[])
    for key in doubles:
        keys |= Q(
            commune_id=key["commune_id"], tier=key["tier"], criteria_set_id=key["criteria_set_id"]
        )
    rows = (
        Certification.objects.using(schema_editor.connection.alias)
        .filter(keys, revoked_on__isnull=True)
        .select_related("commune", "criteria_set")
        .order_by("commune__code", "tier", "criteria_set__code", "decision_date", "pk")
    )
    lines = [
        f"  id {c.pk}: {c.commune.code} {c.commune.name}, {c.tier}, {c.criteria_set.code}, "
        f"{c.decision_number} ({c.decision_date:%d/%m/%Y})"
        for c in rows
    ]
    if lines:
        raise RuntimeError(
            "Some communes hold more than one unrevoked certification of the same tier under "
            "the same criteria set; nothing was changed. Revoke (with a reason) or delete the "
            "ones recorded by mistake in the admin (Quyết định công nhận), then migrate again:\n"
            + "\n".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0011_data_version_per_year"),
        ("criteria", "0013_criteria_set_amendments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(refuse_doubles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="certification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("revoked_on__isnull", True)),
                fields=("commune", "tier", "criteria_set"),
                name="certification_one_in_force_per_set",
                violation_error_message=(
                    "Xã đã có quyết định công nhận hạng này theo bộ tiêu chí này còn hiệu lực."
                ),
            ),
        ),
    ]
