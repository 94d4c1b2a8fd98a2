"""What the reports read from a criteria set becomes data of the set (issue 23): how many
missing criteria still count as "near the standard", and the revocation rule with its legal
basis and key criteria by number. Filled here exactly as the code had them, so no figure
changes: 4 for the commune sets of the periods up to 2021-2025 (the 19-criterion sets; the
2026-2030 set has no definition in the reference and stays empty), and the 18/2022/QĐ-TTg rule
(ntm-reference §7.5) for the 2021-2025 commune sets, its key criteria found once by the names
the code used. Earlier sets get no revocation rule: 18/2022 governs the 2021-2025 standard."""

import re

import django.core.validators
from django.db import migrations, models

NEAR_STANDARD_MISSING = 4
REVOCATION_BASIS = "Quyết định 18/2022/QĐ-TTg"
REVOCATION_KEY_NAMES = {
    name.casefold()
    for name in (
        "Thu nhập",
        "Môi trường và an toàn thực phẩm",
        "Môi trường",
        "Chất lượng môi trường sống",
        "Quốc phòng và An ninh",
    )
}


def fill_sets(apps, schema_editor):
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")
    CriteriaSet.objects.filter(level="commune", first_year__lte=2025).update(
        near_standard_missing=NEAR_STANDARD_MISSING
    )
    for criteria_set in CriteriaSet.objects.filter(
        level="commune", first_year__gte=2021, first_year__lte=2025
    ):
        numbers = [
            number
            for number, name in Criterion.objects.filter(criteria_set=criteria_set)
            .order_by("number")
            .values_list("number", "name_vi")
            if name.casefold() in REVOCATION_KEY_NAMES
        ]
        criteria_set.revocation_basis = REVOCATION_BASIS
        criteria_set.revocation_percent = 50
        criteria_set.revocation_key_percent = 30
        criteria_set.revocation_key_criteria = ",".join(str(n) for n in numbers)
        criteria_set.save(
            update_fields=[
                "revocation_basis",
                "revocation_percent",
                "revocation_key_percent",
                "revocation_key_criteria",
            ]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0011_criteria_set_designated_region"),
    ]

    operations = [
        migrations.AddField(
            model_name="criteriaset",
            name="near_standard_missing",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="Xã chưa được công nhận còn thiếu từ 1 đến số tiêu chí này được báo cáo là “gần đạt chuẩn”. Để trống: chưa xác nhận (báo cáo không lập danh sách).",
                null=True,
                verbose_name="gần đạt chuẩn: thiếu tối đa (tiêu chí)",
            ),
        ),
        migrations.AddField(
            model_name="criteriaset",
            name="revocation_basis",
            field=models.CharField(
                blank=True,
                help_text="Văn bản quy định ngưỡng thu hồi quyết định công nhận đối với bộ tiêu chí này, ví dụ Quyết định 18/2022/QĐ-TTg. Để trống: chưa xác nhận.",
                max_length=200,
                verbose_name="căn cứ thu hồi công nhận",
            ),
        ),
        migrations.AddField(
            model_name="criteriaset",
            name="revocation_key_criteria",
            field=models.CharField(
                blank=True,
                help_text="Số thứ tự tiêu chí trong bộ này, cách nhau bằng dấu phẩy, ví dụ 10,17,19.",
                max_length=100,
                validators=[
                    django.core.validators.RegexValidator(
                        re.compile("^\\d+(?:,\\d+)*\\Z"),
                        code="invalid",
                        message="Enter only digits separated by commas.",
                    )
                ],
                verbose_name="tiêu chí trọng yếu khi thu hồi (số thứ tự)",
            ),
        ),
        migrations.AddField(
            model_name="criteriaset",
            name="revocation_key_percent",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="hoặc từ (%) nếu có tiêu chí trọng yếu không đạt",
            ),
        ),
        migrations.AddField(
            model_name="criteriaset",
            name="revocation_percent",
            field=models.PositiveSmallIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(100)],
                verbose_name="thu hồi khi tỷ lệ tiêu chí không đạt từ (%)",
            ),
        ),
        migrations.RunPython(fill_sets, migrations.RunPython.noop),
    ]
