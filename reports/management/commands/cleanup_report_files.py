"""Delete rendered report files not rendered again for a while and finished task rows, so the
report storage and the task table stay bounded (N5). The worker runs the same cleanup once a
day by itself (reports.tasks.schedule_cleanup); this command runs it at once, or shows what it
would delete."""

from django.core.management.base import BaseCommand, CommandError

from ntm.lib import reportfiles


class Command(BaseCommand):
    help = "Xoá tệp báo cáo đã tạo lâu ngày và các tác vụ nền đã xong."

    def add_arguments(self, parser):
        parser.add_argument(
            "--files-days",
            type=int,
            default=reportfiles.KEEP_FILES_DAYS,
            help="Xoá tệp được tạo cách đây hơn số ngày này (mặc định %(default)s).",
        )
        parser.add_argument(
            "--tasks-days",
            type=int,
            default=reportfiles.KEEP_TASKS_DAYS,
            help="Xoá tác vụ nền đã xong cách đây hơn số ngày này (mặc định %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in những gì sẽ xoá, không xoá."
        )

    def handle(self, *args, files_days, tasks_days, dry_run, **options):
        if files_days < 0 or tasks_days < 0:
            raise CommandError("Số ngày không được âm.")
        files, tasks = reportfiles.remove_old(
            files_days=files_days, tasks_days=tasks_days, dry_run=dry_run
        )
        verb = "Sẽ xoá" if dry_run else "Đã xoá"
        self.stdout.write(f"{verb} {len(files)} tệp báo cáo và {tasks} tác vụ nền đã xong.")
