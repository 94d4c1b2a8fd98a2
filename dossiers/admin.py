from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierFile, DossierStep, Procedure, ProcedureStep
from ntm.lib.admin import LabelledTabularInline


class StepInline(LabelledTabularInline):
    model = DossierStep
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")


class FileInline(LabelledTabularInline):
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

    def get_queryset(self, request):
        # Criteria and indicators are named with their set.
        return (
            super()
            .get_queryset(request)
            .select_related("criterion__criteria_set", "indicator__criterion__criteria_set")
        )

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


class ProcedureStepInline(LabelledTabularInline):
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
