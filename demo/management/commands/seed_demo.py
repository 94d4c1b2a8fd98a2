"""Load the demo province so that a newcomer gets a realistic app with `make run`.

Loads the criteria catalogue and Lạng Sơn's units when missing, then approved assessments of all
207 programme communes for 2016-2018, certification decisions and the demo accounts. Refuses to
run with DEBUG off unless --force: its accounts share a published password.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.services import PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Nạp tỉnh minh họa Lạng Sơn (2016-2018) và các tài khoản demo."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Chạy cả khi DJANGO_DEBUG tắt (không khuyến nghị)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DJANGO_DEBUG đang tắt: seed_demo tạo tài khoản có mật khẩu công khai. "
                "Dùng --force nếu thật sự muốn."
            )
        report = seed_demo()
        self.stdout.write(
            f"Đánh giá: tạo {report.assessments_created}, giữ nguyên {report.assessments_kept}; "
            f"quyết định công nhận: tạo {report.certifications_created}."
        )
        if report.users_created:
            self.stdout.write(
                f"Tài khoản mới: {', '.join(report.users_created)} (mật khẩu {PASSWORD})."
            )
