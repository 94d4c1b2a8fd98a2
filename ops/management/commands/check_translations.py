"""`manage.py check_translations`: fail when a .po has untranslated or fuzzy entries, a
placeholder differs from its msgid, the compiled .mo does not match the .po, or the English .po
and the strings marked in the code differ (`make lint`). `--update` is `make messages`:
extract the strings into the .po and compile it, then check."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from ops.translations import MAKEMESSAGES, check_locale_dir, check_sources


class Command(BaseCommand):
    help = (
        "Kiểm tra bản dịch: không còn mục chưa dịch hoặc fuzzy, tệp .mo khớp với .po, tệp .po "
        "tiếng Anh khớp với các chuỗi cần dịch trong mã nguồn. --update: trích xuất và biên dịch "
        "trước khi kiểm tra (make messages)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Trích xuất chuỗi vào tệp .po và biên dịch .mo trước khi kiểm tra.",
        )

    def handle(self, *args, **options):
        if options["update"]:
            call_command("makemessages", verbosity=options["verbosity"], **MAKEMESSAGES)
            call_command(
                "compilemessages",
                verbosity=options["verbosity"],
                ignore_patterns=MAKEMESSAGES["ignore_patterns"],
            )
        po_files, problems = [], []
        for locale_dir in settings.LOCALE_PATHS:
            found, found_problems = check_locale_dir(Path(locale_dir))
            po_files += found
            problems += found_problems
        if not po_files:
            raise CommandError("Không tìm thấy tệp .po nào trong LOCALE_PATHS.")
        problems += check_sources()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} lỗi bản dịch.")
        self.stdout.write(f"Bản dịch đầy đủ: {len(po_files)} tệp .po, .mo khớp.")
