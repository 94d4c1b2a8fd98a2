"""Back up every table of the configured database to one file (pg_dump or SQLite backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu ra một tệp (PostgreSQL: pg_dump; SQLite: bản sao)."

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help="Tệp sao lưu (ví dụ ntm-2026-11-29.dump).")

    def handle(self, *args, **options):
        try:
            path = backup(options["output"])
        except BackupError as exc:
            raise CommandError(f"Sao lưu thất bại: {exc}") from exc
        self.stdout.write(f"Đã sao lưu vào {path} ({path.stat().st_size:,} byte).")
