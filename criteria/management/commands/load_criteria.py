"""Load the national criteria catalogues (2016-2020 and 2021-2025 commune sets).

The catalogues are the project's YAML files in criteria/data/, copied from the domain reference.
Safe to run again: rows are updated in place.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.catalogue import CATALOGUE_FILES, load_catalogue


class Command(BaseCommand):
    help = "Nạp bộ tiêu chí quốc gia về xã nông thôn mới (2016-2020, 2021-2025)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", type=Path, help="Tệp YAML (mặc định: các bộ tiêu chí có sẵn)."
        )

    def handle(self, *args, **options):
        for path in options["files"] or CATALOGUE_FILES:
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}")
            report = load_catalogue(path)
            self.stdout.write(f"{path.name}: {report.counts}")
