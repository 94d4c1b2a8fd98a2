from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts import roles
from accounts.roles import scope_for
from communes.models import Commune, District, Province, ProvinceReportSettings
from criteria import queue
from ntm.lib import pdf
from ntm.lib.years import year_from_query
from plans.progress import report_plans
from reports import charts, figures, xlsx


def parse_year(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` when given (404 on garbage), else the latest year with data."""
    year = year_from_query(request)
    if year is not None:
        return year
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
        "report_links": _report_links(scope, year) if year else [],
        "queue": _work_queue(request.user, scope),
        "plans": _home_plans(scope),
    }
    return render(request, "reports/home.html", ctx)


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
    communes = Commune.objects.filter(**scope.commune_filter())
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


# --- Reports --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Area:
    """The province or district a report covers."""

    kind: str  # "national" | "province" | "district"
    code: str  # "" for the national summary
    name: str  # "toàn quốc", "tỉnh Lạng Sơn", "Huyện Chi Lăng"
    place: str  # "Hà Nội", "Lạng Sơn", "Chi Lăng": the place in the date line
    authority: str  # "UBND tỉnh Lạng Sơn"
    scope_filter: dict
    province_pk: int | None = None  # for the province report's good-practice links
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
    if kind == "national":
        if not roles.can_view_national(request.user):
            raise Http404
        return Area(
            kind=kind,
            code="",
            name=translation.gettext("toàn quốc"),
            place=translation.gettext("Hà Nội"),
            authority=translation.gettext("Văn phòng Điều phối nông thôn mới Trung ương"),
            scope_filter={},
        )
    if kind == "province":
        # The current province with the code (codes passed to merged provinces in 2025).
        province = Province.objects.with_code(code).select_related("report_settings").first()
        if province is None or not roles.can_view_province(request.user, province):
            raise Http404
        return Area(
            kind=kind,
            code=province.code,
            name=translation.gettext("tỉnh %(name)s") % {"name": province.name},
            place=province.name,
            authority=translation.gettext("UBND tỉnh %(name)s") % {"name": province.name},
            province_pk=province.pk,
            scope_filter={"province": province},
            paper=ProvinceReportSettings.for_province(province),
        )
    district = get_object_or_404(District.objects.select_related("province"), code=code)
    if not roles.can_view_district(request.user, district):
        raise Http404
    return Area(
        kind=kind,
        code=district.code,
        name=str(district),
        place=district.name,
        authority=translation.gettext("UBND %(kind)s %(name)s")
        % {"kind": district.get_kind_display().lower(), "name": district.name},
        scope_filter={"district": district},
    )


def _parse_provisional(request: HttpRequest) -> bool:
    raw = request.GET.get("provisional", "0")
    if raw not in ("0", "1"):
        raise Http404
    return raw == "1"


def _report_context(request: HttpRequest, kind: str, code: str, year: int) -> dict:
    area = _get_area_for_user(request, kind, code)
    provisional = _parse_provisional(request)
    try:
        data = figures.report_figures(
            year,
            provisional,
            grouping=area.grouping,
            # The national summary has no per-commune lists (see below).
            with_communes=not area.is_national,
            **area.scope_filter,
        )
    except ValidationError as exc:  # no criteria set in force that year
        raise Http404 from exc
    suffix = "?provisional=1" if provisional else ""
    return {
        "area": area,
        "year": year,
        "provisional": provisional,
        "suffix": suffix,
        "figures": data,
        # Plan against result (province and district reports; the plan's own definitions).
        "plans": [] if provisional else report_plans(kind, area.code, year, data),
        "report_date": timezone.localdate(),
        "charts": {
            "progress": charts.progress_chart(data.progress, data.criteria_count),
            "bands": charts.bands_chart(data.bands),
            "criteria": charts.criteria_chart(data.per_criterion),
        },
        "urls": {
            "html": reverse(f"reports:{kind}_report", args=area.url_args(year)),
            "pdf": reverse(f"reports:{kind}_report_pdf", args=area.url_args(year)) + suffix,
            "xlsx": reverse(f"reports:{kind}_report_xlsx", args=area.url_args(year)) + suffix,
            "previous": reverse(f"reports:{kind}_report", args=area.url_args(year - 1)) + suffix,
            "next": reverse(f"reports:{kind}_report", args=area.url_args(year + 1)) + suffix,
        },
    }


def report_context(request: HttpRequest, kind: str, code: str, year: int) -> dict:
    """The context every rendering of a report uses (access checked as for the page), for the
    apps that freeze a report (issued)."""
    return _report_context(request, kind, code, year)


def _filename(ctx: dict, extension: str) -> str:
    area = ctx["area"]
    name = {
        "national": "toan-quoc",
        "province": f"tinh-{area.code}",
        "district": f"huyen-{area.code}",
    }[area.kind]
    provisional = "-tam-thoi" if ctx["provisional"] else ""
    return f"bao-cao-ntm-{name}-{ctx['year']}{provisional}.{extension}"


# The national summary shows one row per province and no per-commune lists (near-standard,
# changes, annex), in HTML, PDF and xlsx alike: each province row links to the province's full
# report. Measured on the national dataset (8,417 communes), the lists cost 3.8 s of queries,
# and 5.3 s more to write the workbook (147 MB RSS), against under 1 s without them; a page of
# several MB or a PDF of ~250 pages would break the targets too.


def report_html(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    ctx = _report_context(request, kind, code, year)
    return render(request, "reports/report.html", ctx)


def report_pdf(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    ctx = _report_context(request, kind, code, year)
    html = render_to_string("reports/report_pdf.html", ctx, request=None)
    area = ctx["area"]
    key = "-".join(
        [
            area.kind,
            *([area.code] if area.code else []),
            str(year),
            "provisional" if ctx["provisional"] else "approved",
            translation.get_language() or "vi",
        ]
    )
    content, _cached = pdf.cached_pdf(html, key=key)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(ctx, "pdf")}"'
    return response


def report_xlsx(request: HttpRequest, kind: str, code: str, year: int) -> HttpResponse:
    ctx = _report_context(request, kind, code, year)
    content = xlsx.report_workbook(
        ctx["figures"], area=ctx["area"], report_date=ctx["report_date"], plans=ctx["plans"]
    )
    response = HttpResponse(content, content_type=xlsx.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(ctx, "xlsx")}"'
    return response
