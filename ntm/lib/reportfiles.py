"""Rendered report files (PDF, xlsx) in `STORAGES["reports"]`, shared by every app server,
and their rendering in the background.

By default a file-system storage under `settings.REPORT_CACHE_DIR` (a directory the app servers
share); an S3-compatible bucket through django-storages by configuration (docs/deployment.md:
the `reports/` prefix of NTM_S3_BUCKET; tests/storage prove both work on an S3 API). Files are
named `<variant>-<digest>.<ext>`: the variant names the document (kind, code, year,
provisional, language), the digest the data it shows, so a new version gets a new name and a
reader never sees half a file or a stale one; the older files of the variant are removed when a
new one is stored.

A download (`deliver`) that finds its file returns it at once; otherwise one background task
(django.tasks, de-duplicated through the shared cache: `enqueue_once`) renders it while the
browser waits on a page that polls `?status=1` and starts the download by itself. The reports
(reports.rendering) and the practices' compendium (practices.tasks) go through it.

Everything a user starts is bounded: a user has a few renders waiting at most (`owner`,
`limit`: past it `QueueFull`, and the page waits without queuing), and `remove_old` deletes
files not rendered again for a while and finished task rows, once a day in the worker
(reports.tasks.cleanup_daily) or by `manage.py cleanup_report_files`.
"""

import datetime
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import Task, TaskResultStatus, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone
from django.utils.functional import cached_property

from workers.recovery import worker_is_fresh

# How long a queued render is trusted before a download queues it again (a worker that died).
TASK_LOCK_SECONDS = 10 * 60
FAILED = "failed"
# Files kept without being rendered again, and finished task rows kept (cleanup_report_files).
KEEP_FILES_DAYS = 30
KEEP_TASKS_DAYS = 7


class ReportFileStorage(FileSystemStorage):
    """FileSystemStorage rooted at `settings.REPORT_CACHE_DIR` (read when first used and again
    after the setting changes, so tests can point it at a temporary directory)."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.REPORT_CACHE_DIR)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "REPORT_CACHE_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)


def report_storage() -> Storage:
    return storages["reports"]


def stored_name(variant: str, digest: str, extension: str) -> str:
    return f"{variant}-{digest}.{extension}"


def read(name: str) -> bytes | None:
    """The stored file's bytes, or None when there is none."""
    storage = report_storage()
    try:
        with storage.open(name, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def store(name: str, content: bytes, *, variant: str) -> None:
    """Save `content` as `name` and remove the older files of `variant`. The file system
    storage writes to a temporary file and renames it, and an S3 object appears whole once its
    PUT is done, so a concurrent reader never gets half a file."""
    storage = report_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(content))
        if saved != name:  # another worker stored the same file meanwhile
            storage.delete(saved)
    extension = name.rsplit(".", 1)[-1]
    _directories, files = storage.listdir("")
    for other in files:
        if other != name and other.endswith(f".{extension}") and _variant_of(other) == variant:
            storage.delete(other)


def _variant_of(name: str) -> str:
    return name.rsplit(".", 1)[0].rsplit("-", 1)[0]


# --- Background rendering -------------------------------------------------------------------


def _lock_key(name: str) -> str:
    return f"file-task:{name}"


class QueueFull(Exception):
    """The user has as many renders waiting as they may: nothing was queued."""


def _owner_key(owner) -> str:
    return f"file-tasks:owner:{owner}"


def _claim(owner, name: str, limit: int) -> None:
    """Count `name` among `owner`'s waiting renders, or raise QueueFull when they have `limit`
    waiting. A few queries per waiting render (at most `limit`)."""
    key = _owner_key(owner)
    waiting = [
        other
        for other in cache.get(key, [])
        if cache.get(_lock_key(other)) is not None and status(other) == "pending"
    ]
    if len(waiting) >= limit:
        cache.set(key, waiting, timeout=TASK_LOCK_SECONDS)
        raise QueueFull(owner)
    cache.set(key, [*waiting, name], timeout=TASK_LOCK_SECONDS)


def enqueue_once(name: str, task: Task, *, owner=None, limit: int | None = None, **kwargs) -> None:
    """Queue `task(**kwargs)`, which renders and stores the file `name`, unless it is queued
    already (by any app server: `cache.add` is atomic in the shared cache). With `owner` (who
    asked for it) and `limit`: QueueFull, and nothing queued, when `owner` has `limit` renders
    waiting already."""
    lock = _lock_key(name)
    if cache.get(lock) is not None:  # queued already (cache.add below settles a race)
        return
    if owner is not None and limit is not None:
        _claim(owner, name, limit)
    if not cache.add(lock, "queued", timeout=TASK_LOCK_SECONDS):
        return
    result = task.enqueue(**kwargs)
    if not result.is_finished:
        cache.set(lock, result.id, timeout=TASK_LOCK_SECONDS)
    elif result.status == TaskResultStatus.FAILED:  # the immediate backend (tests) ran it
        cache.set(lock, FAILED, timeout=TASK_LOCK_SECONDS)
    else:
        cache.delete(lock)


