"""What the readiness probe (/readyz) checks: each check answers "ok" or what is wrong, and
never raises. Every check is cheap (a query, a cache round trip, a tiny file written and
deleted), so a monitor may ask every few seconds."""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection
from django.utils.crypto import get_random_string

from workers import recovery
from workers.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
# The storages the app writes to: uploads and rendered reports.
WRITTEN_STORAGES = ("default", "reports")
PROBE_DIRECTORY = "healthz"


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return OK


def check_cache() -> str:
    key = f"healthz:{get_random_string(12)}"
    cache.set(key, "1", timeout=30)
    found = cache.get(key)
    cache.delete(key)
    return OK if found == "1" else ERROR


def check_storage(alias: str) -> Callable[[], str]:
    def check() -> str:
        storage = storages[alias]
        name = storage.save(
            f"{PROBE_DIRECTORY}/probe-{get_random_string(12)}.txt", ContentFile(b"ok")
        )
        storage.delete(name)
        return OK

    return check


def check_worker() -> str:
    """ "ok" when a worker sent a heartbeat lately, "stale" when the last one is old, "absent"
    when none ever did (or all stopped on purpose)."""
    if recovery.worker_is_fresh():
        return OK
    return "stale" if WorkerHeartbeat.objects.exists() else "absent"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    **{f"storage_{alias}": check_storage(alias) for alias in WRITTEN_STORAGES},
    "worker": check_worker,
}


def run_checks() -> tuple[dict[str, str], dict[str, int | None]]:
    """The outcome of every check, and the queue's figures (None when the database is away)."""
    outcomes = {}
    for name, check in CHECKS.items():
        try:
            outcomes[name] = check()
        except Exception:
            logger.exception("Readiness check %s failed", name)
            outcomes[name] = ERROR
    queue: dict[str, int | None] = {"depth": None, "stuck": None}
    if outcomes["database"] == OK:
        try:
            queue = {"depth": recovery.queue_depth(), "stuck": len(recovery.stuck_tasks())}
        except Exception:
            logger.exception("Reading the task queue failed")
    return outcomes, queue
