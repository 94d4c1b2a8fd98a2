"""Issued reports: list, issue, page (with today's comparison), frozen PDF, withdraw.

Everyone sees the issued reports of their scope; province staff (and admins) issue and
withdraw. Out of scope is 404."""

import datetime

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import Scope, scope_for
from communes.models import Province
from communes.versions import stamp_for
from issued import services
from issued.forms import IssueForm, WithdrawForm
from issued.models import IssuedReport
from issued.snapshot import changed_communes, snapshot
from reports.areas import area_for, report_day
from reports.context import provisional_from, report_context

TODAY_TIMEOUT = 24 * 3600  # a day: a stale stamp's entry is never read again


def _issuing_province(request: HttpRequest) -> Province | None:
    """The province whose reports the user issues: their own, or for admins `?province=`."""
    if not roles.can_issue_reports(request.user):
        return None
    province = roles.own_province(request.user)
    if province is None:
        code = request.GET.get("province") or request.POST.get("province", "")
        province = Province.objects.filter(code=code).first()
    if province is None or not roles.can_issue_reports(request.user, province):
        return None
    return province


def _get_report_for_user(request: HttpRequest, code: str) -> tuple[IssuedReport, Scope]:
    scope = scope_for(request.user)
    qs = IssuedReport.objects.visible_to(scope).select_related(
        "province", "district", "issued_by", "withdrawn_by"
    )
    return get_object_or_404(qs, code=code.upper()), scope


def issued_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    lookup = request.GET.get("code", "").strip().upper()
    if lookup:
        found = IssuedReport.objects.visible_to(scope).filter(code=lookup).first()
        if found:
            return redirect(found)
        messages.error(request, _("Không tìm thấy báo cáo có mã %(code)s.") % {"code": lookup})
    reports = IssuedReport.objects.visible_to(scope).select_related(
        "province", "district", "issued_by"
    )
    province = _issuing_province(request)
    ctx = {
        "reports": reports,
        "form": IssueForm(province=province) if province else None,
        "province": province,
    }
    return render(request, "issued/issued_list.html", ctx)


@require_POST
def issued_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    province = _issuing_province(request)
    if province is None:
        raise Http404
    form = IssueForm(request.POST, province=province)
    if form.is_valid():
        d = form.cleaned_data
        district = d["district"] if d["kind"] == IssuedReport.Kind.DISTRICT else None
        code = district.code if district else province.code
        try:
            # An official document: figures and PDF in Vietnamese whatever the page's language.
            with translation.override("vi"):
                area = area_for(d["kind"], code, user=request.user)
                day = services.figures_day(
                    year=d["year"], issued_on=d["issued_on"], report_day=report_day(area, d["year"])
                )
                # `?provisional=1` as on the report page: report_issue refuses it.
                provisional = provisional_from(request.GET)
                ctx = report_context(area, d["year"], provisional=provisional, as_at=day)
                report = services.report_issue(
                    ctx=ctx,
                    province=province,
                    district=district,
                    issued_on=d["issued_on"],
                    user=request.user,
                    number=d["number"],
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Đã ban hành báo cáo số %(number)s, mã tra cứu %(code)s.")
                % {"number": report.number_text, "code": report.code},
            )
            return redirect(report)
    reports = IssuedReport.objects.visible_to(scope).select_related(
        "province", "district", "issued_by"
    )
    ctx = {"reports": reports, "form": form, "province": province}
    return render(request, "issued/issued_list.html", ctx, status=400)


def _figures_day(report: IssuedReport) -> datetime.date | None:
    """The day the report's figures were taken on (None for those issued before the snapshot
    named it: the report's own day, as they were taken)."""
    raw = report.figures.get("as_at")
    return datetime.date.fromisoformat(raw) if raw else None


def _today(request: HttpRequest, report: IssuedReport) -> dict | None:
    """Today's snapshot of the same report on the same day (a report issued on 20/11/2026 is
    compared with today's data as at 20/11/2026, not at 31/12: N9), or None when it cannot be
    made any more (e.g. the user's scope no longer covers the area)."""
    try:
        area = area_for(report.kind, report.area_code, user=request.user)
    except Http404:
        return None
    provisional = provisional_from(request.GET)
    # Kept until the data the report of its year sees changes (the data version its report
    # pages follow): a report's whole context costs tens of queries, its stamp one.
    stamp = stamp_for(area.province_pk, report.year, provisional=provisional)
    key = f"issued:today:{report.code}:{int(provisional)}:{stamp.token}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    with translation.override("vi"):
        ctx = report_context(area, report.year, provisional=provisional, as_at=_figures_day(report))
    today = snapshot(ctx)
    cache.set(key, today, TODAY_TIMEOUT)
    return today


def issued_detail(request: HttpRequest, code: str) -> HttpResponse:
    report, scope = _get_report_for_user(request, code)
    today = _today(request, report)
    may_withdraw = roles.can_issue_reports(request.user, report.province)
    ctx = {
        "report": report,
        "frozen": report.figures["figures"],
        "figures_day": _figures_day(report)
        or (datetime.date.fromisoformat(today["as_at"]) if today else None),
        "today": today,
        "same": today is not None and today["figures"] == report.figures["figures"],
        "changed": changed_communes(report.figures, today) if today else [],
        "withdraw_form": WithdrawForm() if may_withdraw and not report.is_withdrawn else None,
    }
    return render(request, "issued/issued_detail.html", ctx)


def issued_pdf(request: HttpRequest, code: str) -> FileResponse:
    """The stored PDF, byte for byte as issued."""
    report, _scope = _get_report_for_user(request, code)
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        content_type="application/pdf",
        filename=report.pdf_filename,
    )


@require_POST
def issued_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    report, scope = _get_report_for_user(request, code)
    if not roles.can_issue_reports(request.user, report.province):
        raise Http404
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.report_withdraw(
                report=report, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã thu hồi báo cáo."))
    else:
        messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect(report)
