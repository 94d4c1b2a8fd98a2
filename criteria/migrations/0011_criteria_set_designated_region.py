"""318/QĐ-TTg's rule for especially disadvantaged and safe-zone communes as data of the sets it
belongs to (ntm-reference §3, §15.1): the 2021-2025 standard and advanced sets name the
northern-mountain region, as load_criteria does from the catalogues. No figure changes: the
rule reads designations (communes.CommuneDesignation), of which none exist, and stored
results are only re-evaluated when an assessment is saved."""

import django.db.models.deletion
from django.db import migrations, models

RULE_SETS = ("xa-ntm-2021-2025", "xa-ntm-nang-cao-2021-2025")


def name_the_region(apps, schema_editor):
    region = apps.get_model("communes", "Region").objects.filter(code="TDMNPB").first()
    if region is not None:
        apps.get_model("criteria", "CriteriaSet").objects.filter(code__in=RULE_SETS).update(
            designated_region=region
        )


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0010_commune_designation"),
        ("criteria", "0010_modern_tier"),
    ]

    operations = [
        migrations.AddField(
            model_name="criteriaset",
            name="designated_region",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "Xã đặc biệt khó khăn, xã an toàn khu (thuộc huyện nghèo, huyện thoát "
                    "nghèo 2018–2020) được đánh giá theo mức của vùng này (Quyết định "
                    "318/QĐ-TTg)."
                ),
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="communes.region",
                verbose_name="vùng áp dụng cho xã ĐBKK, ATK",
            ),
        ),
        migrations.RunPython(name_the_region, migrations.RunPython.noop),
    ]
