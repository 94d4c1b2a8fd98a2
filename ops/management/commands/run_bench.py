"""`make bench`: time the pages and writes that must stay fast at national scale, against the
database of DATABASE_URL (PostgreSQL in the documented run), loading the synthetic national
dataset first when it is absent. Prints a table and writes bench/results.json.

Not a test: run it on a benchmark database, never on production (it reopens, saves and
re-approves one demo assessment, and adds the synthetic country when missing)."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from communes.models import Commune
from criteria.models import Assessment
from demo.national import NationalSeedError, seed_national, synthetic_provinces
from ops.bench import RESULTS_FILE, format_table, run_bench, to_json


class Command(BaseCommand):
    help = (
        "Đo thời gian các trang và thao tác chính trên CSDL của DATABASE_URL (nạp quốc gia mẫu "
        "nếu chưa có), in bảng trung vị / phân vị 95 / số truy vấn / bộ nhớ và ghi "
        "bench/results.json. Chỉ chạy trên CSDL thử nghiệm."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(RESULTS_FILE), help="Tệp JSON kết quả (bench/results.json)."
        )

    def handle(self, *args, **options):
        if not Assessment.objects.filter(commune__province__code="20").exists():
            raise CommandError(
                "Chưa có tỉnh minh họa Lạng Sơn: chạy `manage.py seed_demo --force` trước."
            )
        if synthetic_provinces().count() == 0:
            self.stdout.write("Chưa có quốc gia mẫu: đang nạp (seed_national)…")
        try:
            report = seed_national()
        except NationalSeedError as exc:
            raise CommandError(str(exc)) from exc
        if not report.skipped:
            self.stdout.write(f"Đã nạp {report.rows} dòng trong {report.seconds:.0f} s.")

        communes = Commune.objects.in_programme().count()
        self.stdout.write(
            f"{connection.vendor} {connection.settings_dict['NAME']}: {communes} xã thuộc "
            f"chương trình, {Assessment.objects.count()} đánh giá. DEBUG tắt khi đo."
        )

        def progress(result):
            shown = f"{result.median_ms:.1f} ms" if result.median_ms is not None else result.status
            self.stdout.write(f"  {result.name}: {shown}")

        results, ratios = run_bench(on_result=progress)
        self.stdout.write("")
        self.stdout.write(format_table(results, ratios))
        meta = {
            "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "programme_communes": communes,
            "peak_mb": "tracemalloc peak of one run (Python allocations only)",
            "maxrss_mb": "the process's max resident set size after the case",
        }
        output = options["output"]
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_json(results, ratios, meta), encoding="utf-8")
        self.stdout.write(f"Kết quả: {path}")
