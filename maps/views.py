"""The boundary files of a province: the list with the upload form, and each upload's report
(features matched, features unmatched, units without a feature)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from communes.models import Province
from maps import reading, services
from maps.forms import BoundaryUploadForm
from maps.models import BoundaryFile


def _get_province_for_user(request: HttpRequest, code: str) -> Province:
    """The current province `code` when the user manages its boundaries, else 404 (codes
    reveal nothing outside the user's scope)."""
    province = Province.objects.with_code(code).first()
    if province is None or not roles.can_manage_boundaries(request.user, province):
        raise Http404
    return province


def boundary_list(request: HttpRequest, code: str) -> HttpResponse:
    province = _get_province_for_user(request, code)
    status = 200
    if request.method == "POST":
        form = BoundaryUploadForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                boundary = services.boundary_upload(
                    province=province,
                    name=d["file"].name,
                    data=d["file"].read(reading.MAX_BYTES + 1),
                    describes_on=d["describes_on"],
                    source=d["source"],
                    user=request.user,
                    code_property=d["code_property"].strip(),
                    name_property=d["name_property"].strip(),
                )
            except reading.BoundaryFileError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("Đã tải lên tệp ranh giới."))
                return redirect(boundary)
        status = 400
    else:
        form = BoundaryUploadForm()
    ctx = {
        "province": province,
        "form": form,
        "files": BoundaryFile.objects.filter(province=province).select_related("uploaded_by"),
        "report_year": timezone.localdate().year,
    }
    return render(request, "maps/boundary_list.html", ctx, status=status)


def boundary_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    province = _get_province_for_user(request, code)
    boundary = get_object_or_404(BoundaryFile, pk=pk, province=province)
    return render(
        request,
        "maps/boundary_detail.html",
        {"province": province, "boundary": boundary, "report": boundary.report},
    )
