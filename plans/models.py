"""Yearly plans (kế hoạch) of a province: targets that reports set results against."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, CommuneGroup, District, Province
from criteria.models import Tier
from ntm.lib.years import YEAR_MAX, YEAR_MIN


class PlanQuerySet(models.QuerySet):
    def for_province_report(self, province, year: int):
        """The province-wide plans of `year` (no district, no commune group)."""
        return self.filter(
            province=province, year=year, district__isnull=True, commune_group__isnull=True
        )

    def for_district_report(self, district, year: int):
        return self.filter(district=district, year=year, commune_group__isnull=True)


class Plan(models.Model):
    """Targets for one year: for the whole province, one former district or one commune group,
    and one certification tier ("+13 communes NTM", "+3 advanced")."""

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="plans", verbose_name=_("tỉnh")
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huyện (cũ)"),
    )
    commune_group = models.ForeignKey(
        CommuneGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nhóm xã"),
    )
    # The tiers of certification (plans read criteria, never the other way).
    tier = models.CharField(_("hạng"), max_length=10, choices=Tier.choices, default=Tier.NTM)
    title = models.CharField(
        _("văn bản kế hoạch"),
        max_length=200,
        blank=True,
        help_text=_("Ví dụ: Kế hoạch 18/KH-UBND ngày 22/01/2020."),
    )
    target_certified = models.PositiveSmallIntegerField(
        _("số xã phấn đấu đạt chuẩn trong năm"), null=True, blank=True
    )
    target_communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name=_("các xã phấn đấu đạt chuẩn")
    )
    target_average = models.DecimalField(
        _("bình quân tiêu chí/xã phấn đấu"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(30)],
    )
    # Criterion number (as a string key) -> communes meeting it by year end.
    criterion_targets = models.JSONField(_("chỉ tiêu theo tiêu chí"), default=dict, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["province", "-year", "district__code", "commune_group__code", "tier"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        constraints = [
            # A plan covers the province, one district or one commune group, never two of them.
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(commune_group__isnull=True),
                name="plan_one_area",
            ),
            # One plan per area, year and tier: reports look it up by these keys.
            models.UniqueConstraint(
                fields=["province", "year", "tier"],
                condition=Q(district__isnull=True, commune_group__isnull=True),
                name="plan_unique_province",
            ),
            models.UniqueConstraint(
                fields=["district", "year", "tier"],
                condition=Q(district__isnull=False),
                name="plan_unique_district",
            ),
            models.UniqueConstraint(
                fields=["province", "commune_group", "year", "tier"],
                condition=Q(commune_group__isnull=False),
                name="plan_unique_group",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Kế hoạch %(year)s – %(area)s") % {"year": self.year, "area": self.area}

    def get_absolute_url(self) -> str:
        return reverse("plans:plan_list", args=[self.province.code]) + f"?year={self.year}"

    def clean(self) -> None:
        if self.district_id and self.commune_group_id:
            raise ValidationError(
                _("Kế hoạch áp dụng cho một huyện hoặc một nhóm xã, không cho cả hai."),
                code="two_areas",
            )
        if self.district_id and self.province_id and self.district.province_id != self.province_id:
            raise ValidationError({"district": _("Huyện không thuộc tỉnh của kế hoạch.")})

    @property
    def area(self) -> str:
        if self.district_id:
            return str(self.district)
        if self.commune_group_id:
            return str(self.commune_group)
        return gettext("tỉnh %(name)s") % {"name": self.province.name}

    def communes(self) -> QuerySet[Commune]:
        """The units of the plan's area, as the reports take them."""
        if self.district_id:
            return Commune.objects.filter(district=self.district)
        communes = Commune.objects.filter(district__province=self.province)
        if self.commune_group_id:
            # One filter() call, so both conditions apply to the same assignment row.
            in_group = Commune.objects.filter(
                Q(group_assignments__group=self.commune_group)
                & Q(group_assignments__year_from__lte=self.year)
                & (
                    Q(group_assignments__year_to__isnull=True)
                    | Q(group_assignments__year_to__gte=self.year)
                )
            ).values("pk")
            communes = communes.filter(pk__in=in_group)
        return communes
