"""A render killed halfway is finished after the worker restarts: a real worker process
(`manage.py run_worker`) is killed with SIGKILL in the middle of a report render; its task
stays RUNNING with a heartbeat that goes stale, and a new worker queues it again and renders
it. The worker processes use the test database (PostgreSQL) or a copy of it in a file
(SQLite), as in tests/ops/test_two_app_servers.py."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.tasks import TaskResultStatus

from tests.ops.test_two_app_servers import SharedDatabase, server_env, shared_database
from tests.workers.tasks import render_after_pause

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
TABLE = "django_tasks_database_dbtaskresult"
WAIT_SECONDS = 180


class Worker:
    def __init__(self, env: dict[str, str], log: Path):
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our venv's Python, fixed arguments
                [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval=0.2"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal(self, signum: int) -> int:
        os.killpg(self.process.pid, signum)
        return self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.signal(signal.SIGKILL)

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def wait_until(condition, worker: Worker, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.tail()}"
        assert time.monotonic() < deadline, f"{what} did not happen:\n{worker.tail()}"
        time.sleep(0.1)


def status_count(database: SharedDatabase, task_id: str, status: str) -> int:
    return database.count(
        f"SELECT count(*) FROM {TABLE} WHERE id = %s AND status = %s",  # noqa: S608
        task_id.replace("-", "") if database.sqlite_file else task_id,
        status,
    )


def test_a_render_killed_halfway_is_finished_by_the_next_worker(world, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    inside = tmp_path / "inside"
    result = render_after_pause.enqueue(
        inside=str(inside),
        pause=WAIT_SECONDS,
        kind="province",
        code="98",
        year=2027,
        query={},
        language="vi",
        extension="xlsx",
    )
    database = shared_database(tmp_path)
    storage = tmp_path / "storage"
    env = server_env(database, storage) | {
        "NTM_WORKER_HEARTBEAT_SECONDS": "0.5",
        # Dead after 10 s without a beat: on a loaded machine (the suite's other worker, the
        # two processes here) 3 s let the second worker take its own running task for a dead
        # one and fail it after its one retry.
        "NTM_WORKER_STALE_SECONDS": "10",
    }
    workers: list[Worker] = []
    try:
        first = Worker(env, tmp_path / "first.log")
        workers.append(first)
        wait_until(inside.exists, first, "the render's start")
        assert status_count(database, result.id, TaskResultStatus.RUNNING) == 1
        assert database.count("SELECT count(*) FROM workers_workerheartbeat") == 1
        assert first.signal(signal.SIGKILL) == -signal.SIGKILL

        # Killed: the task is left RUNNING, and nothing has been stored.
        assert status_count(database, result.id, TaskResultStatus.RUNNING) == 1
        assert not list((storage / "reports").glob("*.xlsx"))

        second = Worker(env, tmp_path / "second.log")
        workers.append(second)
        wait_until(
            lambda: (
                status_count(database, result.id, TaskResultStatus.READY) == 0
                and status_count(database, result.id, TaskResultStatus.RUNNING) == 0
            ),
            second,
            "the second attempt",
        )
        assert status_count(database, result.id, TaskResultStatus.SUCCESSFUL) == 1, second.tail()
        files = list((storage / "reports").glob("*.xlsx"))
        assert len(files) == 1
        assert files[0].read_bytes()[:2] == b"PK"  # the workbook, complete

        # Stopped on purpose (SIGTERM), a worker removes its heartbeat: one row, the dead one's.
        assert database.count("SELECT count(*) FROM workers_workerheartbeat") == 2
        assert second.signal(signal.SIGTERM) == 0
        assert database.count("SELECT count(*) FROM workers_workerheartbeat") == 1
    finally:
        for worker in workers:
            worker.stop()
