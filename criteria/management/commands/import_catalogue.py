"""Load a catalogue workbook (criteria.catalogue_workbook) into its criteria set: the same plan
as the admin's upload page, printed; `--dry-run` writes nothing. All or nothing: any error
refuses the whole file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.catalogue_import import CatalogueRefused, catalogue_apply, plan_catalogue, plan_lines
from criteria.catalogue_workbook import read_catalogue
from ntm.lib.workbook import WorkbookError


class Command(BaseCommand):
    help = "Nhập chỉ tiêu và mức của một bộ tiêu chí từ tệp Excel (tất cả hoặc không gì cả)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp .xlsx xuất bởi export_catalogue.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in những gì sẽ thay đổi, không ghi."
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        try:
            upload = read_catalogue(path)
        except WorkbookError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from exc
        if options["dry_run"]:
            plan = plan_catalogue(upload)
        else:
            try:
                plan = catalogue_apply(upload)
            except CatalogueRefused as exc:
                plan = exc.plan
        for line in plan_lines(plan):
            self.stdout.write(line)
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} lỗi: không ghi gì.")
        if options["dry_run"]:
            self.stdout.write("Chạy thử: không ghi gì.")
        elif plan.revision is not None:
            self.stdout.write(f"Đã ghi theo lần sửa đổi: {plan.revision.citation}")
        else:
            self.stdout.write("Không có gì thay đổi.")
