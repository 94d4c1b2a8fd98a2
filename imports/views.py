"""The import pages: upload -> dry-run preview -> apply, and the template and export downloads.

The uploaded file is kept in a temporary file named by a random token that only the uploader's
session knows; the preview and the apply both re-read it on the server, so nothing parsed ever
travels through the browser.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import Scope, can_import, scope_for
from imports.export import export_workbook
from imports.forms import ExportForm, TemplateForm, UploadForm
from imports.services import ImportReport, criteria_sets_for_years, import_assessments
from imports.template import XLSX_CONTENT_TYPE, template_workbook

SESSION_KEY = "imports"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "ntm-imports"
UPLOAD_MAX_AGE = 24 * 3600
MAX_PREVIEW_ROWS = 1000
MAX_PREVIEW_ERRORS = 500


def _get_import_scope(request: HttpRequest) -> Scope:
    """Province staff (their province) and admins import; district and commune officials may
    not (403)."""
    scope = scope_for(request.user)
    if not can_import(request.user):
        raise PermissionDenied
    return scope


def _check_requested_units(request: HttpRequest, scope: Scope) -> None:
    """A province or district outside the user's scope is 404, as everywhere else."""
    if scope.is_admin:
        return
    province = request.GET.get("province")
    if province and province != scope.province.code:
        raise Http404
    district = request.GET.get("district")
    if district and not scope.province.districts.filter(code=district).exists():
        raise Http404


def _get_upload(request: HttpRequest, token: str) -> dict:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or not Path(entry["path"]).is_file():
        raise Http404
    return entry


def _page(request, scope, *, upload=None, template_form=None, export_form=None, status=200):
    ctx = {
        "scope": scope,
        "upload_form": upload or UploadForm(),
        "template_form": template_form or TemplateForm(scope=scope),
        "export_form": export_form or ExportForm(scope=scope),
    }
    return render(request, "imports/import_upload.html", ctx, status=status)


def _remove_stale_uploads() -> None:
    if not UPLOAD_DIR.is_dir():
        return
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in UPLOAD_DIR.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    scope = _get_import_scope(request)
    if request.method != "POST":
        return _page(request, scope)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, scope, upload=form, status=400)
    _remove_stale_uploads()
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    path = UPLOAD_DIR / f"{token}.xlsx"
    with path.open("wb") as fh:
        for chunk in form.cleaned_data["file"].chunks():
            fh.write(chunk)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {
        "path": str(path),
        "name": form.cleaned_data["file"].name,
        "update_approved": form.cleaned_data["update_approved"],
    }
    request.session[SESSION_KEY] = uploads
    return redirect("imports:import_preview", token=token)


def _preview(request, token: str, entry: dict, report: ImportReport, status=200):
    ctx = {
        "token": token,
        "entry": entry,
        "report": report,
        "outcomes": report.outcomes[:MAX_PREVIEW_ROWS],
        "errors": report.errors[:MAX_PREVIEW_ERRORS],
        "more_errors": max(0, len(report.errors) - MAX_PREVIEW_ERRORS),
        "more_outcomes": max(0, len(report.outcomes) - MAX_PREVIEW_ROWS),
    }
    return render(request, "imports/import_preview.html", ctx, status=status)


def _run(request: HttpRequest, entry: dict, *, dry_run: bool):
    """Import the uploaded file kept for this session (a dry run for the preview)."""
    return import_assessments(
        file=entry["path"],
        user=request.user,
        update_approved=entry["update_approved"],
        dry_run=dry_run,
    )


@require_GET
def import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _get_import_scope(request)
    entry = _get_upload(request, token)
    report = _run(request, entry, dry_run=True)
    return _preview(request, token, entry, report)


@require_POST
def import_apply(request: HttpRequest, token: str) -> HttpResponse:
    _get_import_scope(request)
    entry = _get_upload(request, token)
    report = _run(request, entry, dry_run=False)
    if not report.applied:
        messages.error(request, _("Chưa ghi dữ liệu nào: tệp có lỗi."))
        return _preview(request, token, entry, report, status=400)
    Path(entry["path"]).unlink(missing_ok=True)
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    messages.success(request, _("Đã nhập dữ liệu. ") + report.summary())
    years = [o.year for o in report.outcomes]
    url = reverse("reports:home")
    return redirect(f"{url}?year={max(years)}" if years else url)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def template_download(request: HttpRequest) -> HttpResponse:
    """The blank template for a province or one of its districts and a year."""
    scope = _get_import_scope(request)
    _check_requested_units(request, scope)
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
    _check_requested_units(request, scope)
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
