"""Load administrative units from authoritative data.

Without options: Lạng Sơn as in the GSO list of 2017, with the 2019 merger recorded as dated
validity. With --all: also the whole country as of 2025-01-04 from `vietnam-provinces`
(GPL-3.0-or-later, an optional dependency used only here). Safe to run again.
"""

from django.core.management.base import BaseCommand, CommandError

from communes import services


class Command(BaseCommand):
    help = "Nạp đơn vị hành chính (Lạng Sơn 2017; --all: cả nước theo danh mục 04/01/2025)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Cũng nạp 63 tỉnh, 696 huyện, 10.051 xã (gói vietnam-provinces, GPL-3.0+).",
        )

    def handle(self, *args, **options):
        reports = [services.load_langson_2017()]
        if options["all"]:
            try:
                reports.append(services.load_national_legacy())
            except ImportError as exc:
                raise CommandError(
                    "Cần cài gói tùy chọn: pip install 'vietnam-provinces>=2026.9' "
                    "(GPL-3.0-or-later)."
                ) from exc
        for report in reports:
            for line in report.messages:
                self.stdout.write(line)
            self.stdout.write(f"tạo mới: {report.created}; đã có (cập nhật): {report.updated}")
