from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from criteria.admin.catalogue import CatalogueChoicesMixin
from ntm.lib.admin import FoldedSearchMixin, LabelledTabularInline
from practices import services
from practices.models import Attachment, Category, Practice


class ChangesCompendiumAdmin:
    """ModelAdmin mixin: a save or delete in the admin can change what compendiums show (a
    practice's text or a caption; a category's name or order, in every province). Counted in
    the admin's transaction (practices.services.count_compendium_change); such edits are rare,
    so a draft's edit counting too costs one render at most."""

    def compendium_provinces(self, queryset) -> list[int] | None:
        """The provinces whose compendium the objects of `queryset` are in (None: all)."""
        return None

    def _changed(self, obj) -> None:
        queryset = self.model._default_manager.filter(pk=obj.pk)
        services.count_compendium_change(province_ids=self.compendium_provinces(queryset))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._changed(obj)

    def delete_model(self, request, obj):
        provinces = self.compendium_provinces(self.model._default_manager.filter(pk=obj.pk))
        super().delete_model(request, obj)
        services.count_compendium_change(province_ids=provinces)

    def delete_queryset(self, request, queryset):
        provinces = self.compendium_provinces(queryset)
        super().delete_queryset(request, queryset)
        services.count_compendium_change(province_ids=provinces)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        self._changed(form.instance)


@admin.register(Category)
class CategoryAdmin(ChangesCompendiumAdmin, admin.ModelAdmin):
    list_display = ("name", "order")
    list_editable = ("order",)
    search_fields = ("name",)


class AttachmentInline(LabelledTabularInline):
    model = Attachment
    extra = 0
    fields = ("kind", "original_name", "caption", "content_type", "size", "uploaded_by")
    readonly_fields = ("kind", "original_name", "content_type", "size", "uploaded_by")
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through the practice page, which checks type and size.
        return False


@admin.register(Practice)
class PracticeAdmin(
    CatalogueChoicesMixin, ChangesCompendiumAdmin, FoldedSearchMixin, admin.ModelAdmin
):
    list_display = ("title", "category", "province", "district", "year", "status", "is_example")
    list_filter = ("status", "category", "year", "is_example", "province")
    search_fields = ("search_text",)  # title, summary, results, partners, contact
    autocomplete_fields = ("communes",)
    filter_horizontal = ("criteria",)
    readonly_fields = ("status", "created_by", "created_at", "published_by", "published_at")
    list_select_related = ("category", "province", "district")
    inlines = [AttachmentInline]
    actions = ["publish"]

    def compendium_provinces(self, queryset) -> list[int]:
        return list(queryset.values_list("province_id", flat=True).distinct())

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
