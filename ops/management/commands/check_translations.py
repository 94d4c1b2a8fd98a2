"""`manage.py check_translations`: fail when a .po has untranslated or fuzzy entries, a
placeholder differs from its msgid, or the compiled .mo does not match the .po (`make lint`)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.translations import check_locale_dir


class Command(BaseCommand):
    help = "Kiểm tra bản dịch: không còn mục chưa dịch hoặc fuzzy, tệp .mo khớp với .po."

    def handle(self, *args, **options):
        po_files, problems = [], []
        for locale_dir in settings.LOCALE_PATHS:
            found, found_problems = check_locale_dir(Path(locale_dir))
            po_files += found
            problems += found_problems
        if not po_files:
            raise CommandError("Không tìm thấy tệp .po nào trong LOCALE_PATHS.")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} lỗi bản dịch.")
        self.stdout.write(f"Bản dịch đầy đủ: {len(po_files)} tệp .po, .mo khớp.")
