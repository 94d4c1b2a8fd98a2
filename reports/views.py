import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from communes.models import DISTRICTS_END, Province, year_end
from criteria.applicable import criteria_set_for_year
from ntm.lib import reportfiles
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from ntm.lib.years import date_from_query
from practices.learning import practices_for_missed_criteria
from reports import rendering, tasks
from reports.areas import Area, area_for, report_day
from reports.context import NoCriteriaSet, provisional_from, query_string
from reports.page_cache import cached_page_context

# --- Reports --------------------------------------------------------------------------------


def _get_area_for_user(request: HttpRequest, kind: str, code: str) -> Area:
    """The province or district `code` if the user's scope covers it, else 404 (not 403: codes
    must not reveal what exists outside the user's scope). The whole country (`kind`
    "national") is for admins only."""
    return area_for(kind, code, user=request.user)


def _parse_as_at(request: HttpRequest, area: Area, year: int) -> tuple[datetime.date, bool]:
    """The report's day (`?as_at=`, default `report_day`) and whether it differs from 31/12."""
    as_at = date_from_query(request, "as_at", year=year)
    if as_at is not None:
        return as_at, True
    as_at = report_day(area, year)
    return as_at, as_at != year_end(year)


def file_days(area: Area, year: int) -> set[datetime.date]:
    """The days whose PDF and workbook are rendered (in the background) and kept: the days that
    name a state of the programme, 31/12 of the year, the report's own day and, in 2025, the
    districts' last day (30/06/2025). Any other day is shown on the page only (N5: every
    distinct `?as_at=` queued a render and kept its file, ~58,000 files per district)."""
    days = {year_end(year), report_day(area, year)}
    if DISTRICTS_END.year == year:
        days.add(DISTRICTS_END)
    return days


def _filename(ctx: dict, extension: str) -> str:
    area = ctx["area"]
    name = {
        "national": "toan-quoc",
        "province": f"tinh-{area.code}",
        "district": f"huyen-{area.code}",
    }[area.kind]
    provisional = "-tam-thoi" if ctx["provisional"] else ""
    day = f"-ngay-{ctx['as_at'].isoformat()}" if ctx["as_at_asked"] else ""
    return f"bao-cao-ntm-{name}-{ctx['year']}{day}{provisional}.{extension}"


def report_html(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    """The report page. Its body (figures, tables, charts) is cached under the data version:
    an unchanged report costs the access check, the version and one cache read."""
    area = _get_area_for_user(request, kind, code)
    # 404/400 on a malformed day, before it names a key.
    as_at, as_at_asked = _parse_as_at(request, area, year)
    provisional = provisional_from(request.GET)
    try:
        ctx = cached_page_context(
            area,
            year,
            request.GET,
            provisional=provisional,
            as_at=as_at,
            as_at_asked=as_at_asked,
            request=request,
        )
    except NoCriteriaSet as exc:
        return _no_set_page(request, kind, exc)
    ctx = ctx | {
        "area": area,
        "report_date": timezone.localdate(),
        # Outside the cached body: publishing a practice does not change the data version.
        # Three queries on a province report (one when no practice applies).
        "missed_criteria": (
            practices_for_missed_criteria(area.province_pk, year) if area.is_province else []
        ),
        # Outside the cached body, which every reader shares: the link to upload the map.
        "can_manage_map": area.is_province
        and roles.can_manage_boundaries(request.user, Province(pk=area.province_pk)),
    }
    return render(request, "reports/report.html", ctx)


def _no_set_page(request: HttpRequest, kind: str, exc: NoCriteriaSet) -> HttpResponse:
    """A year with no criteria set in force: the page says so plainly (200)."""
    year = exc.year
    ctx = {
        "area": exc.area,
        "year": year,
        "message": exc.message,
        "urls": {
            "previous": reverse(f"reports:{kind}_report", args=exc.area.url_args(year - 1)),
            "next": reverse(f"reports:{kind}_report", args=exc.area.url_args(year + 1)),
        },
    }
    return render(request, "reports/report_no_set.html", ctx)


def report_pdf(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    return _report_file(request, kind, code, year, "pdf")


def report_xlsx(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    return _report_file(request, kind, code, year, "xlsx")


_CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX_CONTENT_TYPE}


def _report_file(request: HttpRequest, kind: str, code: str, year: int, extension: str):
    """The stored file when it is there (at once); else queue its rendering and answer 202
    with a page that waits for it (`?status=1` answers the page's polls in JSON). Files exist
    for the `file_days` only: another day answers 409 with a page that says so and links the
    year-end file, and queues nothing."""
    area = _get_area_for_user(request, kind, code)
    provisional = provisional_from(request.GET)
    as_at, as_at_asked = _parse_as_at(request, area, year)  # before the day names a file
    if as_at not in file_days(area, year):
        return _no_file_page(request, area, year, as_at, provisional, extension)
    key = rendering.report_key(area, year, request.GET, provisional=provisional)

    def queue() -> None:
        try:
            criteria_set_for_year(year)
        except ValidationError as exc:  # no criteria set in force that year: no report
            raise Http404 from exc
        tasks.enqueue_once(key, extension, owner=request.user.pk)

    filename = _filename(
        {
            "area": area,
            "provisional": provisional,
            "year": year,
            "as_at": as_at,
            "as_at_asked": as_at_asked,
        },
        extension,
    )
    return reportfiles.deliver(
        request,
        name=key.file_name(extension),
        queue=queue,
        filename=filename,
        content_type=_CONTENT_TYPES[extension],
        template="reports/report_preparing.html",
        ctx={
            "area": area,
            "year": year,
            # Offered when the file cannot be prepared now: the same report as a page.
            "page_url": reverse(f"reports:{area.kind}_report", args=area.url_args(year))
            + query_string(provisional=provisional, as_at=as_at if as_at_asked else None),
        },
    )


def _no_file_page(
    request: HttpRequest,
    area: Area,
    year: int,
    as_at: datetime.date,
    provisional: bool,
    extension: str,
) -> HttpResponse:
    """A PDF or workbook asked for a day that has none (409): the page of that day and the
    file of the report's own day instead."""
    args = area.url_args(year)
    ctx = {
        "area": area,
        "year": year,
        "as_at": as_at,
        "days": sorted(file_days(area, year)),
        "extension": extension,
        "page_url": reverse(f"reports:{area.kind}_report", args=args)
        + query_string(provisional=provisional, as_at=as_at),
        "file_url": reverse(f"reports:{area.kind}_report_{extension}", args=args)
        + query_string(provisional=provisional, as_at=None),
    }
    response = render(request, "reports/report_no_file.html", ctx, status=409)
    response["Cache-Control"] = "no-store"
    return response
