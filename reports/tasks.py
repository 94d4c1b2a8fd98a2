"""Background tasks (django.tasks; `manage.py db_worker` runs them): report files rendered away
from the request, so no download holds an app server's worker for seconds."""

import datetime

from django.core.cache import cache
from django.http import HttpRequest, QueryDict
from django.tasks import task
from django.utils import timezone, translation

from communes.versions import data_changed
from ntm.lib import reportfiles


@task()
def render_report_file(
    *, kind: str, code: str, year: int, query: dict, language: str, extension: str
) -> str:
    """Render and store one report file (pdf or xlsx); returns its stored name. The data
    version is read before the figures, so a change made meanwhile can only make the file
    newer than its name says, never older."""
    from reports import rendering, views  # views import this module

    request = HttpRequest()
    request.GET = QueryDict(mutable=True)
    request.GET.update(query)
    with translation.override(language):
        area = views.area_for(kind, code)
        key = rendering.report_key(
            area, year, request.GET, provisional=views._parse_provisional(request)
        )
        name = key.file_name(extension)
        if reportfiles.report_storage().exists(name):
            return name
        ctx = views.report_context_for(request, area, year, stamp=key.stamp)
        content = views.render_file(ctx, extension)
        cleanup_daily()  # before the store: never the file just rendered
        reportfiles.store(name, content, variant=key.variant)
    return name


@task()
def prewarm_province_reports(*, code: str, years: list[int]) -> None:
    """Queue the rendering of the province's current reports of `years` (PDF and workbook, in
    Vietnamese) unless they are stored. Queued once for a burst of changes (see
    `prewarm_after_change`), it renders the data as they stand when it runs; a change made
    after it has started queues the next one."""
    from reports import rendering
    from reports.views import area_for

    cache.delete(_prewarm_lock(code, years))
    with translation.override("vi"):
        area = area_for("province", code)
        for year in years:
            key = rendering.report_key(area, year, QueryDict(), provisional=False)
            for extension in ("pdf", "xlsx"):
                rendering.enqueue_once(key, extension)


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
