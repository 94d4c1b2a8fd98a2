"""Load a SYNTHETIC country (invented provinces "Tỉnh Mẫu 01".."63", letter codes) so that the
app and `make bench` can be tried at national scale: ~8,200 programme communes, ~700 districts,
ten years of approved assessments with indicator values, and certifications.

A thin shell over `demo.national.seed_national`; skips when the synthetic country exists.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from demo.national import (
    DEFAULT_COMMUNES,
    DEFAULT_YEARS,
    SEED,
    NationalReport,
    NationalSeedError,
    seed_national,
)
from ntm.lib.years import YEAR_MAX, YEAR_MIN


def parse_years(raw: str) -> tuple[int, int]:
    first, sep, last = raw.partition("-")
    try:
        years = (int(first), int(last or first))
    except ValueError:
        raise CommandError(f"--years phải có dạng 2016-2025 (nhận {raw!r}).") from None
    if not YEAR_MIN <= years[0] <= years[1] <= YEAR_MAX:
        raise CommandError(f"--years không hợp lệ: {raw!r}.")
    return years


class Command(BaseCommand):
    help = (
        "Tạo một quốc gia MẪU (dữ liệu tổng hợp, không phải số liệu thật): 63 tỉnh "
        "“Tỉnh Mẫu 01..63” mã chữ (A0..G2), khoảng 700 huyện, N xã với đánh giá đã phê duyệt "
        "và quyết định công nhận, rồi các đơn vị từ 01/07/2025 với đánh giá năm 2026, để thử "
        "tải và chạy make bench. Bỏ qua nếu đã có."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--communes",
            type=int,
            default=DEFAULT_COMMUNES,
            help=f"Số xã thuộc chương trình (mặc định {DEFAULT_COMMUNES}).",
        )
        parser.add_argument(
            "--years",
            default=f"{DEFAULT_YEARS[0]}-{DEFAULT_YEARS[1]}",
            help="Các năm có đánh giá, dạng ĐẦU-CUỐI (mặc định 2016-2025).",
        )
        parser.add_argument(
            "--seed", type=int, default=SEED, help=f"Hạt giống ngẫu nhiên (mặc định {SEED})."
        )
        parser.add_argument(
            "--no-reform",
            action="store_true",
            help=(
                "Không chuyển sang đơn vị hành chính từ 01/07/2025 (34 tỉnh, khoảng 3.321 xã "
                "không còn huyện) và không tạo đánh giá năm 2026."
            ),
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Xóa quốc gia mẫu đã có (chỉ dữ liệu mẫu, mã chữ) rồi tạo lại.",
        )

    def handle(self, *args, **options):
        years = parse_years(options["years"])
        show_bar = options["verbosity"] >= 1
        try:
            report = seed_national(
                communes=options["communes"],
                years=years,
                seed=options["seed"],
                replace=options["replace"],
                reform=not options["no_reform"],
                progress=self._bar if show_bar else None,
            )
        except NationalSeedError as exc:
            raise CommandError(str(exc)) from exc
        if report.reform:
            r = report.reform
            self.stdout.write(
                f"Từ 01/07/2025: {r.units} đơn vị cấp xã ({r.successions} đơn vị cũ kế thừa), "
                f"{r.provinces_ended} tỉnh kết thúc; năm 2026: {r.groups} xã có nhóm, "
                f"{r.assessments} đánh giá, {r.certifications} quyết định công nhận."
            )
        if report.skipped:
            self.stdout.write("Quốc gia mẫu đã có: bỏ qua (dùng --replace để tạo lại).")
            return
        rate = report.rows / report.seconds if report.seconds else 0
        self.stdout.write(
            f"Quốc gia mẫu: {report.provinces} tỉnh, {report.districts} huyện, "
            f"{report.communes} xã, {report.assessments} đánh giá, "
            f"{report.indicator_values} giá trị chỉ tiêu, {report.criterion_results} kết quả "
            f"tiêu chí, {report.certifications} quyết định công nhận; {report.rows} dòng trong "
            f"{report.seconds:.1f} s ({rate:,.0f} dòng/s)."
            + (" Đã xóa quốc gia mẫu cũ." if report.deleted else "")
        )

    def _bar(self, done: int, total: int, report: NationalReport) -> None:
        width = 30
        filled = width * done // total
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} tỉnh, "
            f"{report.assessments} đánh giá, {report.rows} dòng"
        )
        # Redraw in place on a terminal; one line per province in a log.
        end = "\r" if sys.stdout.isatty() and done < total else "\n"
        self.stdout.write(line, ending=end)
        self.stdout.flush()
