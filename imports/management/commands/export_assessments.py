"""Export a province's assessments for a range of years in the import format: the starting
point for a bulk correction (export, edit, import again) and a plain backup of the figures."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.models import Province
from imports.writer import export_workbook


class Command(BaseCommand):
    help = "Export a province's assessments for a range of years to an .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("province", help="Province code (e.g. 20 for Lạng Sơn).")
        parser.add_argument("first", type=int, help="First year.")
        parser.add_argument("last", type=int, help="Last year.")
        parser.add_argument("-o", "--output", required=True, help="Path of the .xlsx to write.")

    def handle(self, *args, **options):
        try:
            province = Province.objects.get(code=options["province"])
        except Province.DoesNotExist:
            raise CommandError(f"Không có tỉnh mã {options['province']!r}.") from None
        if options["first"] > options["last"]:
            raise CommandError("Năm đầu phải trước năm cuối.")
        content = export_workbook(province, options["first"], options["last"])
        Path(options["output"]).write_bytes(content)
        self.stdout.write(f"{options['output']}: {len(content)} bytes")
