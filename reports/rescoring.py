"""The re-scoring preview of a province (issue 25, item 3): for a year and a chosen criteria set,
which criteria each commune would meet if its stored indicator values were judged under that
set, against what its assessment records now. A page and a workbook; both only read
(criteria.rescoring computes, nothing is written)."""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from accounts import roles
from communes.models import Province
from criteria.rescoring import Rescoring, rescore_province
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from reports.forms import RescoringForm
from reports.xlsx.rescoring import rescoring_workbook


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    """The current province with `code` if the user may see its report (its staff, admins),
    else 404, as the province report answers."""
    province = Province.objects.with_code(code).first()
    if province is None or not roles.can_view_province(request.user, province):
        raise Http404
    return province


def _context(request: HttpRequest, code: str, year: int) -> tuple[dict, bool]:
    """The page's context and whether the request was valid (a bad `?set=` is a form error:
    the page says it, 400)."""
    province = _get_province_for_user(request, code)
    form = RescoringForm(request.GET, year=year)
    valid = form.is_valid()
    ctx = {
        "province": province,
        "year": year,
        "form": form,
        "revision_choices": form.revision_choices(),
        "result": None,
        "urls": {},
    }
    if not valid:
        return ctx, False
    criteria_set, revision = form.cleaned_data["set"], form.cleaned_data["revision"]
    result = rescore_province(province, year, criteria_set, revision=revision)
    query = {"set": criteria_set.code}
    if request.GET.get("revision"):
        query["revision"] = request.GET["revision"]
    query = "?" + urlencode(query)
    ctx |= {
        "result": result,
        "urls": {
            "xlsx": reverse("reports:rescoring_xlsx", args=[province.code, year]) + query,
            "previous": reverse("reports:rescoring", args=[province.code, year - 1]) + query,
            "next": reverse("reports:rescoring", args=[province.code, year + 1]) + query,
            "report": reverse("reports:province_report", args=[province.code, year]),
        },
    }
    return ctx, True


@require_GET
def rescoring_html(request: HttpRequest, code: str, year: int) -> HttpResponse:
    ctx, valid = _context(request, code, year)
    return render(request, "reports/rescoring.html", ctx, status=200 if valid else 400)


@require_GET
def rescoring_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    ctx, valid = _context(request, code, year)
    if not valid:
        return render(request, "reports/rescoring.html", ctx, status=400)
    result: Rescoring = ctx["result"]
    response = HttpResponse(rescoring_workbook(result), content_type=XLSX_CONTENT_TYPE)
    filename = f"cham-lai-tinh-{result.province.code}-{year}-{result.criteria_set.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
