"""Import assessments from a workbook at the shell: for a province's backlog of spreadsheets,
or files too large for the browser. The same service and the same report as the upload page;
nothing is written when any row has an error (exit code 1)."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports.services import import_assessments


class Command(BaseCommand):
    help = "Import assessments from an .xlsx file in the import format (all rows or none)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the .xlsx workbook.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and print the report without writing anything.",
        )
        parser.add_argument(
            "--update-approved",
            action="store_true",
            help="Also update assessments that are already approved (left alone otherwise).",
        )
        parser.add_argument(
            "--allow-lowering",
            action="store_true",
            help="Also write rows that lower the criteria met of an approved assessment or of "
            "a certified commune (listed in the report; refused otherwise).",
        )
        parser.add_argument(
            "--user",
            help="Import as this user (their scope and name in the history); "
            "without it, the operator may import any province.",
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"Không có người dùng {options['user']!r}.") from None
        report = import_assessments(
            file=options["file"],
            user=user,
            update_approved=options["update_approved"],
            allow_lowering=options["allow_lowering"],
            dry_run=options["dry_run"],
            progress=self._progress if options["verbosity"] >= 1 else None,
        )
        self._end_progress()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"({report.seconds:.1f} s)")
        if not report.ok:
            raise CommandError("Không ghi dữ liệu nào: tệp có lỗi.", returncode=1)
        if report.refused:
            raise CommandError("Không ghi dữ liệu nào (--allow-lowering để ghi).", returncode=1)
        if report.applied:
            self.stdout.write(self.style.SUCCESS("Đã ghi dữ liệu."))
        else:
            self.stdout.write("Chạy thử (--dry-run): chưa ghi dữ liệu nào.")

    _shown = False

    def _progress(self, done: int, total: int) -> None:
        width = 40
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        stream = self.stderr if sys.stderr.isatty() else None
        if stream is not None:
            stream.write(f"\r[{bar}] {done}/{total}", ending="")
            stream.flush()
            self._shown = True

    def _end_progress(self) -> None:
        if self._shown:
            self.stderr.write("")
