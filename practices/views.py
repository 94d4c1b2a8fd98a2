from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import Scope, can_propose_practice, can_view_compendium, scope_for
from communes.models import District, Province
from criteria.models import Criterion
from ntm.lib import reportfiles
from ntm.lib.years import YEAR_MAX, YEAR_MIN, id_from_query, year_from_query
from practices import pdf, services, tasks, uploads
from practices.forms import AttachmentForm, PracticeForm
from practices.models import Attachment, Category, Practice
from practices.uploads import DISPLAY_CONTENT_TYPES

PAGE_SIZE = 25


def _visible(request: HttpRequest) -> tuple[Scope, object]:
    scope = scope_for(request.user)
    return scope, Practice.objects.visible_to(scope, request.user)


def _get_practice_for_user(request: HttpRequest, pk: int) -> tuple[Practice, Scope]:
    """The practice if the user may see it; 404 otherwise (out of scope or another's draft)."""
    scope, qs = _visible(request)
    practice = get_object_or_404(qs.select_related("category", "province", "district"), pk=pk)
    return practice, scope


def _get_rw_practice_for_user(request: HttpRequest, pk: int) -> tuple[Practice, Scope]:
    practice, scope = _get_practice_for_user(request, pk)
    if not roles.can_edit_practice(request.user, practice):
        raise Http404
    return practice, scope


