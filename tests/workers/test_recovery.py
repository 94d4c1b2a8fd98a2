"""Tasks left RUNNING by a dead worker, or running past their time budget, are queued again
once and failed the second time with a reason (workers.recovery); the admin lists them as
stuck and /readyz counts them."""

import datetime

import pytest
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.base import make_user, run_worker
from tests.workers.tasks import sleep_for
from workers.heartbeat import Heartbeat, TimeBudget, beat
from workers.models import WorkerHeartbeat
from workers.recovery import recover_stuck_tasks, stuck_tasks

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NTM_WORKER_STALE_SECONDS = 60
    settings.NTM_TASK_TIME_BUDGET_SECONDS = 600
    DBTaskResult.objects.all().delete()


def seen(worker_id: str, seconds_ago: float) -> None:
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        pid=1,
        started_at=NOW - datetime.timedelta(hours=1),
        last_seen=NOW - datetime.timedelta(seconds=seconds_ago),
    )


def running(*worker_ids: str, minutes_ago: float = 1) -> DBTaskResult:
    """A task claimed by the workers `worker_ids` in turn (the last is running it)."""
    result = sleep_for.enqueue(seconds=0)
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = NOW - datetime.timedelta(minutes=minutes_ago)
    row.worker_ids = list(worker_ids)
    row.save()
    return row


def test_a_task_of_a_dead_worker_is_queued_again_then_failed_with_a_reason(database_tasks):
    seen("dead", seconds_ago=61)
    seen("alive", seconds_ago=5)
    first = running("dead")
    second = running("alive")

    assert [t.pk for t in stuck_tasks(NOW)] == [first.pk]
    assert recover_stuck_tasks(NOW) == {"retried": 1, "failed": 0}
    first.refresh_from_db()
    assert first.status == TaskResultStatus.READY
    assert first.started_at is None
    assert first.worker_ids == ["dead"]  # the attempts so far
    second.refresh_from_db()
    assert second.status == TaskResultStatus.RUNNING

    # The second attempt's worker dies too: failed, with a reason for the operator.
    first.status, first.started_at, first.worker_ids = (
        TaskResultStatus.RUNNING,
        NOW,
        ["dead", "dead2"],
    )
    first.save()
    assert recover_stuck_tasks(NOW) == {"retried": 0, "failed": 1}
    first.refresh_from_db()
    assert first.status == TaskResultStatus.FAILED
    assert first.finished_at == NOW
    assert first.exception_class_path == "workers.recovery.WorkerLost"
    assert "Tiến trình nền chạy tác vụ đã dừng" in first.traceback
    assert recover_stuck_tasks(NOW) == {"retried": 0, "failed": 0}


def test_a_task_of_a_worker_without_heartbeat_row_is_stuck(database_tasks):
    task = running("never-beat")
    assert [t.pk for t in stuck_tasks(NOW)] == [task.pk]


def test_a_task_past_its_budget_and_grace_is_recovered_though_its_worker_lives(database_tasks):
    seen("alive", seconds_ago=5)
    within_grace = running("alive", minutes_ago=10.5)  # budget 10 min, grace 60 s
    past = running("alive", minutes_ago=11.5)
    assert {t.pk for t in stuck_tasks(NOW)} == {within_grace.pk, past.pk}
    assert recover_stuck_tasks(NOW) == {"retried": 1, "failed": 0}
    past.refresh_from_db()
    within_grace.refresh_from_db()
    assert past.status == TaskResultStatus.READY
    assert within_grace.status == TaskResultStatus.RUNNING


def test_a_task_running_past_its_budget_is_interrupted_and_retried_once(database_tasks, settings):
    result = sleep_for.enqueue(seconds=5)
    budget = TimeBudget(0.2)
    budget.connect()
    try:
        run_worker()  # --batch: the first attempt, interrupted, queued again; then the second
    finally:
        budget.disconnect()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 2
    assert row.exception_class_path == "workers.recovery.TimeBudgetExceeded"
    assert "quá thời gian cho phép" in row.traceback


def test_a_task_within_its_budget_succeeds(database_tasks):
    result = sleep_for.enqueue(seconds=0)
    budget = TimeBudget(5)
    budget.connect()
    try:
        run_worker()
    finally:
        budget.disconnect()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL


def test_a_beat_writes_the_row_recovers_and_forgets_old_workers(database_tasks, time_machine):
    time_machine.move_to(NOW, tick=False)
    seen("gone-long-ago", seconds_ago=2 * 24 * 3600)
    seen("dead", seconds_ago=120)
    task = running("dead")
    beat("w1", started_at=NOW)
    row = WorkerHeartbeat.objects.get(worker_id="w1")
    assert row.last_seen == NOW
    assert not WorkerHeartbeat.objects.filter(worker_id="gone-long-ago").exists()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY

    time_machine.move_to(NOW + datetime.timedelta(seconds=15), tick=False)
    beat("w1", started_at=NOW)
    row.refresh_from_db()
    assert row.last_seen == NOW + datetime.timedelta(seconds=15)
    assert row.started_at == NOW


def test_a_stopped_worker_removes_its_heartbeat(database_tasks):
    heartbeat = Heartbeat("w2", interval=60)
    heartbeat.beat()
    assert WorkerHeartbeat.objects.filter(worker_id="w2").exists()
    heartbeat.stop()
    assert not WorkerHeartbeat.objects.filter(worker_id="w2").exists()


def test_the_admin_lists_stuck_tasks_and_readyz_counts_them(client, database_tasks):
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="alive", pid=2, started_at=now, last_seen=now)
    gone = now - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead", pid=1, started_at=gone, last_seen=gone)
    stuck = running("dead")
    DBTaskResult.objects.filter(pk=stuck.pk).update(started_at=now)
    ok = sleep_for.enqueue(seconds=0)
    DBTaskResult.objects.filter(pk=ok.id).update(
        status=TaskResultStatus.RUNNING, started_at=now, worker_ids=["alive"]
    )

    ready = client.get(reverse("readyz")).json()
    assert ready["queue"] == {"depth": 0, "stuck": 1}

    client.force_login(make_user("admin-stuck", superuser=True))
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    listing = client.get(changelist, {"stuck": "1"})
    assert listing.status_code == 200
    page = listing.content.decode()
    assert str(stuck.pk) in page
    assert str(ok.id) not in page
    assert "Bị kẹt" in page
    everything = client.get(changelist).content
    assert str(ok.id).encode() in everything
