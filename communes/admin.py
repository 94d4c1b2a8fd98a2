from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import (
    Commune,
    CommuneDesignation,
    CommuneGroup,
    CommuneGroupAssignment,
    DataVersion,
    District,
    Province,
    ProvinceReportSettings,
    Region,
    Succession,
)
from communes.versions import ChangesFiguresAdmin
from ntm.lib.admin import FoldedSearchMixin, LabelledTabularInline


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en", "order")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(CommuneGroup)
class CommuneGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "name_en")
    search_fields = ("code", "name_vi")


@admin.register(Province)
class ProvinceAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "region", "valid_from", "valid_to", "district_count")
    list_filter = ("region",)
    search_fields = ("code", "name")
    autocomplete_fields = ("region", "formed_from")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_districts=Count("districts"))

    @admin.display(description=_("số huyện"), ordering="n_districts")
    def district_count(self, obj):
        return obj.n_districts


@admin.register(ProvinceReportSettings)
class ProvinceReportSettingsAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    """Printed on every report: a change makes new report files (ChangesFiguresAdmin)."""

    list_display = ("province", "number_suffix", "signer_name")
    search_fields = ("province__code", "province__name")
    autocomplete_fields = ("province",)
    list_select_related = ("province",)
    fields = ("province", "number_suffix", "recipients", "signer_title", "signer_name")


@admin.register(District)
class DistrictAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
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


class GroupAssignmentInline(LabelledTabularInline):
    model = CommuneGroupAssignment
    extra = 0
    autocomplete_fields = ("group",)


class DesignationInline(LabelledTabularInline):
    """Dated designations: ĐBKK, ATK, border (the province report's border line), area class
    (khu vực I, II, III: proposes the 2026-2030 group, shown beside the groups)."""

    model = CommuneDesignation
    fields = ("kind", "poor_district", "valid_from", "valid_to", "source", "note")
    extra = 0


class PredecessorInline(LabelledTabularInline):
    """Where the commune came from: the succession records naming it as the new unit."""

    model = Succession
    fk_name = "successor"
    fields = ("predecessor", "effective_on", "legal_basis", "is_partial")
    autocomplete_fields = ("predecessor",)
    extra = 0
    verbose_name = _("hình thành từ")
    verbose_name_plural = _("hình thành từ")


@admin.register(Commune)
class CommuneAdmin(FoldedSearchMixin, ChangesFiguresAdmin, admin.ModelAdmin):
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
        "province",
        "district",
        "kind",
        "in_programme",
        "is_border",
        "is_disadvantaged",
        ("valid_to", admin.EmptyFieldListFilter),
    )
    search_fields = ("code", "search_name")
    autocomplete_fields = ("province", "district")
    list_select_related = ("district",)
    inlines = [GroupAssignmentInline, DesignationInline, PredecessorInline]
    readonly_fields = ("proposed_group",)

    @admin.display(description=_("nhóm xã đề xuất (theo khu vực, năm nay)"))
    def proposed_group(self, obj):
        """A suggestion from the area class in force today; the groups are set by a person
        in "phân nhóm xã" below, never from this."""
        if obj is None or obj.pk is None:
            return "—"
        code = CommuneDesignation.objects.proposed_groups([obj.pk], timezone.localdate()).get(
            obj.pk
        )
        return code or _("không đề xuất (chỉ xã khu vực II, III được đề xuất nhóm 3)")

    def save_model(self, request, obj, form, change):
        obj.refresh_search_name()
        super().save_model(request, obj, form, change)


@admin.register(Succession)
class SuccessionAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("predecessor", "successor", "effective_on", "legal_basis", "is_partial")
    list_filter = ("effective_on", "is_partial")
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


@admin.register(CommuneGroupAssignment)
class CommuneGroupAssignmentAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("commune", "group", "year_from", "year_to")
    list_filter = ("group", "commune__province")
    search_fields = ("commune__code", "commune__name")
    autocomplete_fields = ("commune", "group")
    list_select_related = ("commune", "group")


@admin.register(CommuneDesignation)
class CommuneDesignationAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    """Read by the assessment form and the services when an assessment is saved, and by the
    province report's border line as at its day: a change counts a data version."""

    list_display = ("commune", "kind", "poor_district", "valid_from", "valid_to", "source")
    list_filter = ("kind", "poor_district", "commune__province")
    search_fields = ("commune__code", "commune__name", "source")
    autocomplete_fields = ("commune",)
    list_select_related = ("commune",)
    date_hierarchy = "valid_from"


@admin.register(DataVersion)
class DataVersionAdmin(admin.ModelAdmin):
    """Read-only: counted by the writers (communes.versions), never edited by hand."""

    list_display = ("province", "from_year", "provisional_only", "version", "changed_at")
    list_select_related = ("province",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
