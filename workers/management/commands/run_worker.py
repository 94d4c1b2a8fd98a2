"""The background worker of the project: django-tasks-db's `db_worker` with a heartbeat and a
time budget (workers.heartbeat), so a worker that dies is noticed (/readyz, the download's
waiting page) and its task is run again by another worker. Run this one, not `db_worker`:
tasks left RUNNING by a worker that sends no heartbeat are taken for lost."""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from workers.heartbeat import Heartbeat, TimeBudget, heartbeat_interval


class Command(db_worker.Command):
    help = (
        "Chạy tiến trình nền (hàng đợi django-tasks-db) với nhịp báo sống và giới hạn thời gian "
        "mỗi tác vụ; không tự nạp lại mã khi sửa (--reload bị bỏ qua)."
    )

    def handle(self, *args, **options):
        # The heartbeat and the budget's alarm need the worker loop in the main thread, which
        # the autoreloader takes for itself.
        options["reload"] = False
        heartbeat = Heartbeat(options["worker_id"], heartbeat_interval())
        heartbeat.beat()  # before the first task: the row is there when a task is claimed
        heartbeat.start()
        budget = TimeBudget(settings.NTM_TASK_TIME_BUDGET_SECONDS)
        budget.connect()
        try:
            super().handle(*args, **options)
        finally:
            budget.disconnect()
            heartbeat.stop()
