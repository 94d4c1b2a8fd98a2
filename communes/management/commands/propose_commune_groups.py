"""List the 2026-2030 commune group each unit's area class proposes (xã khu vực II and III:
nhóm 3, 51/2025/QĐ-TTg) beside the group it has, for a person to confirm in the admin. It
writes nothing: a group is set only by someone who means to (rule 1)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from communes.models import Commune, CommuneDesignation, CommuneGroupAssignment, Province


class Command(BaseCommand):
    help = "Đề xuất nhóm xã 2026–2030 theo phân định khu vực (chỉ in ra, không ghi gì)."

    def add_arguments(self, parser):
        parser.add_argument("province", help="Mã tỉnh, ví dụ 20.")
        parser.add_argument(
            "--on",
            type=datetime.date.fromisoformat,
            required=True,
            help="Ngày xét phân định khu vực (YYYY-MM-DD); năm của ngày là năm của nhóm.",
        )

    def handle(self, *args, **options):
        day = options["on"]
        province = Province.objects.with_code(options["province"], day).first()
        if province is None:
            raise CommandError(f"Không có tỉnh mã {options['province']} vào ngày {day}.")
        communes = list(Commune.objects.of_area(on=day, province=province).in_programme())
        proposed = CommuneDesignation.objects.proposed_groups(communes, day)
        current = CommuneGroupAssignment.objects.groups_in_year(
            communes, day.year, field="group__code"
        )
        for c in communes:
            if c.pk in proposed and proposed[c.pk] != current.get(c.pk):
                self.stdout.write(
                    f"{c.code}\t{c.name}\tđề xuất {proposed[c.pk]}\t"
                    f"hiện tại {current.get(c.pk) or '—'}"
                )
        self.stdout.write(
            f"{len(proposed)} xã có đề xuất; không ghi gì (nhóm xã đặt trong trang quản trị)."
        )
