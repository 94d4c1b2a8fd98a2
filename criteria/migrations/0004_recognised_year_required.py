from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("criteria", "0003_recognised_year_from_decision_date"),
    ]

    operations = [
        migrations.AlterField(
            model_name="certification",
            name="recognised_year",
            field=models.PositiveSmallIntegerField(verbose_name="năm được công nhận"),
        ),
        migrations.AlterField(
            model_name="historicalcertification",
            name="recognised_year",
            field=models.PositiveSmallIntegerField(verbose_name="năm được công nhận"),
        ),
    ]
