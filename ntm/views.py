"""The site's home page: the user's headline figures, their reports and the work waiting for them.

It belongs to no single app (it reads the reports' figures, the criteria's work queue and the
plans), so it lives with the project's URLs."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from accounts import roles
from accounts.roles import scope_for
from criteria import queue
from ntm.lib.years import year_from_query
from plans.progress import report_plans
from reports import figures


def _year(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` when given (404 on garbage), else the latest year with data."""
    year = year_from_query(request)
    if year is not None:
        return year
    return years[0] if years else None


def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    years = figures.years_with_data(scope.communes())
    year = _year(request, years)
    ctx = {
        "scope": scope,
        "years": years,
        "year": year,
        "headline": figures.headline(year, communes=scope.communes()) if year else None,
        "report_links": _report_links(scope, year) if year else [],
        "queue": _work_queue(request.user, scope),
        "plans": _home_plans(scope),
    }
    return render(request, "home.html", ctx)


def _home_plans(scope) -> list:
    """Progress against this year's plan of the user's province or district."""
    year = timezone.localdate().year
    if scope.district is not None:
        return report_plans("district", scope.district.code, year)
    if scope.province is not None:
        return report_plans("province", scope.province.code, year)
    return []


def _queue_args(user, scope) -> dict:
    """The working year (this calendar year), the user's communes and role: the same for the
    home page's lists and the navbar's count."""
    return {
        "year": timezone.localdate().year,
        "communes": scope.communes(),
        "reviewer": roles.can_review_any(user),
    }


def _work_queue(user, scope) -> queue.WorkQueue:
    """What waits for the user in the working year."""
    # By district for the whole country is the national report's job, not the admin's queue.
    return queue.work_queue(**_queue_args(user, scope), by_district=not scope.is_admin)


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
