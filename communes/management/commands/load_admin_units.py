"""Load administrative units from authoritative data.

Without options: Lạng Sơn through all its states (GSO list of 2017, the 2019 merger, the round
of 01/12/2024 and the two-tier units of 01/07/2025 with their lineage), from the files in
communes/data/. With --all: also the whole country (the three-tier units of 2025-01-04, then the
34 provinces and 3,321 units of 01/07/2025) from `vietnam-provinces` (GPL-3.0-or-later, an
optional dependency used only here). Safe to run again: a second run changes nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from communes import services


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính (Lạng Sơn 2017 → 01/07/2025; --all: cả nước, "
        "danh mục 04/01/2025 và 01/07/2025)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Cũng nạp cả nước: 63 tỉnh, 696 huyện, 10.051 xã (04/01/2025) và 34 tỉnh, "
            "3.321 xã, phường, đặc khu (01/07/2025); gói vietnam-provinces, GPL-3.0+.",
        )

    def handle(self, *args, **options):
        reports = [services.load_langson()]
        if options["all"]:
            try:
                reports.append(services.load_national())
            except ImportError as exc:
                raise CommandError(
                    "Cần cài gói tùy chọn: pip install 'vietnam-provinces>=2026.9' "
                    "(GPL-3.0-or-later)."
                ) from exc
        for report in reports:
            for line in report.messages:
                self.stdout.write(line)
            self.stdout.write(f"tạo mới: {report.created}; đã có (cập nhật): {report.updated}")
