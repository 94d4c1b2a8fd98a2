"""Load a province's villages (thôn, bản, khu, tổ dân phố) and their ĐBKK status from a
workbook (columns in docs/villages.md), for the operator at the shell; the admin's upload does
the same through the same functions (communes.villages). Safe to run again: a second run changes
nothing, and a village missing from the file is left as it is.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communes.villages import VillagesRefused, plan_villages, read_villages, villages_apply
from ntm.lib.workbook import WorkbookError


class Command(BaseCommand):
    help = "Nạp danh sách thôn (và thôn ĐBKK) của tỉnh từ tệp Excel .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Tệp .xlsx (cột: xem docs/villages.md).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ kiểm tra và cho biết sẽ thay đổi gì; không ghi gì.",
        )

    def handle(self, *args, **options):
        path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        try:
            upload = read_villages(path)
        except WorkbookError as exc:
            raise CommandError(exc.message) from exc
        try:
            plan = plan_villages(upload) if options["dry_run"] else villages_apply(upload)
        except VillagesRefused as exc:
            plan = exc.plan
        if plan.errors:
            for e in plan.errors:
                self.stderr.write(f"Dòng {e.row} {e.column}: {e.message}")
            raise CommandError(f"Tệp có {len(plan.errors)} lỗi: không ghi gì.")
        counts = plan.counts()
        verb = "Sẽ thêm" if options["dry_run"] else "Đã thêm"
        self.stdout.write(
            f"{verb} {counts['create']} thôn, cập nhật {counts['update']}, "
            f"giữ nguyên {counts['unchanged']}."
        )
