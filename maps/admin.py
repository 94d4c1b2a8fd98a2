from django.contrib import admin

from maps.models import BoundaryFile


@admin.register(BoundaryFile)
class BoundaryFileAdmin(admin.ModelAdmin):
    """Read and delete only: uploads go through the province's page (maps.services)."""

    list_display = ("province", "describes_on", "file_name", "source", "uploaded_at")
    list_filter = ("province",)
    readonly_fields = [f.name for f in BoundaryFile._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
