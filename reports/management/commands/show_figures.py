"""Print the headline figures of a province or district for a year (used by backup checks)."""

from django.core.management.base import BaseCommand

from communes.models import Commune
from reports.figures import headline


class Command(BaseCommand):
    help = "In số liệu chính (xã đạt chuẩn, bình quân tiêu chí) của một tỉnh hoặc huyện."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="Năm báo cáo.")
        parser.add_argument("--province", help="Mã tỉnh (ví dụ 20).")
        parser.add_argument("--district", help="Mã huyện (ví dụ 187).")

    def handle(self, *args, **options):
        communes = Commune.objects.all()
        if options["district"]:
            communes = communes.filter(district__code=options["district"])
        elif options["province"]:
            communes = communes.filter(province__code=options["province"])
        h = headline(options["year"], communes=communes)
        self.stdout.write(
            f"{h.year}: {h.certified}/{h.communes} xã đạt chuẩn; bình quân {h.average} "
            "tiêu chí/xã; "
            f"tổng {h.criteria_total}; chuyển từ năm trước {h.carried_forward}; "
            f"chưa đánh giá {h.not_assessed}"
        )
