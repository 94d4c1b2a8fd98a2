from django.contrib import admin

from issued.models import IssuedReport


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    """Read-only: issued reports are made and withdrawn on their pages, never deleted."""

    list_display = (
        "number",
        "series_year",
        "area_name",
        "year",
        "issued_on",
        "code",
        "withdrawn_at",
    )
    list_filter = ("province", "year", "kind")
    list_select_related = ("province", "district", "issued_by")
    search_fields = ("code", "area_name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
