# The bare predecessor link becomes a view over the succession records; Commune.province is
# required; the dated hierarchy's rules go into the database.

import datetime

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0004_backfill_province_and_successions"),
    ]

    operations = [
        migrations.RemoveField(model_name="commune", name="predecessors"),
        migrations.AddField(
            model_name="commune",
            name="predecessors",
            field=models.ManyToManyField(
                blank=True,
                related_name="successors",
                through="communes.Succession",
                through_fields=("successor", "predecessor"),
                to="communes.commune",
                verbose_name="hình thành từ",
            ),
        ),
        migrations.AlterField(
            model_name="commune",
            name="province",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="communes",
                to="communes.province",
                verbose_name="tỉnh",
            ),
        ),
        migrations.AddConstraint(
            model_name="province",
            constraint=models.UniqueConstraint(
                condition=models.Q(("valid_to__isnull", True)),
                fields=("code",),
                name="province_code_unique_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="province",
            constraint=models.UniqueConstraint(
                fields=("code", "valid_from"), name="province_code_valid_from_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="province",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="province_validity_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="district",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_to__isnull", True),
                    ("valid_to__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="district_validity_ordered",
            ),
        ),
        migrations.AddConstraint(
            model_name="district",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_to__isnull", False), ("valid_to__lte", datetime.date(2025, 6, 30))
                ),
                name="district_ends_before_two_tiers",
            ),
        ),
        migrations.AddConstraint(
            model_name="commune",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("district__isnull", True),
                        ("valid_from__gte", datetime.date(2025, 7, 1)),
                    ),
                    models.Q(
                        ("district__isnull", False),
                        models.Q(
                            ("valid_from__isnull", True),
                            ("valid_from__lt", datetime.date(2025, 7, 1)),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="commune_district_only_before_two_tiers",
            ),
        ),
        migrations.AddConstraint(
            model_name="succession",
            constraint=models.UniqueConstraint(
                fields=("predecessor", "successor"), name="succession_unique_pair"
            ),
        ),
        migrations.AddConstraint(
            model_name="succession",
            constraint=models.CheckConstraint(
                condition=models.Q(("predecessor", models.F("successor")), _negated=True),
                name="succession_not_self",
            ),
        ),
    ]
