import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from communes.models import (
    DISTRICTS_END,
    Commune,
    District,
    Province,
    ProvinceReportSettings,
    year_end,
)
from communes.versions import stamp_for
from criteria.applicable import criteria_set_for_year
from ntm.lib import pdf, reportfiles
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from ntm.lib.years import date_from_query
from plans.progress import report_plans
from practices.learning import practices_for_missed_criteria
from reports import charts, figures, rendering, xlsx

# --- Reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The province or district a report covers."""

    kind: str  # "national" | "province" | "district"
    code: str  # "" for the national summary
    name: str  # "toàn quốc", "tỉnh Lạng Sơn", "Huyện Chi Lăng"
    place: str  # "Hà Nội", "Lạng Sơn", "Chi Lăng": the place in the date line
    authority: str  # "UBND tỉnh Lạng Sơn"
    # The units the report counts (of any date: the figures pick those of the report's day).
    communes: QuerySet[Commune] = field(compare=False)
    # The province whose data the report follows (None for the country): its data version,
    # and on the province report its good-practice links.
    province_pk: int | None = None
    ends_on: datetime.date | None = None  # a district's last day (30/06/2025 at the latest)
    # Number symbol, "Nơi nhận" and signer of the PDF: the province's, defaults elsewhere.
    paper: ProvinceReportSettings = field(default_factory=ProvinceReportSettings)

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    @property
    def is_national(self) -> bool:
        return self.kind == "national"

    @property
    def grouping(self) -> figures.Grouping | None:
        """The rows of the report's table: provinces (national), districts (province)."""
        return {"national": figures.BY_PROVINCE, "province": figures.BY_DISTRICT}.get(self.kind)

    def url_args(self, year: int) -> list:
        return [year] if self.is_national else [self.code, year]


def _get_area_for_user(request: HttpRequest, kind: str, code: str) -> Area:
    """The province or district `code` if the user's scope covers it, else 404 (not 403: codes
    must not reveal what exists outside the user's scope). The whole country (`kind`
    "national") is for admins only."""
    return area_for(kind, code, user=request.user)


def area_for(kind: str, code: str, *, user=None) -> Area:
    """The area `code` of `kind`, checked against `user`'s scope unless `user` is None (the
    background renderer, which only renders what a checked request asked for)."""
    if kind == "national":
        if user is not None and not roles.can_view_national(user):
            raise Http404
        return Area(
            kind=kind,
            code="",
            name=translation.gettext("toàn quốc"),
            place=translation.gettext("Hà Nội"),
            authority=translation.gettext("Văn phòng Điều phối nông thôn mới Trung ương"),
            communes=Commune.objects.all(),
        )
    if kind == "province":
        # The current province with the code (codes passed to merged provinces in 2025).
        province = Province.objects.with_code(code).select_related("report_settings").first()
        if province is None or (user is not None and not roles.can_view_province(user, province)):
            raise Http404
        return Area(
            kind=kind,
            code=province.code,
            name=translation.gettext("tỉnh %(name)s") % {"name": province.name},
            place=province.name,
            authority=translation.gettext("UBND tỉnh %(name)s") % {"name": province.name},
            province_pk=province.pk,
            communes=Commune.objects.filter(province=province),
            paper=ProvinceReportSettings.for_province(province),
        )
    district = get_object_or_404(District.objects.select_related("province"), code=code)
    if user is not None and not roles.can_view_district(user, district):
        raise Http404
    return Area(
        kind=kind,
        code=district.code,
        name=str(district),
        place=district.name,
        authority=translation.gettext("UBND %(kind)s %(name)s")
        % {"kind": district.get_kind_display().lower(), "name": district.name},
        communes=Commune.objects.filter(district=district),
        province_pk=district.province_id,
        ends_on=district.valid_to,
    )


class NoCriteriaSet(Http404):
    """No criteria set is in force in the report's year: the page says so (the PDF and the
    workbook, which have nothing to show, stay 404)."""

    def __init__(self, area: Area, year: int, message: str):
        super().__init__(message)
        self.area, self.year, self.message = area, year, message


