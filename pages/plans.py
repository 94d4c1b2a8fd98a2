"""Plans of a province: list with progress, create, edit, import. Province staff of the
province and admins; anyone else gets 404 (district officials read plans in their reports)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.roles import scope_for
from communes.models import Province
from communes.versions import bump_data_version
from ntm.lib.years import year_from_query
from plans import services
from plans.forms import PlanForm, PlanImportForm
from plans.models import Plan
from reports.plan_progress import plan_progress


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    """The province if the user is its staff (or an admin); 404 otherwise."""
    scope_for(request.user)  # a user without a role: 403
    province = Province.objects.with_code(code).first()
    if province is None or not roles.can_plan(request.user, province):
        raise Http404
    return province


def plan_home(request: HttpRequest) -> HttpResponse:
    """/plans/: the plans of the user's own province (the navbar's link)."""
    scope_for(request.user)  # a user without a role: 403
    province = roles.own_province(request.user)
    if province is None:
        raise Http404
    return redirect("plans:plan_list", code=province.code)


def _get_plan_for_user(request: HttpRequest, code: str, pk: int) -> tuple[Plan, Province]:
    province = _get_province_for_user(request, code)
    return get_object_or_404(Plan, province=province, pk=pk), province


def _list_url(province: Province, year: int) -> str:
    return reverse("plans:plan_list", args=[province.code]) + f"?year={year}"


def plan_list(request: HttpRequest, code: str) -> HttpResponse:
    """The province's plans of a year with their progress: two queries per plan (its
    certifications and its area's headline), a handful of plans per year."""
    province = _get_province_for_user(request, code)
    year = year_from_query(request) or timezone.localdate().year
    plans = (
        Plan.objects.filter(province=province, year=year)
        .select_related("province", "district", "commune_group")
        .prefetch_related("target_communes")
    )
    years = sorted(
        set(Plan.objects.filter(province=province).values_list("year", flat=True)) | {year},
        reverse=True,
    )
    ctx = {
        "province": province,
        "year": year,
        "years": years,
        "rows": [plan_progress(p) for p in plans],
    }
    return render(request, "plans/plan_list.html", ctx)


def _edit(request: HttpRequest, province: Province, plan: Plan | None) -> HttpResponse:
    # A new plan starts in the year of the page it was opened from (`?year=`): the units
    # offered are those of that year.
    year = year_from_query(request) or timezone.localdate().year
    form = PlanForm(request.POST or None, instance=plan, province=province, year=year)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        if saved.created_by_id is None:
            saved.created_by = request.user
        with transaction.atomic():
            saved.save()
            form.save_m2m()
            # Plans are printed in the reports next to the results.
            bump_data_version(province_ids=[province.pk], since_year=saved.year)
        messages.success(request, _("Đã lưu kế hoạch."))
        return redirect(_list_url(province, saved.year))
    status = 400 if request.method == "POST" else 200
    ctx = {"province": province, "plan": plan, "form": form}
    return render(request, "plans/plan_form.html", ctx, status=status)


def plan_create(request: HttpRequest, code: str) -> HttpResponse:
    return _edit(request, _get_province_for_user(request, code), None)


def plan_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    plan, province = _get_plan_for_user(request, code, pk)
    return _edit(request, province, plan)


def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    province = _get_province_for_user(request, code)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            rows = services.read_plan_rows(form.cleaned_data["file"], province=province)
            result = services.plans_import(
                province=province,
                rows=rows,
                user=request.user,
                replace=form.cleaned_data["replace"],
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Đã nhập kế hoạch: %(created)s mới, %(updated)s cập nhật.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect(_list_url(province, rows[0].year))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "plans/plan_import.html", {"province": province, "form": form}, status=status
    )
