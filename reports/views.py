from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import scope_for
from reports import figures


def parse_year(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` when given (404 on garbage), else the latest year with data."""
    raw = request.GET.get("year")
    if raw:
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            raise Http404
        return int(raw)
    return years[0] if years else None


def home(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    scope_filter = scope.commune_filter()
    years = figures.years_with_data(**scope_filter)
    year = parse_year(request, years)
    ctx = {
        "scope": scope,
        "years": years,
        "year": year,
        "headline": figures.headline(year, **scope_filter) if year else None,
    }
    return render(request, "reports/home.html", ctx)
