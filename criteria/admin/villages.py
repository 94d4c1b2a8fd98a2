"""The villages' admin: villages, their recognitions and ĐBKK status (models in `communes`),
and the villages workbook's upload (preview, then apply). Registered here rather than in
communes/admin.py because every list and write is scoped by accounts.roles (whoever sees the
commune sees its villages; the province's staff change their province's), and `accounts` sits
above `communes` in the layers. Nothing is deleted but by an admin: a village ends by a date.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from communes.models import Village, VillageDesignation, VillageRecognition
from communes.versions import ChangesFiguresAdmin
from communes.villages import (
    COLUMNS,
    VillagesRefused,
    VillageUpload,
    plan_villages,
    read_villages_upload,
    villages_apply,
)
from ntm.lib.admin import FoldedSearchMixin, LabelledTabularInline
from ntm.lib.workbook import WorkbookError

VILLAGES_SESSION_KEY = "villages_upload"


class VillageScopedAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    """Lists what the user's scope sees; changes only what `roles.can_edit_villages` allows.
    `commune_path` leads from the model to its commune."""

    commune_path = "commune"

    def _commune(self, obj):
        for part in self.commune_path.split("__"):
            obj = getattr(obj, part)
        return obj

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{f"{self.commune_path}__in": roles.visible_communes(request.user)})
        )

    def has_change_permission(self, request, obj=None):
        if obj is not None and not roles.can_edit_villages(request.user, self._commune(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not roles.can_edit_villages(request.user, self._commune(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not roles.can_edit_villages(request.user, self._commune(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class RecognitionInline(LabelledTabularInline):
    model = VillageRecognition
    fields = (
        "kind",
        "decision_number",
        "decided_on",
        "recognised_year",
        "legal_basis",
        "revoked_on",
        "revocation_decision",
        "illustrative",
    )
    extra = 0


class VillageDesignationInline(LabelledTabularInline):
    model = VillageDesignation
    fields = ("kind", "valid_from", "valid_to", "source")
    extra = 0


@admin.register(Village)
class VillageAdmin(FoldedSearchMixin, VillageScopedAdmin):
    list_display = (
        "name",
        "code",
        "kind",
        "commune",
        "valid_from",
        "valid_to",
        "successor",
        "illustrative",
    )
    list_filter = (
        "kind",
        "illustrative",
        "commune__province",
        ("valid_to", admin.EmptyFieldListFilter),
    )
    search_fields = ("code", "search_name", "commune__code", "commune__search_name")
    list_select_related = ("commune", "successor__commune")
    fields = (
        "commune",
        "code",
        "name",
        "kind",
        "valid_from",
        "valid_to",
        "successor",
        "source",
        "illustrative",
        "note",
    )
    inlines = [RecognitionInline, VillageDesignationInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        editable = roles.editable_communes(request.user)
        if db_field.name == "commune":
            kwargs["queryset"] = editable.select_related("province")
        elif db_field.name == "successor":
            kwargs["queryset"] = Village.objects.filter(commune__in=editable).select_related(
                "commune"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        obj.refresh_search_name()
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "load/",
                self.admin_site.admin_view(self.load_view),
                name="communes_village_load",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_load_villages": roles.can_load_villages(request.user),
        }
        return super().changelist_view(request, extra_context)

    def load_view(self, request):
        """Upload, preview (the dry run), apply. Between the two steps the rows read (text,
        bounded by communes.villages.LIMITS) wait in the session, not the file; the apply
        plans them again against the database as it then stands."""
        if not roles.can_load_villages(request.user):
            raise PermissionDenied

        def may_edit(commune):
            return roles.can_edit_villages(request.user, commune)

        form = VillagesUploadForm()
        plan = None
        if request.method == "POST" and "apply" in request.POST:
            data = request.session.pop(VILLAGES_SESSION_KEY, None)
            if data is None:
                messages.error(request, _("Chưa có tệp xem trước (hoặc đã áp dụng)."))
                return redirect("admin:communes_village_load")
            try:
                plan = villages_apply(VillageUpload.from_data(data), may_edit=may_edit)
            except VillagesRefused as exc:
                plan = exc.plan
            else:
                counts = plan.counts()
                messages.success(
                    request,
                    _("Đã nạp: %(create)s thôn mới, %(update)s thôn cập nhật.") % counts,
                )
                return redirect("admin:communes_village_changelist")
        elif request.method == "POST":
            form = VillagesUploadForm(request.POST, request.FILES)
            if form.is_valid():
                try:
                    upload = read_villages_upload(form.cleaned_data["file"])
                except WorkbookError as exc:
                    form.add_error("file", exc.message)
                else:
                    plan = plan_villages(upload, may_edit=may_edit)
                    if not plan.errors:
                        request.session[VILLAGES_SESSION_KEY] = upload.to_data()
        ctx = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Nạp danh sách thôn từ tệp Excel"),
            "form": form,
            "plan": plan,
            "counts": plan.counts() if plan else None,
            "columns": COLUMNS,
        }
        return TemplateResponse(request, "admin/communes/village/load.html", ctx)


class VillagesUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp danh sách thôn (.xlsx)"))


@admin.register(VillageRecognition)
class VillageRecognitionAdmin(VillageScopedAdmin):
    commune_path = "village__commune"
    list_display = (
        "village",
        "kind",
        "decision_number",
        "decided_on",
        "recognised_year",
        "legal_basis",
        "revoked_on",
        "illustrative",
    )
    list_filter = ("kind", "recognised_year", "village__commune__province")
    search_fields = ("decision_number", "village__name", "village__commune__name")
    list_select_related = ("village__commune",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.filter(
                commune__in=roles.editable_communes(request.user)
            ).select_related("commune")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(VillageDesignation)
class VillageDesignationAdmin(VillageScopedAdmin):
    commune_path = "village__commune"
    list_display = ("village", "kind", "valid_from", "valid_to", "source")
    list_filter = ("kind", "village__commune__province")
    search_fields = ("village__name", "village__commune__name", "source")
    list_select_related = ("village__commune",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "village":
            kwargs["queryset"] = Village.objects.filter(
                commune__in=roles.editable_communes(request.user)
            ).select_related("commune")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