def status(name: str) -> str:
    """ "ready" (the file is stored), "failed" (the last render failed; the next download
    queues a new one), "unavailable" (no worker is alive, or the render has waited longer than
    NTM_DOWNLOAD_WAIT_SECONDS: the page stops waiting; the task stays queued) or "pending"."""
    if report_storage().exists(name):
        return "ready"
    lock = _lock_key(name)
    task_id = cache.get(lock)
    if task_id in (None, "queued"):
        return "pending"
    if task_id == FAILED:
        cache.delete(lock)
        return "failed"
    try:
        result = default_task_backend.get_result(task_id)
    except (TaskResultDoesNotExist, NotImplementedError):
        return "pending"
    if result.status == TaskResultStatus.FAILED:
        cache.delete(lock)
        return "failed"
    return "unavailable" if _given_up(result) else "pending"


def _given_up(result) -> bool:
    """Whether a download waiting for `result` should stop waiting: no worker has sent a
    heartbeat lately (nothing will render it), or it was queued too long ago (the workers are
    far behind). One or two queries."""
    waited = timezone.now() - result.enqueued_at
    if waited > datetime.timedelta(seconds=settings.NTM_DOWNLOAD_WAIT_SECONDS):
        return True
    return not worker_is_fresh()


def deliver(
    request: HttpRequest,
    *,
    name: str,
    queue: Callable[[], None],
    filename: str,
    content_type: str,
    template: str,
    ctx: dict,
    inline: bool = False,
) -> HttpResponse:
    """The stored file `name` when it is there (at once); else `queue()` its rendering (with
    `enqueue_once`; it may raise Http404 when there is nothing to render) and answer 202 with
    `template`, a page that waits for it (see templates/file_preparing.html). `?status=1`
    answers the page's polls in JSON. When the file cannot be had now (`status` "unavailable")
    the page says so (503) and links `ctx["page_url"]`, the document's page, if given. Access
    is checked by the caller."""
    content = read(name)
    busy = False
    if content is None:
        try:
            queue()
        except QueueFull:  # the user's other renders first; the page's polls try again
            busy = True
        content = read(name)  # rendered already by an immediate backend
    if request.GET.get("status") == "1":
        state = "ready" if content is not None else status(name)
        return JsonResponse({"state": state}, status=200)
    if content is None:
        query = request.GET.copy()
        query.pop("status", None)
        state = status(name)
        ctx = ctx | {
            "filename": filename,
            "download_url": request.path + (f"?{query.urlencode()}" if query else ""),
            "failed": state == "failed",
            "unavailable": state == "unavailable",
            "busy": busy,
        }
        code = 503 if state == "unavailable" else 429 if busy else 202
        response = render(request, template, ctx, status=code)
        response["Cache-Control"] = "no-store"
        if busy:
            response["Retry-After"] = "5"
        return response
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


# --- Cleanup --------------------------------------------------------------------------------


def remove_old(
    *,
    now: datetime.datetime | None = None,
    files_days: int = KEEP_FILES_DAYS,
    tasks_days: int = KEEP_TASKS_DAYS,
    dry_run: bool = False,
) -> tuple[list[str], int]:
    """Delete the stored files last written more than `files_days` ago (any file is rendered
    again when asked for) and the finished task rows older than `tasks_days` (the database
    backend's; none with another). Returns the files' names and the number of rows."""
    now = now or timezone.now()
    storage = report_storage()
    try:
        _directories, files = storage.listdir("")
    except FileNotFoundError:  # no file stored yet: the directory is made by the first one
        files = []
    old = [
        name
        for name in sorted(files)
        if storage.get_modified_time(name) < now - datetime.timedelta(days=files_days)
    ]
    rows = _finished_tasks(now - datetime.timedelta(days=tasks_days))
    count = rows.count() if rows is not None else 0
    if not dry_run:
        for name in old:
            storage.delete(name)
        if rows is not None:
            rows.delete()
    return old, count


def _finished_tasks(before: datetime.datetime):
    """The database backend's finished task rows of before `before`, or None with another
    backend (the immediate one keeps none)."""
    from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return None
    return DBTaskResult.objects.finished().filter(finished_at__lt=before)
