from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.roles import scope_for
from communes.models import Commune, District
from criteria.models import Assessment
from criteria.standing import with_standing

PAGE_SIZE = 50


def _year(request: HttpRequest, default: int) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2100 else default


def commune_list(request: HttpRequest) -> HttpResponse:
    """Programme communes in the user's scope for a year, with criteria met and certification.
    Four queries whatever the number of communes (count, page, districts, latest year)."""
    scope = scope_for(request.user)
    # MAX() rather than ORDER BY year DESC LIMIT 1: with the whole country loaded, PostgreSQL
    # answered the LIMIT form by walking the year index backwards through every other
    # province's later years (194 ms); MAX goes through the scope's communes (1 ms).
    latest = Assessment.objects.filter(
        **{f"commune__{k}": v for k, v in scope.commune_filter().items()}
    ).aggregate(latest=Max("year"))["latest"]
    year = _year(request, latest or 2017)
    communes = Commune.objects.in_programme().valid_in(year).filter(**scope.commune_filter())
    districts = District.objects.filter(pk__in=communes.values("district_id")).order_by("code")
    district = request.GET.get("district", "")
    if district:
        communes = communes.filter(district__code=district)
    q = request.GET.get("q", "").strip()
    if q:
        communes = communes.filter(Q(name__icontains=q) | Q(code__startswith=q))
    rows = with_standing(communes.select_related("district"), year).order_by(
        "district__code", "code"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "year": year,
        "page": page,
        "districts": districts,
        "district": district,
        "q": q,
    }
    return render(request, "communes/commune_list.html", ctx)