def _parse_as_at(request: HttpRequest, area: Area, year: int) -> tuple[datetime.date, bool]:
    """The report's day (`?as_at=`, default `report_day`) and whether it differs from 31/12."""
    as_at = date_from_query(request, "as_at", year=year)
    if as_at is not None:
        return as_at, True
    as_at = report_day(area, year)
    return as_at, as_at != year_end(year)


def report_day(area: Area, year: int) -> datetime.date:
    """The day a report of `year` is taken on when no other is asked for: 31/12 of the year; in
    the year its district ended (2025), a district report's last day (30/06/2025), when its
    communes still existed."""
    if area.ends_on is not None and area.ends_on.year == year and area.ends_on < year_end(year):
        return area.ends_on
    return year_end(year)


def file_days(area: Area, year: int) -> set[datetime.date]:
    """The days whose PDF and workbook are rendered (in the background) and kept: the days that
    name a state of the programme, 31/12 of the year, the report's own day and, in 2025, the
    districts' last day (30/06/2025). Any other day is shown on the page only (N5: every
    distinct `?as_at=` queued a render and kept its file, ~58,000 files per district)."""
    days = {year_end(year), report_day(area, year)}
    if DISTRICTS_END.year == year:
        days.add(DISTRICTS_END)
    return days


def _parse_provisional(request: HttpRequest) -> bool:
    raw = request.GET.get("provisional", "0")
    if raw not in ("0", "1"):
        raise Http404
    return raw == "1"


def _report_context(
    request: HttpRequest,
    kind: str,
    code: str,
    year: int,
    *,
    area: Area | None = None,
    stamp=None,
    as_at: datetime.date | None = None,
) -> dict:
    area = area or _get_area_for_user(request, kind, code)
    provisional = _parse_provisional(request)
    stamp = stamp or stamp_for(rendering.area_province_id(area), year, provisional=provisional)
    if as_at is None:
        as_at, as_at_asked = _parse_as_at(request, area, year)
    else:  # the caller's day (an issued report's), whatever the request asks
        as_at_asked = as_at != year_end(year)
    try:
        data = figures.report_figures(
            year,
            provisional,
            grouping=area.grouping,
            # The national summary has no per-commune lists (see below).
            with_communes=not area.is_national,
            as_at=as_at,
            communes=area.communes,
        )
    except ValidationError as exc:  # no criteria set in force that year
        raise NoCriteriaSet(area, year, exc.messages[0]) from exc
    # The PDF and workbook links carry the variant and the day; the other years' the variant.
    suffix = _query(provisional=provisional, as_at=None)
    here = _query(provisional=provisional, as_at=as_at if as_at_asked else None)
    return {
        "area": area,
        "year": year,
        "as_at": as_at,
        "as_at_asked": as_at_asked,
        "provisional": provisional,
        "suffix": suffix,
        "figures": data,
        # Plan against result (province and district reports; the plan's own definitions).
        "plans": [] if provisional else report_plans(kind, area.code, year, data),
        "report_date": timezone.localdate(),
        # The last change of the data shown: printed on files instead of today's date, so an
        # unchanged report stays the same file from one day to the next.
        "data_date": stamp.data_date,
        "charts": {
            "progress": charts.progress_chart(data.progress, data.criteria_count),
            "bands": charts.bands_chart(data.bands),
            "criteria": charts.criteria_chart(data.per_criterion),
        },
        "urls": {
            "html": reverse(f"reports:{kind}_report", args=area.url_args(year)),
            "pdf": reverse(f"reports:{kind}_report_pdf", args=area.url_args(year)) + here,
            "xlsx": reverse(f"reports:{kind}_report_xlsx", args=area.url_args(year)) + here,
            # The other variant (approved / provisional) on the same day.
            "variant": reverse(f"reports:{kind}_report", args=area.url_args(year))
            + _query(provisional=not provisional, as_at=as_at if as_at_asked else None),
            "previous": reverse(f"reports:{kind}_report", args=area.url_args(year - 1)) + suffix,
            "next": reverse(f"reports:{kind}_report", args=area.url_args(year + 1)) + suffix,
        },
    }


def _query(*, provisional: bool, as_at: datetime.date | None) -> str:
    query = {"provisional": "1"} if provisional else {}
    if as_at is not None:
        query["as_at"] = as_at.isoformat()
    return f"?{urlencode(query)}" if query else ""


