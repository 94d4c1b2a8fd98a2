"""Write a criteria set as the catalogue workbook (criteria.catalogue_workbook): the file a
province office fills in from a decision's text and loads back with `import_catalogue`, or
through the set's page in the admin."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.catalogue_workbook import catalogue_xlsx
from criteria.models import CriteriaSet


class Command(BaseCommand):
    help = "Xuất bộ tiêu chí (chỉ tiêu và mức hiện hành) ra tệp Excel để điền và nhập lại."

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã bộ tiêu chí, ví dụ xa-ntm-2026-2030.")
        parser.add_argument("file", type=Path, help="Tệp .xlsx sẽ ghi.")

    def handle(self, *args, **options):
        cset = CriteriaSet.objects.filter(code=options["code"]).first()
        if cset is None:
            raise CommandError(f"Không có bộ tiêu chí mã {options['code']}.")
        options["file"].write_bytes(catalogue_xlsx(cset))
        self.stdout.write(f"{cset.code}: {options['file']}")
