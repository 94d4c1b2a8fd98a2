from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierFile, DossierStep, Procedure, ProcedureStep


class StepInline(admin.TabularInline):
    model = DossierStep
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")


class FileInline(admin.TabularInline):
    model = DossierFile
    extra = 0
    fields = (
        "step",
        "criterion",
        "indicator",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through the dossier page, which checks type and size.
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("commune", "tier", "year", "completed_at")
    list_filter = ("year", "tier")
    list_select_related = ("commune",)
    search_fields = ("commune__name", "commune__code")
    readonly_fields = ("certification", "completed_at", "dossier_reason", "created_by")
    raw_id_fields = ("commune",)
    inlines = [StepInline, FileInline]

    @admin.display(description=_("lý do công nhận khi hồ sơ chưa đủ"))
    def dossier_reason(self, obj: Dossier) -> str:
        return obj.certification.dossier_reason if obj.certification else ""


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    """The procedures are data: a period's steps, who records each, its legal basis and posting
    rule are edited here when they are published (2026-2030 is unconfirmed). Dossiers of a year
    follow the procedure of that year; steps already recorded are never removed."""

    list_display = ("__str__", "first_year", "last_year", "confirmed", "posting_days")
    list_filter = ("confirmed",)
    inlines = [ProcedureStepInline]
