from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ntm.lib.admin import FoldedSearchMixin
from practices import services
from practices.models import Attachment, Category, Practice


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("kind", "original_name", "caption", "content_type", "size", "uploaded_by")
    readonly_fields = ("kind", "original_name", "content_type", "size", "uploaded_by")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through the practice page, which checks type and size.
        return False


@admin.register(Practice)
class PracticeAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("title", "category", "province", "district", "year", "status", "is_example")
    list_filter = ("status", "category", "year", "is_example", "province")
    search_fields = ("search_text",)  # title, summary, results, partners, contact
    autocomplete_fields = ("communes",)
    filter_horizontal = ("criteria",)
    readonly_fields = ("status", "created_by", "created_at", "published_by", "published_at")
    list_select_related = ("category", "province", "district")
    inlines = [AttachmentInline]
    actions = ["publish"]

    def save_model(self, request, obj, form, change):
        obj.refresh_search_text()
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Công bố các mô hình đã chọn"))
    def publish(self, request, queryset):
        count = 0
        for practice in queryset.filter(status=Practice.Status.DRAFT):
            services.practice_publish(practice=practice, user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("Đã công bố %(n)d mô hình.", "Đã công bố %(n)d mô hình.", count)
            % {"n": count},
        )
