"""The catalogue's admin: criteria sets, their amendments and poverty standards, criterion
groups, criteria, indicators and thresholds. Edits of a set in force are recorded as a revision
(`RevisionsAdminMixin`, criteria.revisions) and change the figures (ChangesFiguresAdmin)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts import roles
from communes.versions import ChangesFiguresAdmin, bump_data_version
from criteria import catalogue_views, revisions
from criteria.catalogue import LOADED_SOURCE
from criteria.models import (
    CriteriaSet,
    CriteriaSetAmendment,
    Criterion,
    CriterionGroup,
    Indicator,
    PovertyStandard,
    Threshold,
)
from ntm.lib.admin import LabelledTabularInline

# What a criterion's and an indicator's name (their __str__, with the set's code) reads.
WITH_SET = {Criterion: ("criteria_set",), Indicator: ("criterion__criteria_set",)}


class CatalogueChoicesMixin:
    """Criteria and indicators in a select, an autocomplete or a filter_horizontal are named
    with their set; their querysets load the set in the same query (no query per option)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _with_sets(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _with_sets(super().formfield_for_manytomany(db_field, request, **kwargs))


def _with_sets(field):
    queryset = getattr(field, "queryset", None)
    if queryset is not None and queryset.model in WITH_SET:
        field.queryset = queryset.select_related(*WITH_SET[queryset.model])
    return field


class CriterionGroupInline(LabelledTabularInline):
    model = CriterionGroup
    extra = 0


class PovertyStandardInline(LabelledTabularInline):
    model = PovertyStandard
    extra = 0


class CriteriaSetAmendmentInline(admin.StackedInline):
    """The acts that amended the set (211/QĐ-TTg for 2021-2025): their content is entered and
    confirmed here once known; reports say "chưa xác nhận" until then."""

    model = CriteriaSetAmendment
    extra = 0
    fields = ("citation", "effective_from", "content_confirmed", "summary", "source")


@admin.register(CriteriaSetAmendment)
class CriteriaSetAmendmentAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("citation", "criteria_set", "effective_from", "content_confirmed")
    list_filter = ("content_confirmed", "criteria_set")
    search_fields = ("citation", "summary")


@admin.register(PovertyStandard)
class PovertyStandardAdmin(admin.ModelAdmin):
    list_display = ("name_vi", "criteria_set", "year_from", "year_to", "legal_basis", "confirmed")
    list_filter = ("criteria_set", "confirmed")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = (
        "code",
        "name_vi",
        "level",
        "first_year",
        "last_year",
        "effective_from",
        "effective_to",
        "criterion_count",
        "indicator_count",
    )
    list_filter = ("level", "threshold_basis")
    search_fields = ("code", "name_vi", "legal_basis")
    inlines = [CriterionGroupInline, PovertyStandardInline, CriteriaSetAmendmentInline]
    # What the reports read from the set; empty fields are UNCONFIRMED and said so in reports.
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "name_vi",
                    "name_en",
                    "legal_basis",
                    "level",
                    "first_year",
                    "last_year",
                    "effective_from",
                    "effective_to",
                    "threshold_basis",
                    "designated_region",
                )
            },
        ),
        (
            _("Trong báo cáo"),
            {
                "fields": (
                    "near_standard_missing",
                    "revocation_basis",
                    "revocation_percent",
                    "revocation_key_percent",
                    "revocation_key_criteria",
                )
            },
        ),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_criteria=Count("criteria", distinct=True),
                n_indicators=Count("criteria__indicators", distinct=True),
            )
        )

    @admin.display(description=_("số tiêu chí"), ordering="n_criteria")
    def criterion_count(self, obj):
        return obj.n_criteria

    @admin.display(description=_("số chỉ tiêu"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators

    def get_urls(self):
        # The catalogue workbook's pages ask accounts.roles.can_manage_catalogue themselves
        # (403 for anyone else), so they are not wrapped in the admin's own staff check.
        return [
            path(
                "<int:pk>/catalogue.xlsx",
                catalogue_views.catalogue_export,
                name="criteria_criteriaset_catalogue_export",
            ),
            path(
                "<int:pk>/catalogue/",
                catalogue_views.catalogue_import,
                name="criteria_criteriaset_catalogue_import",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_manage_catalogue": roles.can_manage_catalogue(request.user),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CriterionGroup)
class CriterionGroupAdmin(ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("code", "name_vi", "criteria_set", "order")
    list_filter = ("criteria_set",)
    search_fields = ("code", "name_vi")


class IndicatorInline(LabelledTabularInline):
    model = Indicator
    extra = 0
    fields = ("code", "order", "name_vi", "unit", "kind", "comparison", "wording_confirmed")
    show_change_link = True

    def get_queryset(self, request):
        # The set as it stands: rows a revision ended stay for what was judged under them.
        # With the set: each row is named with it.
        return (
            super()
            .get_queryset(request)
            .filter(withdrawn_in__isnull=True)
            .select_related(*WITH_SET[Indicator])
        )


class RevisionsAdminMixin:
    """Indicators and levels edited by hand go into a revision of their set
    (criteria.revisions): added rows carry it, a changed level is the old row ended and a new
    one added, a deleted row is ended; so an assessment judged before shows what it showed."""

    def _revision(self, request, criteria_set):
        if not hasattr(request, "_ntm_revisions"):
            request._ntm_revisions = {}
        if criteria_set.pk not in request._ntm_revisions:
            request._ntm_revisions[criteria_set.pk] = revisions.revision_for_change(
                criteria_set, user=request.user
            )
        return request._ntm_revisions[criteria_set.pk]

    def _save_level(self, request, obj, change: bool):
        criteria_set = obj.indicator.criterion.criteria_set
        if change and obj.source == LOADED_SOURCE:
            # A threshold edited by hand is no longer the loader's: load_criteria keeps it.
            obj.source = f"admin:{request.user.username}"
        revision = self._revision(request, criteria_set)
        if not change:
            obj.added_in = revision
            obj.save()
            return obj
        original = Threshold.objects.get(pk=obj.pk)
        changes = {name: getattr(obj, name) for name in (*revisions.LEVEL_FIELDS, "source")}
        if all(getattr(original, name) == value for name, value in changes.items()):
            return original
        return revisions.threshold_change(original, revision, **changes)

    def _save_revised_formset(self, request, formset):
        """Save an inline of thresholds or indicators through the revision rules."""
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            criteria_set = (
                obj.criterion.criteria_set
                if isinstance(obj, Indicator)
                else obj.indicator.criterion.criteria_set
            )
            revisions.row_withdraw(obj, self._revision(request, criteria_set))
        for obj in formset.new_objects:
            if isinstance(obj, Indicator):
                obj.added_in = self._revision(request, obj.criterion.criteria_set)
                obj.save()
            else:
                self._save_level(request, obj, change=False)
        for obj, _fields in formset.changed_objects:
            if isinstance(obj, Indicator):
                obj.save()  # wording and order: no level changes
            else:
                self._save_level(request, obj, change=True)
        formset.save_m2m()


@admin.register(Criterion)
class CriterionAdmin(RevisionsAdminMixin, ChangesFiguresAdmin, admin.ModelAdmin):
    list_display = ("number", "name_vi", "name_en", "group", "criteria_set", "indicator_count")
    list_filter = ("criteria_set", "group")
    search_fields = ("name_vi", "name_en")
    autocomplete_fields = ("criteria_set", "group")
    list_select_related = ("criteria_set", "group")
    inlines = [IndicatorInline]

    def get_queryset(self, request):
        # The set too: the autocomplete names each criterion with it.
        return (
            super()
            .get_queryset(request)
            .select_related(*WITH_SET[Criterion])
            .annotate(
                n_indicators=Count("indicators", filter=Q(indicators__withdrawn_in__isnull=True))
            )
        )

    def save_formset(self, request, form, formset, change):
        self._save_revised_formset(request, formset)
        bump_data_version()

    @admin.display(description=_("số chỉ tiêu"), ordering="n_indicators")
    def indicator_count(self, obj):
        return obj.n_indicators


class ThresholdInline(LabelledTabularInline):
    model = Threshold
    extra = 0
    fields = (
        "region",
        "commune_group",
        "province",
        "year_from",
        "year_to",
        "value",
        "value_secondary",
        "status",
        "source",
    )
    autocomplete_fields = ("region", "commune_group", "province")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(withdrawn_in__isnull=True)


class UnconfirmedFilter(admin.SimpleListFilter):
    title = _("ngưỡng chưa xác nhận")
    parameter_name = "unconfirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Có ngưỡng chưa xác nhận hoặc chưa có giá trị"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(thresholds__status__in=["unconfirmed", "unknown"]).distinct()
        return queryset


@admin.register(Indicator)
class IndicatorAdmin(
    CatalogueChoicesMixin, RevisionsAdminMixin, ChangesFiguresAdmin, admin.ModelAdmin
):
    list_display = (
        "code",
        "short_name",
        "criterion",
        "kind",
        "comparison",
        "unit",
        "unconfirmed_thresholds",
    )
    list_filter = ("criterion__criteria_set", "kind", UnconfirmedFilter)
    search_fields = ("code", "name_vi", "name_en")
    autocomplete_fields = ("criterion",)
    readonly_fields = ("added_in", "withdrawn_in")
    list_select_related = ("criterion__criteria_set",)
    inlines = [ThresholdInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(*WITH_SET[Indicator])  # the autocomplete names the set
            .annotate(
                n_unconfirmed=Count(
                    "thresholds", filter=Q(thresholds__status__in=["unconfirmed", "unknown"])
                )
            )
        )

    @admin.display(description=_("nội dung"))
    def short_name(self, obj):
        return obj.name_vi[:80]

    @admin.display(description=_("ngưỡng chưa xác nhận"), ordering="n_unconfirmed")
    def unconfirmed_thresholds(self, obj):
        return obj.n_unconfirmed

    def save_model(self, request, obj, form, change):
        if not change:
            obj.added_in = self._revision(request, obj.criterion.criteria_set)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        revisions.row_withdraw(obj, self._revision(request, obj.criterion.criteria_set))
        bump_data_version()

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("criterion__criteria_set"):
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        self._save_revised_formset(request, formset)
        bump_data_version()


@admin.register(Threshold)
class ThresholdAdmin(
    CatalogueChoicesMixin, RevisionsAdminMixin, ChangesFiguresAdmin, admin.ModelAdmin
):
    list_display = (
        "indicator",
        "region",
        "commune_group",
        "province",
        "year_from",
        "year_to",
        "value",
        "value_secondary",
        "status",
    )
    list_filter = ("status", "indicator__criterion__criteria_set", "region")
    search_fields = ("indicator__code", "indicator__name_vi")
    autocomplete_fields = ("indicator", "region", "commune_group", "province")
    list_select_related = (
        "indicator__criterion__criteria_set",
        "region",
        "commune_group",
        "province",
    )

    readonly_fields = ("added_in", "withdrawn_in")

    def save_model(self, request, obj, form, change):
        self._save_level(request, obj, change)
        bump_data_version()

    def delete_model(self, request, obj):
        revisions.row_withdraw(obj, self._revision(request, obj.indicator.criterion.criteria_set))
        bump_data_version()

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("indicator__criterion__criteria_set"):
            self.delete_model(request, obj)
