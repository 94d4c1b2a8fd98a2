"""Restore a backup made by backup_data: the database (its data is replaced) and the uploaded
files (written into the upload storage, STORAGES["default"])."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore, storage_place


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ tệp sao lưu (thay thế dữ liệu hiện có)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="Tệp do backup_data tạo ra.")
        parser.add_argument(
            "--yes", action="store_true", help="Không hỏi lại (dữ liệu hiện có sẽ bị thay thế)."
        )

    def handle(self, *args, **options):
        if not options["yes"]:
            raise CommandError(
                "Khôi phục sẽ thay thế toàn bộ dữ liệu hiện có: thêm --yes để xác nhận."
            )
        try:
            restored = restore(options["source"])
        except BackupError as exc:
            raise CommandError(f"Khôi phục thất bại: {exc}") from exc
        if restored.with_files:
            files = f"{restored.files:,} tệp tải lên vào {storage_place()}"
        else:
            files = "bản sao lưu cũ, chỉ có cơ sở dữ liệu, không có tệp tải lên"
        self.stdout.write(f"Đã khôi phục từ {options['source']} ({files}).")
