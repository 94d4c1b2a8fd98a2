"""A worker's heartbeat and time budget (`manage.py run_worker`).

The heartbeat is a daemon thread of the worker process: every NTM_WORKER_HEARTBEAT_SECONDS it
writes the worker's `last_seen` (also while the main thread is busy with a long render: the
thread does not wait for it) and recovers the tasks of dead workers. The budget is an alarm
in the main thread, where django-tasks-db runs tasks: it raises TimeBudgetExceeded inside the
task, which the worker records as a failure; the task is then queued once more."""

import datetime
import logging
import os
import signal
import socket
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished, task_started
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from workers.models import WorkerHeartbeat
from workers.recovery import TimeBudgetExceeded, recover_stuck_tasks, retry_or_fail

logger = logging.getLogger(__name__)

# Heartbeat rows of workers gone for longer than this are deleted.
FORGET_AFTER = datetime.timedelta(days=1)


def beat(worker_id: str, *, started_at: datetime.datetime) -> None:
    """Write the worker's heartbeat, recover the tasks of dead workers, forget long-gone ones."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen": now},
        create_defaults={
            "last_seen": now,
            "started_at": started_at,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )
    recovered = recover_stuck_tasks(now)
    if any(recovered.values()):
        logger.warning("Recovered stuck tasks: %s", recovered)
    WorkerHeartbeat.objects.filter(last_seen__lt=now - FORGET_AFTER).delete()


class Heartbeat(threading.Thread):
    """Beats every `interval` seconds until `stop()`; an error (the database away) is logged
    and the next beat tries again."""

    def __init__(self, worker_id: str, interval: float):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.interval = interval
        self.started_at = timezone.now()
        self._stopped = threading.Event()

    def beat(self) -> None:
        beat(self.worker_id, started_at=self.started_at)

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                close_old_connections()
                self.beat()
            except Exception:
                logger.exception("Heartbeat of worker %s failed", self.worker_id)
        connection.close()

    def stop(self) -> None:
        """Stop beating and remove the row: a worker stopped on purpose is not a lost one."""
        self._stopped.set()
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


class TimeBudget:
    """Interrupts a task that runs longer than `seconds` (SIGALRM in the main thread, where the
    worker runs tasks; code stuck outside Python is caught by recover_stuck_tasks instead), and
    queues a task failed that way once more."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def connect(self) -> None:
        # Any sender: django-tasks-db sends the backend instance on start, its class on failure.
        signal.signal(signal.SIGALRM, self._expired)
        task_started.connect(self._started, weak=False)
        task_finished.connect(self._finished, weak=False)

    def disconnect(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        task_started.disconnect(self._started)
        task_finished.disconnect(self._finished)

    def _expired(self, signum, frame):
        raise TimeBudgetExceeded(f"{self.seconds:g} s")

    def _started(self, sender, task_result, **kwargs) -> None:
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def _finished(self, sender, task_result, **kwargs) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if task_result.status != TaskResultStatus.FAILED:
            return
        if not any(
            e.exception_class_path.endswith(".TimeBudgetExceeded") for e in task_result.errors
        ):
            return
        row = DBTaskResult.objects.filter(pk=task_result.id).first()
        if row is not None:
            retry_or_fail(row, reason=TimeBudgetExceeded, now=timezone.now())


def heartbeat_interval() -> float:
    return float(settings.NTM_WORKER_HEARTBEAT_SECONDS)
