from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

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
    # The file field's own read-only link is its storage's URL: /media/... (served by nothing)
    # or, with NTM_S3_BUCKET, a signed URL of the bucket. The app's download instead, behind
    # the same access check as the report's page.
    exclude = ("pdf",)
    readonly_fields = ("pdf_download",)

    @admin.display(description=_("tệp PDF"))
    def pdf_download(self, report: IssuedReport) -> str:
        url = reverse("issued:issued_pdf", args=[report.code])
        return format_html('<a href="{}">{}</a>', url, report.pdf_filename)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
