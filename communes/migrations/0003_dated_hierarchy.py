# Dated provinces and districts, Commune.province, nullable district, succession records.
# Schema first (everything nullable); 0004 fills the new columns; 0005 tightens.

import datetime

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0002_district_kind_label"),
    ]

    operations = [
        migrations.AlterField(
            model_name="province",
            name="code",
            field=models.CharField(db_index=True, max_length=2, verbose_name="mã tỉnh"),
        ),
        migrations.AddField(
            model_name="province",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="hiệu lực từ"),
        ),
        migrations.AddField(
            model_name="province",
            name="valid_to",
            field=models.DateField(blank=True, null=True, verbose_name="hiệu lực đến"),
        ),
        migrations.AddField(
            model_name="province",
            name="formed_from",
            field=models.ManyToManyField(
                blank=True,
                related_name="merged_into",
                to="communes.province",
                verbose_name="hình thành từ",
            ),
        ),
        migrations.AlterModelOptions(
            name="province",
            options={
                "ordering": ["code", "valid_from"],
                "verbose_name": "tỉnh",
                "verbose_name_plural": "tỉnh",
            },
        ),
        migrations.AddField(
            model_name="district",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="hiệu lực từ"),
        ),
        # The default fills every existing district: the district tier ended on 30/06/2025.
        migrations.AddField(
            model_name="district",
            name="valid_to",
            field=models.DateField(
                blank=True,
                default=datetime.date(2025, 6, 30),
                null=True,
                verbose_name="hiệu lực đến",
            ),
        ),
        migrations.AddField(
            model_name="commune",
            name="province",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="communes",
                to="communes.province",
                verbose_name="tỉnh",
            ),
        ),
        migrations.AlterField(
            model_name="commune",
            name="district",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="communes",
                to="communes.district",
                verbose_name="huyện",
            ),
        ),
        migrations.AlterField(
            model_name="commune",
            name="kind",
            field=models.CharField(
                choices=[
                    ("xa", "Xã"),
                    ("phuong", "Phường"),
                    ("thi_tran", "Thị trấn"),
                    ("dac_khu", "Đặc khu"),
                ],
                max_length=16,
                verbose_name="loại",
            ),
        ),
        migrations.CreateModel(
            name="Succession",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("effective_on", models.DateField(verbose_name="ngày có hiệu lực")),
                (
                    "legal_basis",
                    models.CharField(blank=True, max_length=200, verbose_name="căn cứ pháp lý"),
                ),
                (
                    "is_partial",
                    models.BooleanField(
                        default=False,
                        help_text="Đơn vị cũ chỉ chuyển một phần diện tích, dân số sang đơn vị mới.",
                        verbose_name="chuyển một phần",
                    ),
                ),
                (
                    "predecessor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="successor_links",
                        to="communes.commune",
                        verbose_name="đơn vị cũ",
                    ),
                ),
                (
                    "successor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="predecessor_links",
                        to="communes.commune",
                        verbose_name="đơn vị mới",
                    ),
                ),
            ],
            options={
                "verbose_name": "kế thừa đơn vị hành chính",
                "verbose_name_plural": "kế thừa đơn vị hành chính",
                "ordering": ["effective_on", "successor__code", "predecessor__code"],
            },
        ),
    ]
