from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from communes.models import (
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
    District,
    Province,
    Region,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "order")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(CommuneGroup)
class CommuneGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi")


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region", "district_count")
    list_filter = ("region",)
    search_fields = ("code", "name")
    autocomplete_fields = ("region",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_districts=Count("districts"))

    @admin.display(description=_("số huyện"), ordering="n_districts")
    def district_count(self, obj):
        return obj.n_districts


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "commune_count", "programme_count")
    list_filter = ("province", "kind")
    search_fields = ("code", "name")
    autocomplete_fields = ("province",)
    list_select_related = ("province",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_communes=Count("communes"),
                n_programme=Count("communes", filter=Q(communes__in_programme=True)),
            )
        )

    @admin.display(description=_("số đơn vị cấp xã"), ordering="n_communes")
    def commune_count(self, obj):
        return obj.n_communes

    @admin.display(description=_("số xã trong chương trình"), ordering="n_programme")
    def programme_count(self, obj):
        return obj.n_programme


class GroupAssignmentInline(admin.TabularInline):
    model = CommuneGroupAssignment
    extra = 0
    autocomplete_fields = ("group",)


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "district",
        "in_programme",
        "is_border",
        "is_disadvantaged",
        "valid_from",
        "valid_to",
    )
    list_filter = (
        "district__province",
        "district",
        "kind",
        "in_programme",
        "is_border",
        "is_disadvantaged",
        ("valid_to", admin.EmptyFieldListFilter),
    )
    search_fields = ("code", "name")
    autocomplete_fields = ("district", "predecessors")
    list_select_related = ("district",)
    inlines = [GroupAssignmentInline]


@admin.register(CommuneGroupAssignment)
class CommuneGroupAssignmentAdmin(admin.ModelAdmin):
    list_display = ("commune", "group", "year_from", "year_to")
    list_filter = ("group", "commune__district__province")
    search_fields = ("commune__code", "commune__name")
    autocomplete_fields = ("commune", "group")
    list_select_related = ("commune", "group")