def practice_list(request: HttpRequest) -> HttpResponse:
    """Practices the user may see, filtered. A fixed number of queries whatever the number of
    practices (pinned in tests/practices/test_practice_list.py)."""
    scope, qs = _visible(request)
    filters = {
        "category": id_from_query(request, "category"),
        "district": request.GET.get("district", "").strip(),
        "criterion": id_from_query(request, "criterion"),
        "year": year_from_query(request),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["category"]:
        qs = qs.filter(category_id=filters["category"])
    if filters["district"]:
        qs = qs.filter(district__code=filters["district"])
    if filters["criterion"]:
        qs = qs.filter(criteria__pk=filters["criterion"])
    if filters["year"]:
        qs = qs.filter(year=filters["year"])
    if filters["q"]:
        qs = qs.search(filters["q"])
    qs = qs.select_related("category", "province", "district").prefetch_related(
        Prefetch("criteria", queryset=Criterion.objects.order_by("number"))
    )
    page = Paginator(qs.order_by("category__order", "-year", "title"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    districts = District.objects.order_by("code")
    if not scope.is_admin:
        districts = districts.filter(province=scope.province)
    ctx = {
        "scope": scope,
        "page": page,
        "filters": filters,
        "years": (YEAR_MIN, YEAR_MAX),  # the year field's bounds
        "categories": Category.objects.all(),
        "districts": districts,
        "criteria": Criterion.objects.select_related("criteria_set").order_by(
            "criteria_set__first_year", "number"
        ),
        "province": scope.province,
        "compendium_years": list(
            Practice.objects.published()
            .filter(province=scope.province)
            .values_list("year", flat=True)
            .distinct()
            .order_by("-year")
        )
        if scope.province is not None
        else [],
    }
    return render(request, "practices/practice_list.html", ctx)


def _detail_ctx(request: HttpRequest, practice: Practice, scope: Scope, form=None) -> dict:
    can_edit = roles.can_edit_practice(request.user, practice)
    return {
        "practice": practice,
        "communes": practice.communes.select_related("district").order_by("code"),
        "criteria": practice.criteria.select_related("criteria_set").order_by("number"),
        "attachments": practice.attachments.all(),
        "can_edit": can_edit,
        "can_publish": roles.can_publish_practice(request.user, practice),
        "attachment_form": (form or AttachmentForm()) if can_edit else None,
    }


def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice, scope = _get_practice_for_user(request, pk)
    return render(request, "practices/practice_detail.html", _detail_ctx(request, practice, scope))


def practice_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if not can_propose_practice(request.user):
        raise Http404
    if request.method == "POST":
        form = PracticeForm(request.POST, scope=scope)
        upload_form = AttachmentForm(request.POST, request.FILES, required=False, prefix="upload")
        if form.is_valid() and upload_form.is_valid():
            province = form.cleaned_data.get("province") or scope.province
            try:
                practice = services.practice_create(
                    province=province,
                    user=request.user,
                    upload=upload_form.cleaned_data.get("file"),
                    caption=upload_form.cleaned_data.get("caption", ""),
                    **form.practice_fields(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if roles.can_publish_practice(request.user, practice):
                    messages.success(request, _("Đã lưu dự thảo. Bấm “Công bố” khi sẵn sàng."))
                else:
                    messages.success(
                        request, _("Đã gửi đề xuất. Cán bộ tỉnh sẽ xem xét và công bố.")
                    )
                return redirect(practice)
    else:
        form = PracticeForm(scope=scope, initial={"year": None})
        upload_form = AttachmentForm(required=False, prefix="upload")
    ctx = {"form": form, "upload_form": upload_form, "practice": None, "scope": scope}
    return render(request, "practices/practice_form.html", ctx, status=_status(request))


def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice, scope = _get_rw_practice_for_user(request, pk)
    if request.method == "POST":
        form = PracticeForm(request.POST, instance=practice, scope=scope)
        if form.is_valid():
            try:
                services.practice_update(
                    practice=practice, user=request.user, **form.practice_fields()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu thay đổi."))
                return redirect(practice)
    else:
        form = PracticeForm(instance=practice, scope=scope)
    ctx = {"form": form, "upload_form": None, "practice": practice, "scope": scope}
    return render(request, "practices/practice_form.html", ctx, status=_status(request))


def _status(request: HttpRequest) -> int:
    """A form sent back with its errors answers 400 (issue 24: a refused value is never 200)."""
    return 400 if request.method == "POST" else 200


@require_POST
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    practice, scope = _get_practice_for_user(request, pk)
    if not roles.can_publish_practice(request.user, practice):
        raise Http404
    try:
        services.practice_publish(practice=practice, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã công bố mô hình."))
    return redirect(practice)


@require_POST
def practice_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    practice, scope = _get_practice_for_user(request, pk)
    if not roles.can_publish_practice(request.user, practice):
        raise Http404
    try:
        services.practice_unpublish(practice=practice, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã chuyển mô hình về dự thảo."))
    return redirect(practice)


@require_POST
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    practice, scope = _get_rw_practice_for_user(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        services.attachment_add(
            practice=practice,
            upload=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"],
            user=request.user,
        )
        messages.success(request, _("Đã tải tệp lên."))
        return redirect(practice)
    # Re-render the detail page with the errors: nothing was stored.
    ctx = _detail_ctx(request, practice, scope, form)
    return render(request, "practices/practice_detail.html", ctx, status=400)


def _get_attachment_for_user(request: HttpRequest, pk: int) -> tuple[Attachment, Scope]:
    scope, qs = _visible(request)
    attachment = get_object_or_404(
        Attachment.objects.select_related("practice").filter(practice__in=qs), pk=pk
    )
    return attachment, scope


def attachment_file(request: HttpRequest, pk: int) -> FileResponse:
    """The original file, as uploaded, always as a download ("tải ảnh gốc" for a photo). Uploaded
    files are not under a public /media/ URL: only users who may see the practice get them."""
    attachment, _scope = _get_attachment_for_user(request, pk)
    return uploads.file_response(
        attachment.file,
        attachment.content_type,
        filename=attachment.original_name,
        download=True,
    )


def attachment_display(request: HttpRequest, pk: int) -> FileResponse:
    """What pages show of a photo: its display copy (longest side 1600 px), inline. A photo
    stored before copies existed shows its original until `create_display_copies` runs."""
    attachment, _scope = _get_attachment_for_user(request, pk)
    if not attachment.is_photo:
        raise Http404
    if not attachment.display:
        return uploads.file_response(
            attachment.file,
            attachment.content_type,
            filename=attachment.original_name,
            download=False,
        )
    suffix = Path(attachment.display.name).suffix
    return uploads.file_response(
        attachment.display,
        DISPLAY_CONTENT_TYPES[suffix],
        filename=Path(attachment.original_name).stem + suffix,
        download=False,
    )


def attachment_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    """The photo grid's small copy (longest side 480 px); the display copy until
    `create_display_copies` has made it for a photo stored before thumbnails existed."""
    attachment, _scope = _get_attachment_for_user(request, pk)
    if not attachment.is_photo:
        raise Http404
    if not attachment.thumbnail:
        return attachment_display(request, pk)
    suffix = Path(attachment.thumbnail.name).suffix
    return uploads.file_response(
        attachment.thumbnail,
        DISPLAY_CONTENT_TYPES[suffix],
        filename=Path(attachment.original_name).stem + suffix,
        download=False,
    )


@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment, scope = _get_attachment_for_user(request, pk)
    practice = attachment.practice
    if not roles.can_edit_practice(request.user, practice):
        raise Http404
    services.attachment_delete(attachment=attachment)
    messages.success(request, _("Đã xóa tệp."))
    return redirect(practice)


def compendium_pdf(request: HttpRequest, province_code: str, year: int) -> HttpResponse:
    """The printable compendium of a province's published practices of a year. Everyone who
    works in the province may download it (it is meant to be handed out). The stored file
    when the practices have not changed since it was rendered; else rendered in the
    background while a page waits for it (ntm.lib.reportfiles.deliver)."""
    province = get_object_or_404(Province, code=province_code)
    if not can_view_compendium(request.user, province):
        raise Http404
    key = pdf.compendium_key(province, year)

    def queue() -> None:
        reportfiles.enqueue_once(
            key.file_name,
            tasks.render_compendium,
            province_id=province.pk,
            year=year,
            language=key.language,
        )

    return reportfiles.deliver(
        request,
        name=key.file_name,
        queue=queue,
        filename=f"mo-hinh-cach-lam-hay-{province.code}-{year}.pdf",
        content_type="application/pdf",
        template="practices/compendium_preparing.html",
        ctx={
            "province": province,
            "year": year,
            "page_url": reverse("practices:practice_list") + f"?year={year}",
        },
        inline=True,
    )
