"""The catalogue workbook's admin views: download a criteria set as a workbook and load one back
(upload, preview, apply). They are the admin's own pages, routed by `CriteriaSetAdmin.get_urls`
and drawn in its layout, so they stay beside the admin in the domain app; the public pages live
in the `pages` app, which the domain never imports.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import roles
from criteria.catalogue_import import (
    CatalogueRefused,
    catalogue_apply,
    other_set_error,
    plan_catalogue,
)
from criteria.catalogue_workbook import Upload, catalogue_xlsx, read_catalogue_upload
from criteria.forms import CatalogueUploadForm
from criteria.models import CriteriaSet
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from ntm.lib.workbook import WorkbookError

CATALOGUE_SESSION_KEY = "catalogue_upload:{pk}"


def _get_catalogue_set_for_user(request: HttpRequest, pk: int) -> CriteriaSet:
    """The set whose catalogue the user may download and load: 403 for anyone else."""
    if not roles.can_manage_catalogue(request.user):
        raise PermissionDenied
    return get_object_or_404(CriteriaSet, pk=pk)


@require_GET
def catalogue_export(request: HttpRequest, pk: int) -> HttpResponse:
    cset = _get_catalogue_set_for_user(request, pk)
    response = HttpResponse(catalogue_xlsx(cset), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bo-tieu-chi-{cset.code}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload, preview (the dry run), apply. Between the two steps the parsed workbook (text
    only, bounded by catalogue_workbook.LIMITS) waits in the user's session, not the file: the
    apply plans it again against the set as it then stands, so nothing is applied that the
    preview did not check, and no uploaded file is kept on disk."""
    cset = _get_catalogue_set_for_user(request, pk)
    key = CATALOGUE_SESSION_KEY.format(pk=cset.pk)
    form = CatalogueUploadForm()
    plan = None
    if request.method == "POST" and "apply" in request.POST:
        data = request.session.get(key)
        if data is None:
            messages.error(request, _("Chưa có tệp xem trước (hoặc đã áp dụng): hãy tải tệp lên."))
            return redirect("admin:criteria_criteriaset_catalogue_import", cset.pk)
        try:
            plan = catalogue_apply(Upload.from_data(data), user=request.user)
        except CatalogueRefused as exc:
            plan = exc.plan
        else:
            del request.session[key]
            if plan.revision is None:
                messages.info(request, _("Tệp không khác bộ tiêu chí: không có gì thay đổi."))
            else:
                messages.success(
                    request,
                    _("Đã nhập bộ tiêu chí theo lần sửa đổi “%(citation)s”.")
                    % {"citation": plan.revision.citation},
                )
            return redirect("admin:criteria_criteriaset_change", cset.pk)
    elif request.method == "POST":
        form = CatalogueUploadForm(request.POST, request.FILES)
        request.session.pop(key, None)
        if form.is_valid():
            try:
                upload = read_catalogue_upload(form.cleaned_data["file"])
            except WorkbookError as exc:
                form.add_error("file", exc.message)
            else:
                plan = plan_catalogue(upload)
                if plan.criteria_set is not None and plan.criteria_set.pk != cset.pk:
                    plan.errors.append(other_set_error(upload, cset))
                if not plan.errors and plan.changes:
                    request.session[key] = upload.to_data()
    ctx = {
        **admin.site.each_context(request),
        "title": _("Nhập bộ tiêu chí từ tệp"),
        "opts": CriteriaSet._meta,
        "original": cset,
        "form": form,
        "plan": plan,
        "counts": plan.counts() if plan else None,
    }
    return render(request, "admin/criteria/criteriaset/catalogue_import.html", ctx)
