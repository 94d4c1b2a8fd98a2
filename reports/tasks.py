"""Background tasks (django.tasks; `manage.py db_worker` runs them): report files rendered away
from the request, so no download holds an app server's worker for seconds."""

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
        reportfiles.store(name, content, variant=key.variant)
    return name


def prewarm_after_change(sender, *, province_ids, since_year, **kwargs) -> None:
    """After a change (on commit), queue the affected provinces' reports of the working year
    (the current one and the last, which is closed in the first months) in Vietnamese, so the
    next download finds its file. Older years and other variants are rendered on demand."""
    from django.conf import settings

    from communes.models import Province
    from criteria.models import CriteriaSet
    from reports import rendering
    from reports.views import area_for

    # A change everywhere (a unit or catalogue load, an admin edit of reference data) would
    # queue every province: those reports are rendered when asked for.
    if not settings.NTM_REPORT_PREWARM or province_ids is None:
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
    provinces = Province.objects.filter(valid_to__isnull=True, pk__in=province_ids)
    with translation.override("vi"):
        for code in provinces.values_list("code", flat=True):
            area = area_for("province", code)
            for year in targets:
                key = rendering.report_key(area, year, QueryDict(), provisional=False)
                for extension in ("pdf", "xlsx"):
                    rendering.enqueue_once(key, extension)


data_changed.connect(prewarm_after_change, dispatch_uid="reports.prewarm_after_change")
