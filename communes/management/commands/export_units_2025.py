"""Write a province's old→new table of 01/07/2025 as CSV, from `vietnam-provinces`.

This generated communes/data/langson-units-2025.csv, so that `make run` loads Lạng Sơn's
two-tier units without the GPL package:
    python manage.py export_units_2025 20 > communes/data/langson-units-2025.csv
"""

from django.core.management.base import BaseCommand, CommandError

from communes import services


class Command(BaseCommand):
    help = "Xuất bảng chuyển đổi đơn vị cấp xã cũ → mới (01/07/2025) của một tỉnh ra CSV."

    def add_arguments(self, parser):
        parser.add_argument("province", help="Mã tỉnh hiện nay (ví dụ 20 cho Lạng Sơn).")

    def handle(self, *args, **options):
        try:
            services.write_units_2025_csv(options["province"], self.stdout)
        except ImportError as exc:
            raise CommandError(
                "Cần cài gói tùy chọn: pip install 'vietnam-provinces>=2026.9' (GPL-3.0-or-later)."
            ) from exc
        except (KeyError, ValueError) as exc:
            raise CommandError(f"Mã tỉnh không hợp lệ: {options['province']}") from exc
