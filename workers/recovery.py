"""Tasks whose worker is gone, or that ran past their time budget, are queued again once and
failed the second time, with a reason an operator can read in the admin.

A task of django-tasks-db is a DBTaskResult row; a worker that claims it sets it RUNNING and
appends its worker id to `worker_ids`, so the number of ids is the number of attempts. A worker
killed in the middle (SIGKILL, the machine lost, out of memory) leaves its row RUNNING for
ever: every live worker looks for such rows on each heartbeat (`recover_stuck_tasks`). A task
that runs past NTM_TASK_TIME_BUDGET_SECONDS is interrupted by its own worker
(workers.heartbeat.TimeBudget) and queued again the same way (`retry_or_fail`)."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from workers.models import WorkerHeartbeat

# Attempts of one task: the first and one retry.
MAX_ATTEMPTS = 2


class WorkerLost(Exception):
    """The worker running the task stopped sending heartbeats (killed, or its machine lost)."""


class TimeBudgetExceeded(Exception):
    """The task ran longer than NTM_TASK_TIME_BUDGET_SECONDS."""


def _path(exc_class: type[Exception]) -> str:
    return f"{exc_class.__module__}.{exc_class.__qualname__}"


def worker_is_fresh(now: datetime.datetime | None = None) -> bool:
    """Whether any worker has sent a heartbeat lately (one query)."""
    return WorkerHeartbeat.objects.fresh(now).exists()


def queue_depth(now: datetime.datetime | None = None) -> int:
    """Tasks ready to run and waiting for a worker (one query)."""
    return DBTaskResult.objects.ready().count()


def _budget() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.NTM_TASK_TIME_BUDGET_SECONDS)


def _grace() -> datetime.timedelta:
    """How long past its budget a task may still be running before another worker steps in:
    its own worker interrupts it at the budget, unless it is stuck outside Python."""
    return datetime.timedelta(seconds=settings.NTM_WORKER_STALE_SECONDS)


def stuck_tasks(now: datetime.datetime | None = None) -> list[DBTaskResult]:
    """The RUNNING tasks whose worker has no fresh heartbeat, or that started longer ago than
    the time budget. Two queries; RUNNING rows are at most one per worker."""
    now = now or timezone.now()
    fresh = set(WorkerHeartbeat.objects.fresh(now).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().order_by("started_at")
    return [
        task
        for task in running
        if not task.worker_ids
        or task.worker_ids[-1] not in fresh
        or (task.started_at is not None and task.started_at < now - _budget())
    ]


def stuck_q(now: datetime.datetime | None = None) -> Q:
    """The stuck tasks as a filter (the admin's list filter)."""
    return Q(pk__in=[task.pk for task in stuck_tasks(now)])


def retry_or_fail(task: DBTaskResult, *, reason: type[Exception], now: datetime.datetime) -> str:
    """Queue `task` (RUNNING or just failed) again if it has had fewer than MAX_ATTEMPTS, else
    fail it with `reason`. The update is guarded by the row's state, so a worker finishing the
    task meanwhile wins. Returns "retried", "failed" or "" (the row had moved on)."""
    rows = DBTaskResult.objects.filter(pk=task.pk, status=task.status, started_at=task.started_at)
    if len(task.worker_ids) < MAX_ATTEMPTS:
        changed = rows.update(
            status=TaskResultStatus.READY,
            started_at=None,
            finished_at=None,
            exception_class_path="",
            traceback="",
        )
        return "retried" if changed else ""
    message = {
        WorkerLost: "Tiến trình nền chạy tác vụ đã dừng (không còn tín hiệu) sau "
        f"{len(task.worker_ids)} lần thử.",
        TimeBudgetExceeded: "Tác vụ chạy quá thời gian cho phép "
        f"({settings.NTM_TASK_TIME_BUDGET_SECONDS} giây) sau {len(task.worker_ids)} lần thử.",
    }[reason]
    changed = rows.update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=_path(reason),
        traceback=f"{_path(reason)}: {message}\n",
        return_value=None,
    )
    return "failed" if changed else ""


def recover_stuck_tasks(now: datetime.datetime | None = None) -> dict[str, int]:
    """Queue again (once) or fail every task whose worker is gone, or that is still running
    past its budget and grace; returns the counts {"retried": n, "failed": n}."""
    now = now or timezone.now()
    done = {"retried": 0, "failed": 0}
    fresh = set(WorkerHeartbeat.objects.fresh(now).values_list("worker_id", flat=True))
    for task in DBTaskResult.objects.running():
        if not task.worker_ids or task.worker_ids[-1] not in fresh:
            outcome = retry_or_fail(task, reason=WorkerLost, now=now)
        elif task.started_at is not None and task.started_at < now - _budget() - _grace():
            outcome = retry_or_fail(task, reason=TimeBudgetExceeded, now=now)
        else:
            continue
        if outcome:
            done[outcome] += 1
    return done
