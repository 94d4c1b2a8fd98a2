"""The import pages: upload -> dry-run preview -> apply (or cancel), and the template and export
downloads.

The workbook is read once, on upload, from a temporary file of that request; its parsed rows
and the preview's report are kept in the database under a random token that only the
uploader's session knows (`imports.uploads`), so any app server can show or apply them.
Reloading the preview reads the stored report; the apply re-validates the stored rows against
the database as it is then. Nothing parsed travels through the browser.
"""

import contextlib
import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.roles import Scope, can_import, scope_for
from communes.models import District, Province
from imports import uploads
from imports.forms import ApplyForm, ExportForm, TemplateForm, UploadForm
from imports.report import (
    ImportReport,
    WorkbookError,
    report_from_data,
    report_to_data,
)
from imports.services import import_assessments
from imports.workbook import read_source, sheet_from_data, sheet_to_data
from imports.writer import criteria_sets_for_years, export_workbook, template_workbook
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE

SESSION_KEY = "imports"
MAX_PREVIEW_ROWS = 1000
MAX_PREVIEW_ERRORS = 500


def _get_import_scope(request: HttpRequest) -> Scope:
    """Province staff (their province) and admins import; district and commune officials may
    not (403)."""
    scope = scope_for(request.user)
    if not can_import(request.user):
        raise PermissionDenied
    return scope


def _check_requested_units(request: HttpRequest) -> None:
    """A province or district outside the user's scope (or unknown) is 404, as everywhere
    else."""
    code = request.GET.get("province")
    if code:
        province = Province.objects.with_code(code).first()
        if province is None or not roles.can_view_province(request.user, province):
            raise Http404
    code = request.GET.get("district")
    if code and not any(
        roles.can_view_district(request.user, d) for d in District.objects.filter(code=code)
    ):
        raise Http404


def _get_upload(request: HttpRequest, token: str) -> dict:
    """The pending upload of `token`: in this session and stored for this user, or 404."""
    if token not in request.session.get(SESSION_KEY, {}):
        raise Http404
    entry = uploads.load(request.user, token)
    if entry is None:
        raise Http404
    return entry


def _forget(request: HttpRequest, token: str) -> None:
    uploads.remove(request.user, token)
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


def _page(request, scope, *, upload=None, template_form=None, export_form=None, status=200):
    ctx = {
        "scope": scope,
        "upload_form": upload or UploadForm(),
        "template_form": template_form or TemplateForm(scope=scope),
        "export_form": export_form or ExportForm(scope=scope),
    }
    return render(request, "imports/import_upload.html", ctx, status=status)


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    scope = _get_import_scope(request)
    if request.method != "POST":
        return _page(request, scope)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, scope, upload=form, status=400)
    uploads.remove_expired()
    upload = form.cleaned_data["file"]
    refused = uploads.quota_error(request.user)  # full already: the file is not read
    if refused:
        form.add_error("file", refused)
        return _page(request, scope, upload=form, status=400)
    token = secrets.token_urlsafe(24)
    update_approved = form.cleaned_data["update_approved"]
    try:
        sheet = read_source(file=upload)  # a temporary file, gone with the request
    except WorkbookError as exc:
        sheet = None
        report = ImportReport(errors=[exc.as_error()])
    else:
        report = import_assessments(
            sheet=sheet, user=request.user, update_approved=update_approved, dry_run=True
        )
    try:
        uploads.store(
            request.user,
            token,
            {
                "name": upload.name,
                "update_approved": update_approved,
                "sheet": sheet_to_data(sheet) if sheet is not None else None,
                "report": report_to_data(report),
            },
        )
    except uploads.QuotaError as exc:  # counted with what it stores, uploads at once included
        form.add_error("file", exc.message)
        return _page(request, scope, upload=form, status=400)
    pending = request.session.get(SESSION_KEY, {})
    pending[token] = upload.name
    request.session[SESSION_KEY] = pending
    return redirect("imports:import_preview", token=token)


