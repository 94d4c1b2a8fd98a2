"""The site's home page: the user's headline figures, their reports and the work waiting for them.

It belongs to no single app (it reads the reports' figures, the criteria's work queue and the
plans), so it lives with the project's URLs."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

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


def _work_queue(user, scope) -> queue.WorkQueue:
    """What waits for the user in the working year (this calendar year)."""
    communes = scope.communes()
    # By district for the whole country is the national report's job, not the admin's queue.
    return queue.work_queue(
        year=timezone.localdate().year,
        communes=communes,
        reviewer=roles.can_review_any(user),
        by_district=not scope.is_admin,
    )


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
