"""The site's home page: the user's headline figures, their reports and the work waiting for them.

It belongs to no single app (it reads the reports' figures, the criteria's work queue and the
plans), so it lives in the page app, above all of them."""

import datetime

from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.roles import scope_for
from communes.models import Commune, year_end
from criteria import queue
from criteria.models import Assessment
from ntm.lib.years import year_from_query
from reports import figures
from reports.areas import area_for, report_day
from reports.context import NoCriteriaSet
from reports.page_cache import cached_page_context
from reports.plan_progress import report_plans


def _year(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` when given (404 on garbage), else the latest year with data."""
    year = year_from_query(request)
    if year is not None:
        return year
    return years[0] if years else None


def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    working = queue.working_year()
    ended = _ended_district(scope, working)
    if scope.commune is not None:
        return _commune_home(request, scope, working)
    years = figures.years_with_data(scope.communes())
    year = _year(request, years)
    ctx = {
        "scope": scope,
        "years": years,
        "year": year,
        "headline": figures.headline(year, communes=scope.communes()) if year else None,
        "report_links": _report_links(scope, year) if year else [],
        # A district that ended on 30/06/2025 has no work in the working year: its history.
        "queue": None if ended else _work_queue(request.user, scope, working),
        "ended": _ended_context(ended) if ended else None,
        "working_year": working,
        "plans": _home_plans(scope),
        "home_map": _home_map(request, scope, year) if year else "",
    }
    return render(request, "home.html", ctx)


def _home_map(request: HttpRequest, scope, year: int) -> str:
    """The province's map for its staff: the one drawn in the province report of `year`
    (official figures, the report's own day), from the report's cache (the province and the
    data version: two queries) or computed and cached as the report page does. "" without a
    boundary file or a criteria set in force."""
    if not scope.is_province_staff:
        return ""
    area = area_for("province", scope.province.code, user=request.user)
    as_at = report_day(area, year)
    try:
        ctx = cached_page_context(
            area,
            year,
            {},
            provisional=False,
            as_at=as_at,
            as_at_asked=as_at != year_end(year),
        )
    except NoCriteriaSet:
        return ""
    return ctx.get("map_html", "")


def _ended_district(scope, year: int):
    """The user's district when it no longer exists at the end of `year` (every district
    ended on 30/06/2025), else None."""
    district = scope.district
    if district is None or district.valid_to is None or district.valid_to >= year_end(year):
        return None
    return district


def _ended_context(district) -> dict:
    """What a former district's official is led to: the district's report of its last year
    (the last 31 December it existed on) and the list of its communes then and on its last
    day."""
    last_day = district.valid_to
    last_year = (last_day + datetime.timedelta(days=1)).year - 1  # 30/06/2025: 2024
    lists = reverse("pages:commune_list")
    args = [district.code, last_year]
    return {
        "district": district,
        "last_day": last_day,
        "last_year": last_year,
        "report": {
            "html": reverse("reports:district_report", args=args),
            "pdf": reverse("reports:district_report_pdf", args=args),
            "xlsx": reverse("reports:district_report_xlsx", args=args),
        },
        "list_last_year": f"{lists}?year={last_year}",
        "list_last_day": f"{lists}?as_at={last_day.isoformat()}",
    }


def _commune_home(request: HttpRequest, scope, working: int) -> HttpResponse:
    """A commune official's home: its own unit in the working year (or `?year=`): the
    assessment's state and what it waits for, criteria met, and the decision recognising the
    commune, instead of a province's figures over one commune. After the session and the
    user's unit: the assessment with its set's size, the decision, the permissions and the
    work queue's three lists (tests/test_home.py pins eleven)."""
    commune = scope.commune
    year = year_from_query(request) or working
    own = (
        Assessment.objects.standard()
        .filter(commune=commune, year=year)
        .annotate(n_criteria=Count("criteria_set__criteria"))
        .first()
    )
    decision = (
        queue.recognised(year)
        .filter(commune=commune, revoked_on__isnull=True)
        .order_by("-recognised_year", "-decision_date")
        .first()
    )
    ctx = {
        "scope": scope,
        "year": year,
        "own": own,
        "own_exists": commune.exists_in(year),
        "start_url": reverse("pages:assessment_edit", args=[commune.code, year]),
        "can_start": roles.can_create_assessment(request.user, commune, year),
        "decision": decision,
        "queue": _work_queue(request.user, scope, working),
        "report_links": [],  # the reports are the province's and the district's
        "plans": [],
    }
    return render(request, "home.html", ctx)


def _home_plans(scope) -> list:
    """Progress against this year's plan of the user's province or district."""
    year = queue.working_year()
    if scope.district is not None:
        return report_plans("district", scope.district.code, year)
    if scope.province is not None:
        return report_plans("province", scope.province.code, year)
    return []


def area_units(scope, year: int) -> QuerySet[Commune]:
    """The units of the user's area at the end of `year` (`Commune.objects.of_area`): a unit
    that ended before then (every unit of a district, on 30/06/2025) is in no list of it."""
    day = year_end(year)
    if scope.commune is not None:
        return Commune.objects.filter(pk=scope.commune.pk).valid_on(day)
    if scope.is_admin:
        return Commune.objects.valid_on(day)
    return Commune.objects.of_area(on=day, province=scope.province, district=scope.district)


def _queue_args(user, scope, year: int | None = None) -> dict:
    """The working year, the units of the user's area in it and the role: the same for the
    home page's lists and the navbar's count."""
    year = year or queue.working_year()
    return {
        "year": year,
        "communes": area_units(scope, year),
        "reviewer": roles.can_review_any(user),
    }


def _work_queue(user, scope, year: int) -> queue.WorkQueue:
    """What waits for the user in the working year."""
    # By district for the whole country is the national report's job, not the admin's queue.
    return queue.work_queue(
        **_queue_args(user, scope, year),
        by_district=not scope.is_admin,
        can_start=roles.can_create_assessments(user),
    )


@require_GET
def queue_count(request: HttpRequest) -> JsonResponse:
    """The navbar's count of what waits for the user (the home page's `queue.total`), fetched
    by static/js/navbar.js after the page has loaded: the pages themselves stay free of the
    query. Session, user and membership, then one aggregate query."""
    scope = scope_for(request.user)
    count = queue.waiting_count(**_queue_args(request.user, scope))
    label = ngettext("%(count)s việc đang chờ bạn", "%(count)s việc đang chờ bạn", count) % {
        "count": count
    }
    response = JsonResponse({"count": count, "label": label})
    response["Cache-Control"] = "private, no-store"
    return response


def _report_links(scope, year: int) -> list[dict]:
    """The reports the user may open for `year`: their district's, their province's, or for
    admins the national summary (which links every province's report)."""
    if scope.district is not None:
        kind, args, label = "district", [scope.district.code, year], str(scope.district)
    elif scope.province is not None:
        kind, args, label = "province", [scope.province.code, year], str(scope.province)
    elif scope.is_admin:
        kind, args, label = "national", [year], translation.gettext("Toàn quốc")
    else:
        return []
    return [
        {
            "label": label,
            "html": reverse(f"reports:{kind}_report", args=args),
            "pdf": reverse(f"reports:{kind}_report_pdf", args=args),
            "xlsx": reverse(f"reports:{kind}_report_xlsx", args=args),
        }
    ]