def _preview(request, token: str, entry: dict, report: ImportReport, status=200, form=None):
    ctx = {
        "token": token,
        "entry": entry,
        "report": report,
        "apply_form": form or ApplyForm(),
        "outcomes": report.outcomes[:MAX_PREVIEW_ROWS],
        "errors": report.errors[:MAX_PREVIEW_ERRORS],
        "more_errors": max(0, len(report.errors) - MAX_PREVIEW_ERRORS),
        "more_outcomes": max(0, len(report.outcomes) - MAX_PREVIEW_ROWS),
    }
    return render(request, "imports/import_preview.html", ctx, status=status)


@require_GET
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    """The report made when the file was uploaded: reloading costs one row read."""
    _get_import_scope(request)
    entry = _get_upload(request, token)
    return _preview(request, token, entry, report_from_data(entry["report"]))


@require_POST
def import_apply(request: HttpRequest, token: str) -> HttpResponse:
    _get_import_scope(request)
    entry = _get_upload(request, token)
    form = ApplyForm(request.POST)
    form.is_valid()  # one optional checkbox: always valid
    if entry["sheet"] is None:  # the file itself was refused
        messages.error(request, _("Chưa ghi dữ liệu nào: tệp có lỗi."))
        return _preview(request, token, entry, report_from_data(entry["report"]), status=400)
    report = import_assessments(
        sheet=sheet_from_data(entry["sheet"]),
        user=request.user,
        update_approved=entry["update_approved"],
        allow_lowering=form.cleaned_data["allow_lowering"],
        dry_run=False,
    )
    if not report.applied:
        messages.error(request, report.refused or _("Chưa ghi dữ liệu nào: tệp có lỗi."))
        # What the database says now, for the next reload too.
        entry["report"] = report_to_data(report)
        with contextlib.suppress(uploads.QuotaError):  # too large: the upload's report stays
            uploads.store(request.user, token, entry)
        return _preview(request, token, entry, report, status=400, form=form)
    _forget(request, token)
    messages.success(request, _("Đã nhập dữ liệu. ") + report.summary())
    years = [o.year for o in report.outcomes if o.year]
    url = reverse("home")
    return redirect(f"{url}?year={max(years)}" if years else url)


@require_POST
def import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    _get_import_scope(request)
    _get_upload(request, token)
    _forget(request, token)
    messages.info(request, _("Đã hủy tệp nhập; không có dữ liệu nào được ghi."))
    return redirect("imports:import_upload")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    """The blank template for a province or one of its districts and a year."""
    scope = _get_import_scope(request)
    _check_requested_units(request)
    form = TemplateForm(request.GET, scope=scope)
    if not form.is_valid():
        return _page(request, scope, template_form=form, status=400)
    province, district, year = (form.cleaned_data[k] for k in ("province", "district", "year"))
    criteria_set = criteria_sets_for_years(year, year)[year]
    content = template_workbook(year, criteria_set, province, district)
    place = district.code if district else province.code
    return _xlsx(content, f"mau-nhap-danh-gia-{place}-{year}.xlsx")


@require_GET
def export_download(request: HttpRequest) -> HttpResponse:
    """A province's assessments for a range of years, in the import format."""
    scope = _get_import_scope(request)
    _check_requested_units(request)
    form = ExportForm(request.GET, scope=scope)
    if not form.is_valid():
        return _page(request, scope, export_form=form, status=400)
    province, first, last = (form.cleaned_data[k] for k in ("province", "first", "last"))
    if not criteria_sets_for_years(first, last):
        # No criteria set in force in any of those years: no columns to write (was a 500).
        form.add_error(
            None,
            _(
                "Không có bộ tiêu chí nào áp dụng cho các năm %(first)s–%(last)s: "
                "không có gì để xuất."
            )
            % {"first": first, "last": last},
        )
        return _page(request, scope, export_form=form, status=400)
    content = export_workbook(province, first, last)
    return _xlsx(content, f"danh-gia-{province.code}-{first}-{last}.xlsx")
