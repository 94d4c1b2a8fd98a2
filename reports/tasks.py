"""Background tasks (django.tasks; `manage.py db_worker` runs them): report files rendered away
from the request, so no download holds an app server's worker for seconds."""

import datetime

from django.core.cache import cache
from django.tasks import task
from django.utils import timezone, translation

from communes.versions import data_changed
from ntm.lib import reportfiles
from ntm.lib.years import date_from_params
from reports import rendering
from reports.areas import area_for
from reports.context import provisional_from, report_context


@task()
def render_report_file(
    *, kind: str, code: str, year: int, query: dict, language: str, extension: str
) -> str:
    """Render and store one report file (pdf or xlsx); returns its stored name. `query` holds
    the parameters of the request that asked for it (rendering.ReportKey.query). The data
    version is read before the figures, so a change made meanwhile can only make the file
    newer than its name says, never older."""
    with translation.override(language):
        area = area_for(kind, code)
        provisional = provisional_from(query)
        key = rendering.report_key(area, year, query, provisional=provisional)
        name = key.file_name(extension)
        if reportfiles.report_storage().exists(name):
            return name
        as_at = date_from_params(query, "as_at", year=year)
        ctx = report_context(
            area,
            year,
            provisional=provisional,
            as_at=as_at,
            as_at_asked=as_at is not None,
            stamp=key.stamp,
        )
        content = rendering.render_file(ctx, extension)
        cleanup_daily()  # before the store: never the file just rendered
        reportfiles.store(name, content, variant=key.variant)
    return name


@task()
def prewarm_province_reports(*, code: str, years: list[int]) -> None:
    """Queue the rendering of the province's current reports of `years` (PDF and workbook, in
    Vietnamese) unless they are stored. Queued once for a burst of changes (see
    `prewarm_after_change`), it renders the data as they stand when it runs; a change made
    after it has started queues the next one."""
    cache.delete(_prewarm_lock(code, years))
    with translation.override("vi"):
        area = area_for("province", code)
        for year in years:
            key = rendering.report_key(area, year, {}, provisional=False)
            for extension in ("pdf", "xlsx"):
                enqueue_once(key, extension)


# --- Queuing --------------------------------------------------------------------------------


# Renders a user may have waiting at once (N5: one district official queued 300 in 8.7 s and
# the province's download waited 6 min). The next download waits, queuing nothing, until one
# is done; the page's polls queue it then.
QUEUED_PER_USER = 4

# The queue serves the reports' own files (31/12 or the report's day, approved, as the
# province keeps them ready) before the variants one person asks for.
PRIORITY_STANDARD, PRIORITY_VARIANT = 10, 0


def enqueue_once(key: rendering.ReportKey, extension: str, *, owner: int | None = None) -> None:
    """Queue the rendering of `key`'s file unless it is queued already (by any app server).
    `owner` (a user's id) may have QUEUED_PER_USER renders waiting: past that,
    reportfiles.QueueFull and nothing is queued."""
    standard = not key.params and not key.provisional
    reportfiles.enqueue_once(
        key.file_name(extension),
        render_report_file.using(priority=PRIORITY_STANDARD if standard else PRIORITY_VARIANT),
        owner=owner,
        limit=QUEUED_PER_USER,
        kind=key.kind,
        code=key.code,
        year=key.year,
        query=key.query,
        language=key.language,
        extension=extension,
    )


def _prewarm_lock(code: str, years: list[int]) -> str:
    return f"reports:prewarm:{code}:{'-'.join(map(str, years))}"


def prewarm_after_change(
    sender, *, province_ids, since_year, provisional_only=False, **kwargs
) -> None:
    """After a change (on commit), queue the affected provinces' reports of the working year
    (the current one and the last, which is closed in the first months), so the next download
    finds its file. Older years and other variants are rendered on demand. The re-rendering
    runs NTM_REPORT_PREWARM_DELAY seconds after the first change of a burst, once per province
    (a shared cache lock across app servers): fifty saves in a minute cost one render, not
    fifty, and never hold the worker while people are still typing."""
    from django.conf import settings

    from communes.models import Province
    from criteria.models import CriteriaSet

    # A change everywhere (a unit or catalogue load, an admin edit of reference data) would
    # queue every province: those reports are rendered when asked for. A draft's change shows
    # in the provisional reports only, and the files kept ready are the official ones.
    if not settings.NTM_REPORT_PREWARM or province_ids is None or provisional_only:
        return
    this_year = timezone.localdate().year
    working = {this_year - 1, this_year}
    targets = [
        year
        for year in sorted(working)
        if since_year is None or year >= since_year
        if CriteriaSet.objects.for_year(year, CriteriaSet.Level.COMMUNE).exists()
    ]
    if not targets:
        return
    delay = settings.NTM_REPORT_PREWARM_DELAY
    task = prewarm_province_reports
    if delay > 0 and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    provinces = Province.objects.filter(valid_to__isnull=True, pk__in=province_ids)
    for code in provinces.values_list("code", flat=True):
        # Held until the task starts (or expires, should the worker be down).
        if cache.add(_prewarm_lock(code, targets), "queued", timeout=delay + 600):
            task.enqueue(code=code, years=targets)


# --- Cleanup --------------------------------------------------------------------------------

CLEANUP_LOCK = "reports:cleanup"


def cleanup_daily() -> None:
    """Delete old report files and finished task rows (ntm.lib.reportfiles.remove_old) at most
    once a day, in the worker, after a render (a shared cache lock for every worker): the
    storage and the task table stay bounded with no cron job and no task of its own.
    `manage.py cleanup_report_files` does the same at once. Not when files are rendered in
    the request (the immediate backend: tests, the bench), where there is no worker."""
    if not render_report_file.get_backend().supports_defer:
        return
    if cache.add(CLEANUP_LOCK, "done", timeout=24 * 60 * 60):
        reportfiles.remove_old()


data_changed.connect(prewarm_after_change, dispatch_uid="reports.prewarm_after_change")
