"""Yearly plans (kế hoạch) of a province: targets that reports set results against."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import (
    Commune,
    CommuneGroup,
    CommuneGroupAssignment,
    District,
    Province,
    year_end,
)
from criteria.applicable import criteria_set_for_year
from criteria.models import CriteriaSet, Tier
from ntm.lib.years import YEAR_MAX, YEAR_MIN


def year_criteria(year: int) -> tuple[CriteriaSet, list[int]] | None:
    """The criteria set of `year` as the reports take it (`criteria_set_for_year`) and its
    criteria numbers, or None when no set is in force that year (two queries)."""
    try:
        criteria_set = criteria_set_for_year(year)
    except ValidationError:
        return None
    return criteria_set, sorted(criteria_set.criteria.values_list("number", flat=True))


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
        self.check_area()
        if self.year:
            self.check_targets(year_criteria(self.year))

    def check_area(self) -> None:
        """One area, in the plan's province, existing in the plan's year: a former district
        plans for years up to its end (30/06/2025), the units of the province after that."""
        if self.district_id and self.commune_group_id:
            raise ValidationError(
                _("Kế hoạch áp dụng cho một huyện hoặc một nhóm xã, không cho cả hai."),
                code="two_areas",
            )
        if not self.district_id:
            return
        if self.province_id and self.district.province_id != self.province_id:
            raise ValidationError(
                {
                    "district": ValidationError(
                        _("Huyện không thuộc tỉnh của kế hoạch."), code="other_province"
                    )
                }
            )
        if self.year and not self.district_exists_in_year():
            raise ValidationError(
                {
                    "district": ValidationError(
                        _("%(district)s không tồn tại trong năm %(year)s."),
                        code="district_not_in_year",
                        params={"district": self.district, "year": self.year},
                    )
                }
            )

    def district_exists_in_year(self) -> bool:
        district = self.district
        start, end = datetime.date(self.year, 1, 1), year_end(self.year)
        return (district.valid_to is None or district.valid_to >= start) and (
            district.valid_from is None or district.valid_from <= end
        )

    def check_targets(self, criteria: tuple[CriteriaSet, list[int]] | None) -> None:
        """Targets only for the criteria of the set of the plan's year (`year_criteria`), and
        an average no higher than its number of criteria."""
        errors = {}
        numbers = {int(n) for n in self.criterion_targets or {}}
        if criteria is None:
            if numbers:
                errors["criterion_targets"] = ValidationError(
                    _(
                        "Năm %(year)s không có bộ tiêu chí áp dụng: không đặt được chỉ tiêu theo "
                        "tiêu chí."
                    ),
                    code="no_criteria_set",
                    params={"year": self.year},
                )
        else:
            criteria_set, in_set = criteria
            outside = sorted(numbers - set(in_set))
            if outside:
                errors["criterion_targets"] = ValidationError(
                    _(
                        "Bộ tiêu chí áp dụng năm %(year)s (%(set)s) có %(count)s tiêu chí, không "
                        "có tiêu chí %(numbers)s."
                    ),
                    code="criterion_not_in_set",
                    params={
                        "year": self.year,
                        "set": criteria_set.name_vi,
                        "count": len(in_set),
                        "numbers": ", ".join(map(str, outside)),
                    },
                )
            average = self.target_average
            if average is not None and average.is_finite() and average > len(in_set):
                errors["target_average"] = ValidationError(
                    _(
                        "Bình quân tiêu chí/xã không vượt quá số tiêu chí của bộ áp dụng năm "
                        "%(year)s (%(count)s)."
                    ),
                    code="average_above_criteria",
                    params={"year": self.year, "count": len(in_set)},
                )
        if errors:
            raise ValidationError(errors)

    @property
    def area(self) -> str:
        if self.district_id:
            return str(self.district)
        if self.commune_group_id:
            return str(self.commune_group)
        return gettext("tỉnh %(name)s") % {"name": self.province.name}

    @property
    def day(self) -> datetime.date:
        """The day the plan's units are taken on, as its report takes them: 31/12 of its year,
        or a former district's last day in the year it ended (30/06/2025)."""
        end = year_end(self.year)
        if self.district_id:
            last = self.district.valid_to
            if last is not None and last.year == self.year and last < end:
                return last
        return end

    def communes(self) -> QuerySet[Commune]:
        """The units of the plan's area on its day (`day`), as the reports take them: a 2026
        province plan counts the units of 2026, a former district's plan of 2024 its units
        then. `Commune.objects.of_area`, never `district__province` (units from 01/07/2025
        have no district)."""
        communes = Commune.objects.of_area(
            on=self.day, province=self.province, district=self.district
        )
        if self.commune_group_id:
            # The commune's group in the year as everywhere else (latest start wins), so a
            # commune whose assignments overlap counts in one group's plan only.
            communes = communes.alias(
                group_in_year=CommuneGroupAssignment.objects.group_in_year(
                    self.year, commune=OuterRef("pk")
                )
            ).filter(group_in_year=self.commune_group_id)
        return communes
