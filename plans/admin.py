from django.contrib import admin

from communes.versions import ChangesFiguresAdmin
from plans.models import Plan


@admin.register(Plan)
class PlanAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = (
        "year",
        "province",
        "district",
        "commune_group",
        "tier",
        "target_certified",
        "target_average",
        "title",
    )
    list_filter = ("year", "province", "tier")
    list_select_related = ("province", "district", "commune_group")
    autocomplete_fields = ("target_communes",)
    readonly_fields = ("created_by", "updated_at")
    fields = (
        "province",
        "year",
        "district",
        "commune_group",
        "tier",
        "title",
        "target_certified",
        "target_communes",
        "target_average",
        "criterion_targets",
        "note",
        "created_by",
        "updated_at",
    )

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
