"""The criteria catalogue (sets, groups, criteria, indicators, thresholds), yearly assessments
and certification decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, CommuneGroup, Province, Region


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, year: int, level: str = "commune"):
        return self.filter(level=level, first_year__lte=year).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=year)
        )


class CriteriaSet(models.Model):
    class Level(models.TextChoices):
        COMMUNE = "commune", _("Xã nông thôn mới")
        ADVANCED = "advanced", _("Xã nông thôn mới nâng cao")
        MODEL = "model", _("Xã nông thôn mới kiểu mẫu")

    class ThresholdBasis(models.TextChoices):
        REGION = "region", _("Theo vùng")
        COMMUNE_GROUP = "commune_group", _("Theo nhóm xã")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices, default=Level.COMMUNE)
    first_year = models.PositiveSmallIntegerField(_("năm đầu"))
    last_year = models.PositiveSmallIntegerField(_("năm cuối"), null=True, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    threshold_basis = models.CharField(
        _("ngưỡng phân theo"),
        max_length=16,
        choices=ThresholdBasis.choices,
        default=ThresholdBasis.REGION,
    )

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        ordering = ["level", "first_year"]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="criteria_set_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_vi


class CriterionGroup(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("bộ tiêu chí")
    )
    code = models.CharField(_("mã"), max_length=8)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["criteria_set", "order"]
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_group_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("bộ tiêu chí"),
    )
    group = models.ForeignKey(
        CriterionGroup, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("nhóm")
    )
    number = models.PositiveSmallIntegerField(_("số thứ tự"))
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=200, blank=True)

    class Meta:
        ordering = ["criteria_set", "number"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            # Criteria are numbered 1..N once per set; reports key their columns on the number.
            models.UniqueConstraint(
                fields=["criteria_set", "number"], name="criterion_number_unique"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="criterion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_vi}"


class Indicator(models.Model):
    class Kind(models.TextChoices):
        BOOLEAN = "boolean", _("Đạt / không đạt")
        PERCENT = "percent", _("Tỷ lệ (%)")
        NUMBER = "number", _("Số lượng")
        LEVEL = "level", _("Xếp loại")

    class Comparison(models.TextChoices):
        AT_LEAST = ">=", _("Từ … trở lên (≥)")
        AT_MOST = "<=", _("Không quá (≤)")
        EQUAL = "=", _("Bằng (=)")
        NONE = "", _("Không so sánh")

    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("tiêu chí")
    )
    code = models.CharField(_("mã chỉ tiêu"), max_length=8)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name_vi = models.TextField(_("nội dung (tiếng Việt)"))
    name_en = models.TextField(_("nội dung (tiếng Anh)"), blank=True)
    unit = models.CharField(_("đơn vị"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=8, choices=Kind.choices)
    comparison = models.CharField(
        _("phép so sánh"), max_length=2, choices=Comparison.choices, blank=True, default=""
    )
    # Indicator 17.1 is a pair (hygienic water, of which clean water): a second value and threshold.
    secondary_label = models.CharField(_("giá trị thứ hai"), max_length=100, blank=True)
    wording_confirmed = models.BooleanField(_("nội dung đã xác nhận"), default=False)

    class Meta:
        ordering = ["criterion__criteria_set", "criterion__number", "order"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "code"], name="indicator_code_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["boolean", "level"], comparison="")
                | Q(kind__in=["percent", "number"], comparison__in=[">=", "<=", "="]),
                name="indicator_comparison_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi[:60]}"

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.Kind.PERCENT, self.Kind.NUMBER)


class Threshold(models.Model):
    """The level an indicator must reach, for one region or commune group (or nationwide when
    both are empty), optionally for a range of years and for one province's own set."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Đã xác nhận")
        UNCONFIRMED = "unconfirmed", _("Chưa xác nhận")
        UNKNOWN = "unknown", _("Chưa có giá trị")

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="thresholds", verbose_name=_("chỉ tiêu")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("vùng")
    )
    commune_group = models.ForeignKey(
        CommuneGroup, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("nhóm xã")
    )
    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("tỉnh")
    )
    year_from = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    value = models.DecimalField(_("ngưỡng"), max_digits=9, decimal_places=2, null=True, blank=True)
    value_secondary = models.DecimalField(
        _("ngưỡng thứ hai"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    source = models.CharField(_("nguồn"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "region__order", "year_from"]
        verbose_name = _("ngưỡng")
        verbose_name_plural = _("ngưỡng")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True) | Q(commune_group__isnull=True),
                name="threshold_one_key",
            ),
            models.CheckConstraint(
                condition=Q(status="unknown") | Q(value__isnull=False),
                name="threshold_value_unless_unknown",
            ),
        ]

    def __str__(self) -> str:
        key = self.region or self.commune_group or _("chung")
        return f"{self.indicator.code} {key}: {self.value if self.value is not None else '?'}"


class AssessmentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Assessment.Status.APPROVED)


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã gửi duyệt")
        APPROVED = "approved", _("Đã phê duyệt")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("xã")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
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
            # One assessment per commune and year.
            models.UniqueConstraint(
                fields=["commune", "year"], name="assessment_unique_commune_year"
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
        return f"{self.commune.name} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("communes:assessment_edit", args=[self.commune.code, self.year])


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


class CertificationQuerySet(models.QuerySet):
    def in_force_on(self, date):
        """Decisions dated on or before `date` and not revoked by then."""
        return self.filter(decision_date__lte=date).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=date)
        )


class Certification(models.Model):
    class Tier(models.TextChoices):
        NTM = "ntm", _("Đạt chuẩn NTM")
        ADVANCED = "advanced", _("Đạt chuẩn NTM nâng cao")
        MODEL = "model", _("Đạt chuẩn NTM kiểu mẫu")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("xã")
    )
    tier = models.CharField(_("hạng"), max_length=10, choices=Tier.choices, default=Tier.NTM)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("bộ tiêu chí")
    )
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    authority = models.CharField(
        _("cơ quan ban hành"), max_length=200, default="Chủ tịch UBND tỉnh"
    )
    revoked_on = models.DateField(_("thu hồi ngày"), null=True, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )

    history = HistoricalRecords()
    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["commune__code", "decision_date"]
        verbose_name = _("quyết định công nhận")
        verbose_name_plural = _("quyết định công nhận")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "tier", "decision_number"], name="certification_unique_decision"
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("decision_date")),
                name="revocation_after_decision",
            ),
        ]
        indexes = [
            # Reports: certifications in force on 31/12 of a year.
            models.Index(fields=["commune", "decision_date"], name="certification_commune_date"),
        ]

    def __str__(self) -> str:
        return f"{self.commune.name}: {self.get_tier_display()} ({self.decision_number})"
