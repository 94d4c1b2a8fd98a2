"""Rendered report files (PDF, xlsx) in `STORAGES["reports"]`, shared by every app server,
and their rendering in the background.

By default a file-system storage under `settings.REPORT_CACHE_DIR` (a directory the app servers
share); an S3-compatible bucket through django-storages by configuration (README). Files are
named `<variant>-<digest>.<ext>`: the variant names the document (kind, code, year,
provisional, language), the digest the data it shows, so a new version gets a new name and a
reader never sees half a file or a stale one; the older files of the variant are removed when a
new one is stored.

A download (`deliver`) that finds its file returns it at once; otherwise one background task
(django.tasks, de-duplicated through the shared cache: `enqueue_once`) renders it while the
browser waits on a page that polls `?status=1` and starts the download by itself. The reports
(reports.rendering) and the practices' compendium (practices.tasks) go through it.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.tasks import Task, TaskResultStatus, default_task_backend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils.functional import cached_property

# How long a queued render is trusted before a download queues it again (a worker that died).
TASK_LOCK_SECONDS = 10 * 60
FAILED = "failed"


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
    storage writes to a temporary file and renames it, so a concurrent reader never gets
    half a file."""
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


def enqueue_once(name: str, task: Task, **kwargs) -> None:
    """Queue `task(**kwargs)`, which renders and stores the file `name`, unless it is queued
    already (by any app server: `cache.add` is atomic in the shared cache)."""
    lock = _lock_key(name)
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
    queues a new one) or "pending"."""
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
    return "pending"


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
    answers the page's polls in JSON. Access is checked by the caller."""
    content = read(name)
    if content is None:
        queue()
        content = read(name)  # rendered already by an immediate backend
    if request.GET.get("status") == "1":
        state = "ready" if content is not None else status(name)
        return JsonResponse({"state": state}, status=200)
    if content is None:
        query = request.GET.copy()
        query.pop("status", None)
        ctx = ctx | {
            "filename": filename,
            "download_url": request.path + (f"?{query.urlencode()}" if query else ""),
            "failed": status(name) == "failed",
        }
        response = render(request, template, ctx, status=202)
        response["Cache-Control"] = "no-store"
        return response
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
