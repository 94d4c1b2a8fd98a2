"""Load the national criteria catalogues: the commune sets of 2011-2015, 2016-2020, 2021-2025
and 2026-2030, the 2026-2030 pilot set of modern communes, and each period's dates and poverty
standard (criteria/data/periods.yaml).

The catalogues are the project's YAML files in criteria/data/, taken from the domain reference.
Safe to run again: rows are updated in place, thresholds an admin edited and criteria or
indicators an admin added are kept.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.catalogue import load_catalogues


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí quốc gia về xã nông thôn mới (2011-2015 đến 2026-2030)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", type=Path, help="Tệp YAML (mặc định: các bộ tiêu chí có sẵn)."
        )

    def handle(self, *args, **options):
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}")
        for name, report in load_catalogues(options["files"] or None).items():
            self.stdout.write(f"{name}: {report.counts}")