def report_context(
    request: HttpRequest, kind: str, code: str, year: int, *, as_at: datetime.date | None = None
) -> dict:
    """The context every rendering of a report uses (access checked as for the page), for the
    apps that freeze a report (issued): the figures as at `as_at` (None: the report's own
    day, `report_day`), never a day the request names (N9)."""
    area = _get_area_for_user(request, kind, code)
    as_at = as_at or report_day(area, year)
    return _report_context(request, kind, code, year, area=area, as_at=as_at)


def report_area(request: HttpRequest, kind: str, code: str) -> Area:
    """The area of a report, if the user's scope covers it (else 404)."""
    return _get_area_for_user(request, kind, code)


def report_context_for(request: HttpRequest, area: Area, year: int, *, stamp=None) -> dict:
    """The context of `area`'s report, its access already checked (the background renderer)."""
    return _report_context(request, area.kind, area.code, year, area=area, stamp=stamp)


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


# The national summary shows one row per province and no per-commune lists (near-standard,
# changes, annex), in HTML, PDF and xlsx alike: each province row links to the province's full
# report. Measured on the national dataset (8,417 communes), the lists cost 3.8 s of queries,
# and 5.3 s more to write the workbook (147 MB RSS), against under 1 s without them; a page of
# several MB or a PDF of ~250 pages would break the targets too.


def report_html(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    """The report page. Its body (figures, tables, charts) is cached under the data version:
    an unchanged report costs the access check, the version and one cache read."""
    area = _get_area_for_user(request, kind, code)
    _parse_as_at(request, area, year)  # 404/400 on a malformed day, before it names a key
    key = rendering.report_key(area, year, request.GET, provisional=_parse_provisional(request))
    cache_key = key.cache_key("html")
    ctx = cache.get(cache_key)
    if ctx is None:
        try:
            ctx = _report_context(request, kind, code, year, area=area, stamp=key.stamp)
        except NoCriteriaSet as exc:
            return _no_set_page(request, kind, exc)
        body = render_to_string("reports/_report_body.html", ctx, request=request)
        # The cheap parts of the context with the rendered body (no figures: they are drawn).
        ctx = {k: v for k, v in ctx.items() if k not in _DRAWN} | {"body": body}
        cache.set(cache_key, ctx)
    ctx = ctx | {
        "area": area,
        "report_date": timezone.localdate(),
        # Outside the cached body: publishing a practice does not change the data version.
        # Three queries on a province report (one when no practice applies).
        "missed_criteria": (
            practices_for_missed_criteria(area.province_pk, year) if area.is_province else []
        ),
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


# What the report body draws; the page caches the body's HTML instead.
_DRAWN = ("area", "figures", "charts", "plans")


def render_file(ctx: dict, extension: str) -> bytes:
    """The report of `ctx` as a PDF or a workbook: seconds of work, done by reports.tasks."""
    if extension == "pdf":
        html = render_to_string("reports/report_pdf.html", ctx, request=None)
        return pdf.render_pdf(html)
    return xlsx.report_workbook(
        ctx["figures"], area=ctx["area"], report_date=ctx["data_date"], plans=ctx["plans"]
    )


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
    provisional = _parse_provisional(request)
    as_at, as_at_asked = _parse_as_at(request, area, year)  # before the day names a file
    if as_at not in file_days(area, year):
        return _no_file_page(request, area, year, as_at, provisional, extension)
    key = rendering.report_key(area, year, request.GET, provisional=provisional)

    def queue() -> None:
        try:
            criteria_set_for_year(year)
        except ValidationError as exc:  # no criteria set in force that year: no report
            raise Http404 from exc
        rendering.enqueue_once(key, extension, owner=request.user.pk)

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
        ctx={"area": area, "year": year},
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
        + _query(provisional=provisional, as_at=as_at),
        "file_url": reverse(f"reports:{area.kind}_report_{extension}", args=args)
        + _query(provisional=provisional, as_at=None),
    }
    response = render(request, "reports/report_no_file.html", ctx, status=409)
    response["Cache-Control"] = "no-store"
    return response
