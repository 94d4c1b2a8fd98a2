"""Back up every table of the configured database (pg_dump or SQLite backup) and every uploaded
file (the upload storage, STORAGES["default"]: a directory or a bucket) to one tar archive,
which restore_data puts back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ dữ liệu và tệp tải lên ra một tệp tar "
        "(PostgreSQL: pg_dump; SQLite: bản sao; tệp: kho tệp tải lên, thư mục hoặc S3)."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="Tệp sao lưu (ví dụ ntm-2026-11-29.dump).")

    def handle(self, *args, **options):
        try:
            path = backup(options["output"])
        except BackupError as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}") from exc
        self.stdout.write(f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte).")
