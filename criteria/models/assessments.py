"""Yearly assessments of a commune at a tier (standard, advanced, model, ...), with their
criterion results and indicator values."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune
from criteria.models.catalogue import (
    CriteriaSet,
    CriteriaSetAmendment,
    Criterion,
    Indicator,
    Threshold,
)


class Tier(models.TextChoices):
    """The standard a commune is assessed against or recognised at (ntm-reference §7.6)."""

    NTM = "ntm", _("Đạt chuẩn NTM")
    ADVANCED = "advanced", _("Đạt chuẩn NTM nâng cao")
    MODEL = "model", _("Đạt chuẩn NTM kiểu mẫu")
    # The pilot tier of 2026-2030, 51/2025/QĐ-TTg Phụ lục II (ntm-reference §16.1, §16.5,
    # §16.7); its content and conditions are not known yet (§16.8 point 2).
    MODERN = "modern", _("Đạt chuẩn NTM hiện đại (thí điểm)")


# The criteria sets (CriteriaSet.level) of each tier's assessments.
TIER_LEVEL = {
    Tier.NTM: CriteriaSet.Level.COMMUNE,
    Tier.ADVANCED: CriteriaSet.Level.ADVANCED,
    Tier.MODEL: CriteriaSet.Level.MODEL,
    Tier.MODERN: CriteriaSet.Level.MODERN,
}


# The certification a commune must hold, in force on the decision's date, to be recognised at a
# tier. Advanced communes are recognised among certified communes (18/2022/QĐ-TTg,
# ntm-reference §7.2, §17.2); a model commune must meet the advanced standard (319/QĐ-TTg,
# §5.3), so it needs the advanced certification in force.
# The modern pilot of 2026-2030 sits above the one national commune set of the period
# (51/2025/QĐ-TTg Phụ lục I; no national advanced or model set, §16.2, §16.5); its own
# conditions are UNCONFIRMED (§16.8 point 2), so the standard certification is what is checked.
TIER_BELOW = {
    Tier.ADVANCED: Tier.NTM,
    Tier.MODEL: Tier.ADVANCED,
    Tier.MODERN: Tier.NTM,
}


# The address of each higher tier's assessment pages (/communes/<code>/<year>/<slug>/); the
# standard tier keeps /communes/<code>/<year>/.
TIER_SLUG = {
    Tier.ADVANCED: "nang-cao",
    Tier.MODEL: "kieu-mau",
    Tier.MODERN: "hien-dai",
}


class AssessmentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Assessment.Status.APPROVED)

    def standard(self):
        """Assessments against the standard (NTM) set: what every figure of criteria met, the
        commune list and the reports count. Advanced and model assessments are apart."""
        return self.filter(tier=Tier.NTM)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã gửi duyệt")
        APPROVED = "approved", _("Đã phê duyệt")

    Tier = Tier

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("xã")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    # A commune may be assessed in one year against the standard set and against the advanced
    # or model set (each tier has its own sets, CriteriaSet.level).
    tier = models.CharField(
        _("hạng"), max_length=10, choices=Tier.choices, default=Tier.NTM, db_default=Tier.NTM
    )
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("bộ tiêu chí"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Kept equal to the number of met CriterionResults by criteria.services (the only writer).
    criteria_met = models.PositiveSmallIntegerField(_("số tiêu chí đạt"), default=0)
    # The revision of the set it was judged under (None: the set as first loaded), set by
    # criteria.services on every save: a submitted or approved assessment keeps it, so loading
    # indicators or levels later changes nothing it shows.
    revision = models.ForeignKey(
        CriteriaSetAmendment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("theo lần sửa đổi"),
    )
    # Optimistic lock: every save through criteria.services increments it.
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    note = models.TextField(_("ghi chú"), blank=True)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người gửi"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "year"]
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            # One assessment per commune, year and tier.
            models.UniqueConstraint(
                fields=["commune", "year", "tier"], name="assessment_unique_commune_year_tier"
            ),
        ]
        permissions = [
            ("submit_assessment", _("Gửi đánh giá lên tỉnh duyệt")),
            ("approve_assessment", _("Phê duyệt, trả lại hoặc mở lại đánh giá")),
        ]
        indexes = [
            # Reports: approved assessments of a year (and the latest earlier one per commune).
            models.Index(fields=["year", "status"], name="assessment_year_status"),
        ]

    def __str__(self) -> str:
        if self.tier == Tier.NTM:
            return f"{self.commune.name} {self.year}"
        return f"{self.commune.name} {self.year} ({self.get_tier_display()})"

    def get_absolute_url(self) -> str:
        if self.tier == Tier.NTM:
            return reverse("pages:assessment_edit", args=[self.commune.code, self.year])
        return reverse("pages:tier_assessment_edit", args=[self.commune.code, self.year, self.tier])


class CriterionResult(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="results", verbose_name=_("đánh giá")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, verbose_name=_("tiêu chí"))
    met = models.BooleanField(_("đạt"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "criterion__number"]
        verbose_name = _("kết quả tiêu chí")
        verbose_name_plural = _("kết quả tiêu chí")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="criterion_result_unique"
            ),
        ]
        indexes = [
            # Reports: communes meeting criterion n.
            models.Index(fields=["criterion", "met"], name="criterion_result_met"),
        ]

    def __str__(self) -> str:
        met = gettext("đạt") if self.met else gettext("chưa đạt")
        return f"{self.assessment} – {self.criterion.number}: {met}"


class IndicatorValue(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="values", verbose_name=_("đánh giá")
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("chỉ tiêu"))
    value = models.DecimalField(
        _("giá trị"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    value_secondary = models.DecimalField(
        _("giá trị thứ hai"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Computed from the threshold for numeric indicators; entered for boolean/level ones, and
    # entered with a reason (manual) where no numeric threshold is known.
    met = models.BooleanField(_("đạt"), null=True, blank=True)
    manual = models.BooleanField(_("quyết định thủ công"), default=False)
    manual_reason = models.TextField(_("lý do"), blank=True)
    # The status of the threshold a computed result was judged against, as it was when judged
    # (thresholds are reloaded and edited): reports count results resting on an unconfirmed
    # level. Blank for a manual, non-numeric or uncomputed result, and for rows saved before
    # this was recorded.
    threshold_status = models.CharField(
        _("tình trạng ngưỡng"),
        max_length=12,
        choices=Threshold.Status.choices,
        blank=True,
        default="",
        db_default="",  # rows inserted without the ORM (the synthetic country)
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment", "indicator__order"]
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="indicator_value_unique"
            ),
            models.CheckConstraint(
                condition=Q(manual=False) | ~Q(manual_reason=""), name="manual_decision_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.indicator.code}"
