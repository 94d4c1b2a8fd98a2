"""The five fields of practice reported at Lạng Sơn's NTM conference of 31/05/2018 (issue 8)."""

from django.db import migrations

CATEGORIES = [
    (1, "Chỉ đạo, điều hành"),
    (2, "Phát triển kinh tế - hạ tầng"),
    (3, "Phát triển kinh tế và tổ chức sản xuất"),
    (4, "Xây dựng hệ thống chính trị"),
    (5, "Văn hóa - xã hội - môi trường"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("practices", "Category")
    for order, name in CATEGORIES:
        Category.objects.get_or_create(name=name, defaults={"order": order})


def unseed(apps, schema_editor):
    Category = apps.get_model("practices", "Category")
    Category.objects.filter(name__in=[name for _, name in CATEGORIES], practices=None).delete()


class Migration(migrations.Migration):
    dependencies = [("practices", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
