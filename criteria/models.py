"""The criteria catalogue (sets, groups, criteria, indicators, thresholds), yearly assessments
and certification decisions."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Case, Count, Q, StringAgg, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune, CommuneGroup, Province, Region


def _in_force_between(start: datetime.date, end: datetime.date) -> Q:
    """Sets in force on some day of [start, end]. Without `effective_from` a set counts from
    1 January of its first year, without `effective_to` until 31 December of its last year:
    a set is stretched beyond its period only by a recorded date."""
    began = Q(effective_from__lte=end) | Q(effective_from__isnull=True, first_year__lte=end.year)
    ended = (
        Q(effective_to__gte=start)
        | Q(effective_to__isnull=True, last_year__isnull=True)
        | Q(effective_to__isnull=True, last_year__gte=start.year)
    )
    return began & ended


class CriteriaSetQuerySet(models.QuerySet):
    """The one definition of "the set that applies": every caller asks `for_year` (an assessment
    of a year) or `for_date` (a legal act of a day)."""

    def for_date(self, date: datetime.date, level: str | None = "commune"):
        """Sets legally in force on `date` (by effective_from / effective_to). `level=None`:
        every tier."""
        qs = self.filter(_in_force_between(date, date))
        return qs if level is None else qs.filter(level=level)

    def for_year(self, year: int, level: str | None = "commune"):
        """Sets an assessment of `year` may use, the default first.

        The default is the set whose period (first_year..last_year) covers the year. A set still
        (or already) in force on some day of the year is allowed too, chosen explicitly: the
        2016-2020 set for 2021 and early 2022 (318/QĐ-TTg took effect on 08/03/2022), the
        2021-2025 set for early 2026 (51/2025/QĐ-TTg took effect on 15/02/2026)."""
        in_period = Q(first_year__lte=year) & (Q(last_year__isnull=True) | Q(last_year__gte=year))
        qs = self.filter(
            in_period | _in_force_between(datetime.date(year, 1, 1), datetime.date(year, 12, 31))
        )
        if level is not None:
            qs = qs.filter(level=level)
        return qs.annotate(
            is_default=Case(When(in_period, then=Value(True)), default=Value(False))
        ).order_by("-is_default", "-first_year", "code")

    def with_amendments(self, day: datetime.date):
        """Each set with the acts that amended it by `day` (`amended_by`, "; "-joined, "" for
        none) and how many of them have no confirmed content (`amendments_unconfirmed`): in
        the same query, for the reports' line that cites the set."""
        in_force = Q(amendments__effective_from__isnull=True) | Q(
            amendments__effective_from__lte=day
        )
        return self.annotate(
            amended_by=Coalesce(
                StringAgg("amendments__citation", Value("; "), filter=in_force),
                Value(""),
                output_field=models.CharField(),
            ),
            amendments_unconfirmed=Count(
                "amendments", filter=in_force & Q(amendments__content_confirmed=False)
            ),
        )


class CriteriaSet(models.Model):
    class Level(models.TextChoices):
        COMMUNE = "commune", _("Xã nông thôn mới")
        ADVANCED = "advanced", _("Xã nông thôn mới nâng cao")
        MODEL = "model", _("Xã nông thôn mới kiểu mẫu")
        MODERN = "modern", _("Xã nông thôn mới hiện đại (thí điểm)")

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
    # The day before the next set took effect: a set stays usable (chosen explicitly) for
    # assessments made until then, e.g. the 2016-2020 set until 07/03/2022.
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    threshold_basis = models.CharField(
        _("ngưỡng phân theo"),
        max_length=16,
        choices=ThresholdBasis.choices,
        default=ThresholdBasis.REGION,
    )
    # 318/QĐ-TTg (the 2021-2025 standard and advanced sets): xã đặc biệt khó khăn and xã an
    # toàn khu of poor districts and of districts that left poverty in 2018-2020 are judged
    # against the Trung du và miền núi phía Bắc levels wherever they are (ntm-reference §3,
    # §15.1). The region a designated commune (communes.CommuneDesignation) is keyed by under
    # this set; empty for sets without the rule. Read by criteria.applicable.threshold_key.
    designated_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vùng áp dụng cho xã ĐBKK, ATK"),
        help_text=_(
            "Xã đặc biệt khó khăn, xã an toàn khu (thuộc huyện nghèo, huyện thoát nghèo "
            "2018–2020) được đánh giá theo mức của vùng này (Quyết định 318/QĐ-TTg)."
        ),
    )

    # What the reports read from the set (data, not code; ntm-reference §7.5, §8.1, §16.8).
    # Empty means UNCONFIRMED: the report says so instead of applying a guess.
    near_standard_missing = models.PositiveSmallIntegerField(
        _("gần đạt chuẩn: thiếu tối đa (tiêu chí)"),
        null=True,
        blank=True,
        help_text=_(
            "Xã chưa được công nhận còn thiếu từ 1 đến số tiêu chí này được báo cáo là “gần "
            "đạt chuẩn”. Để trống: chưa xác nhận (báo cáo không lập danh sách)."
        ),
    )
    revocation_basis = models.CharField(
        _("căn cứ thu hồi công nhận"),
        max_length=200,
        blank=True,
        help_text=_(
            "Văn bản quy định ngưỡng thu hồi quyết định công nhận đối với bộ tiêu chí này, ví "
            "dụ Quyết định 18/2022/QĐ-TTg. Để trống: chưa xác nhận."
        ),
    )
    revocation_percent = models.PositiveSmallIntegerField(
        _("thu hồi khi tỷ lệ tiêu chí không đạt từ (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    revocation_key_percent = models.PositiveSmallIntegerField(
        _("hoặc từ (%) nếu có tiêu chí trọng yếu không đạt"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    revocation_key_criteria = models.CharField(
        _("tiêu chí trọng yếu khi thu hồi (số thứ tự)"),
        max_length=100,
        blank=True,
        validators=[validate_comma_separated_integer_list],
        help_text=_("Số thứ tự tiêu chí trong bộ này, cách nhau bằng dấu phẩy, ví dụ 10,17,19."),
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
            # for_date / for_year read the window as [effective_from, effective_to].
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="criteria_set_effective_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name_vi

    def clean(self) -> None:
        key, share = self.revocation_key_percent, self.revocation_percent
        if key is not None and share is not None and key > share:
            raise ValidationError(
                {
                    "revocation_key_percent": gettext(
                        "Ngưỡng khi có tiêu chí trọng yếu không được lớn hơn ngưỡng chung."
                    )
                },
                code="revocation_percent_order",
            )
        if self.pk and self.revocation_key_criteria:
            known = set(self.criteria.values_list("number", flat=True))
            unknown = [n for n in self.revocation_key_numbers if n not in known]
            if unknown:
                raise ValidationError(
                    {
                        "revocation_key_criteria": gettext(
                            "Bộ tiêu chí không có tiêu chí số %(numbers)s."
                        )
                        % {"numbers": ", ".join(str(n) for n in unknown)}
                    },
                    code="unknown_criterion",
                )

    @property
    def revocation_key_numbers(self) -> list[int]:
        """The key criteria of the revocation rule, by number within this set."""
        # Digits only: the field's validator reports anything else.
        return [int(n) for n in self.revocation_key_criteria.split(",") if n.strip().isdigit()]

    @property
    def has_revocation_rule(self) -> bool:
        """The revocation rule is known (its legal basis and threshold are recorded)."""
        return bool(self.revocation_basis) and self.revocation_percent is not None

    def poverty_standard_for(self, year: int) -> "PovertyStandard | None":
        """The poverty standard of `year` in this period (one query)."""
        return (
            self.poverty_standards.filter(year_from__lte=year)
            .filter(Q(year_to__isnull=True) | Q(year_to__gte=year))
            .order_by("-year_from")
            .first()
        )


class CriteriaSetAmendmentQuerySet(models.QuerySet):
    def in_force(self, criteria_set: "CriteriaSet", year: int) -> "CriteriaSetAmendment | None":
        """The set's latest revision in force for an assessment of `year` (effective on or
        before 31/12 of the year, or undated), or None: the set as first loaded. One query."""
        return (
            self.filter(criteria_set=criteria_set)
            .filter(
                Q(effective_from__isnull=True) | Q(effective_from__lte=datetime.date(year, 12, 31))
            )
            .order_by("-pk")
            .first()
        )


class CriteriaSetAmendment(models.Model):
    """A dated revision of a set: a legal act that amended it after it was issued (Quyết định
    211/QĐ-TTg of 01/03/2024 amended criteria and indicators of the 2021-2025 commune and
    advanced sets, ntm-reference §18.1), or a load of indicators and levels from the catalogue
    workbook or the admin. Revisions follow one another in the order they were recorded (their
    id).

    A revision never rewrites: the indicators and levels it adds carry it (`added_in`), those
    it ends carry it as `withdrawn_in`, and an assessment keeps the revision it was judged
    under (`Assessment.revision`; None is the set as first loaded). Recording an act alone
    changes nothing in the set: what it changed is entered (and `content_confirmed`) only once
    its text is known; until then reports name the act and say its content is unconfirmed."""

    criteria_set = models.ForeignKey(
        "CriteriaSet",
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("bộ tiêu chí"),
    )
    citation = models.CharField(
        _("văn bản sửa đổi"),
        max_length=200,
        help_text=_("Số, ngày của văn bản, như trích dẫn trên báo cáo."),
    )
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    content_confirmed = models.BooleanField(
        _("đã xác nhận nội dung sửa đổi"),
        default=False,
        help_text=_(
            "Đánh dấu khi các tiêu chí, chỉ tiêu được sửa đổi đã đối chiếu với văn bản và "
            "nhập vào bộ tiêu chí."
        ),
    )
    summary = models.TextField(_("nội dung sửa đổi"), blank=True)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("ghi nhận lúc"), auto_now_add=True, null=True)

    objects = CriteriaSetAmendmentQuerySet.as_manager()

    class Meta:
        ordering = ["criteria_set", "pk"]
        verbose_name = _("văn bản sửa đổi bộ tiêu chí")
        verbose_name_plural = _("văn bản sửa đổi bộ tiêu chí")
        constraints = [
            # load_criteria keys an amendment on its set and citation.
            models.UniqueConstraint(
                fields=["criteria_set", "citation"], name="criteria_set_amendment_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.citation


class PovertyStandard(models.Model):
    """The poverty standard a period measures households by (criterion "Hộ nghèo" / "Nghèo đa
    chiều" / "Giảm nghèo"), with its legal basis: data, since it changes inside a period too
    (2026 keeps the 2021-2025 standard, 2027-2030 has its own)."""

    criteria_set = models.ForeignKey(
        CriteriaSet,
        on_delete=models.CASCADE,
        related_name="poverty_standards",
        verbose_name=_("bộ tiêu chí"),
    )
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    name_vi = models.CharField(_("chuẩn nghèo (tiếng Việt)"), max_length=300)
    name_en = models.CharField(_("chuẩn nghèo (tiếng Anh)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200, blank=True)
    confirmed = models.BooleanField(_("đã xác nhận"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["criteria_set", "year_from"]
        verbose_name = _("chuẩn nghèo")
        verbose_name_plural = _("chuẩn nghèo")
        constraints = [
            # load_criteria keys on it (one standard per set and first year).
            models.UniqueConstraint(
                fields=["criteria_set", "year_from"], name="poverty_standard_unique"
            ),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_to__gte=models.F("year_from")),
                name="poverty_standard_years_ordered",
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
    name_confirmed = models.BooleanField(_("tên đã xác nhận"), default=True)
    # Why a criterion without indicators is judged as a whole (a manual decision with a reason),
    # e.g. the indicators of 51/2025/QĐ-TTg are not yet in the catalogue.
    whole_reason = models.TextField(_("lý do đánh giá cả tiêu chí"), blank=True)

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
        # With the set's code: three sets have a "1. Quy hoạch", and the admin's pickers list
        # them all (their querysets load the set along: criteria.admin.CatalogueChoicesMixin).
        return f"{self.number}. {self.name_vi} ({self.criteria_set.code})"


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
    # Revisions (CriteriaSetAmendment): the one that added the row (None: as first loaded) and
    # the one that ended it. Rows are never edited into other levels: a revision ends the old
    # row and adds a new one, so what an assessment was judged under stays readable.
    added_in = models.ForeignKey(
        "CriteriaSetAmendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thêm theo"),
    )
    withdrawn_in = models.ForeignKey(
        "CriteriaSetAmendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bỏ theo"),
    )

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
        return f"{self.code} {self.name_vi[:60]} ({self.criterion.criteria_set.code})"

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
    # Revisions (CriteriaSetAmendment): the one that added the row (None: as first loaded) and
    # the one that ended it. Rows are never edited into other levels: a revision ends the old
    # row and adds a new one, so what an assessment was judged under stays readable.
    added_in = models.ForeignKey(
        "CriteriaSetAmendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thêm theo"),
    )
    withdrawn_in = models.ForeignKey(
        "CriteriaSetAmendment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bỏ theo"),
    )

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
            return reverse("criteria:assessment_edit", args=[self.commune.code, self.year])
        return reverse(
            "criteria:tier_assessment_edit", args=[self.commune.code, self.year, self.tier]
        )


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


# Decisions for year N are often signed early in N+1 (Lạng Sơn's 99, 103 and 105/QĐ-UBND of
# 26/01/2023 recognise communes "năm 2022", ntm-reference §17.2). A wider gap is refused as a
# likely typing error; widen it here if a real decision needs it.
RECOGNITION_LAG_YEARS = 1


def recognised_year_error(recognised_year: int, decision_date: datetime.date) -> str | None:
    """Why a decision dated `decision_date` cannot recognise `recognised_year`, or None.

    Plain values, so the form, the admin and the Excel import apply the same rule: the year
    recognised is the decision's own year or up to RECOGNITION_LAG_YEARS before it."""
    if recognised_year > decision_date.year:
        return gettext(
            "Quyết định ngày %(date)s không thể công nhận năm %(year)s (sau năm của quyết định)."
        ) % {"date": decision_date.strftime("%d/%m/%Y"), "year": recognised_year}
    if recognised_year < decision_date.year - RECOGNITION_LAG_YEARS:
        return gettext(
            "Quyết định ngày %(date)s công nhận năm %(year)s: chỉ chấp nhận năm của quyết định "
            "hoặc năm liền trước."
        ) % {"date": decision_date.strftime("%d/%m/%Y"), "year": recognised_year}
    return None


class CertificationQuerySet(models.QuerySet):
    def in_force_on(self, date):
        """Decisions dated on or before `date` and not revoked by then: "certified" on a day.
        `date` may be an expression on an outer query (a commune's last day). For rows already
        loaded, `Certification.is_in_force_on` says the same."""
        return self.filter(decision_date__lte=date).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=date)
        )

    def highest_tier_first(self):
        """The highest tier first (cumulative: modern, model ⊃ advanced ⊃ standard): with
        `in_force_on`, a commune's best standing on a day is the first row."""
        rank = Case(
            *[When(tier=tier, then=Value(i)) for i, tier in enumerate(Tier)],
            output_field=models.IntegerField(),
        )
        return self.alias(tier_rank=rank).order_by("-tier_rank")


class Certification(models.Model):
    Tier = Tier

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Công nhận theo kết quả đánh giá")
        # A decision recognising a commune formed by a merger as meeting the standard (precedent:
        # Hà Tĩnh QĐ 3368/QĐ-UBND, 2023): its basis is the decision, not an assessment.
        MERGED_RECOGNITION = "merged_recognition", _("Công nhận xã hình thành sau sáp nhập")
        # A decision issued outside the app whose assessment the app does not hold (Lạng Sơn's
        # 99, 103 and 105/QĐ-UBND of 26/01/2023, ntm-reference §17.2, §18.3): entered with the
        # legal basis of the set it applied and the reason there is no assessment.
        TRANSCRIBED = "transcribed", _("Quyết định đã ban hành, nhập lại")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="certifications", verbose_name=_("xã")
    )
    kind = models.CharField(
        _("loại quyết định"), max_length=20, choices=Kind.choices, default=Kind.ASSESSMENT
    )
    basis = models.TextField(
        _("căn cứ công nhận"),
        blank=True,
        help_text=_("Với xã hình thành sau sáp nhập: căn cứ của quyết định công nhận."),
    )
    # Why a transcribed decision has no assessment in the app (Kind.TRANSCRIBED).
    no_assessment_reason = models.TextField(
        _("lý do không có kết quả đánh giá"),
        blank=True,
        help_text=_("Với quyết định nhập lại: vì sao ứng dụng không có kết quả đánh giá."),
    )
    # A transcribed decision whose commune's decision of the tier below (models.TIER_BELOW) was
    # issued outside the app too and is not entered: the rule cannot see it, and the decision
    # says so instead of an invented number (criteria.services.transcription_check).
    tier_below_not_recorded = models.BooleanField(
        _("quyết định công nhận hạng dưới cũng ban hành ngoài ứng dụng, chưa nhập"),
        default=False,
    )
    tier = models.CharField(_("hạng"), max_length=10, choices=Tier.choices, default=Tier.NTM)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="+", verbose_name=_("bộ tiêu chí")
    )
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    # "đạt chuẩn NTM năm 2018" in a decision of 20/01/2019: the year whose approved assessment
    # the recognition rests on. Reports of "certified by 31/12 of N" still go by decision_date.
    recognised_year = models.PositiveSmallIntegerField(_("năm được công nhận"))
    authority = models.CharField(
        _("cơ quan ban hành"), max_length=200, default="Chủ tịch UBND tỉnh"
    )
    # The conditions of 18/2022/QĐ-TTg (ntm-reference §7.2, §17.2), each with a note on what
    # it rests on. Empty (None) for decisions recorded before they were kept, and for earlier
    # periods whose rules did not ask for them.
    criteria_all_met = models.BooleanField(_("đạt đủ tiêu chí của bộ"), null=True, blank=True)
    criteria_all_met_note = models.TextField(_("ghi chú: đạt đủ tiêu chí"), blank=True)
    satisfaction_met = models.BooleanField(
        _("tỷ lệ hài lòng của người dân đạt yêu cầu"), null=True, blank=True
    )
    satisfaction_note = models.TextField(_("ghi chú: mức độ hài lòng"), blank=True)
    no_construction_debt = models.BooleanField(
        _("không còn nợ đọng xây dựng cơ bản"), null=True, blank=True
    )
    construction_debt_note = models.TextField(_("ghi chú: nợ đọng xây dựng cơ bản"), blank=True)
    security_stable = models.BooleanField(
        _("không có tình hình an ninh, trật tự phức tạp"), null=True, blank=True
    )
    security_note = models.TextField(_("ghi chú: an ninh, trật tự"), blank=True)
    # Why the province certified while the commune's dossier for the tier and year was missing
    # (or missing steps or documents): asked for by dossiers.services.certification_record.
    # Empty when the dossier was complete, and for decisions transcribed (imports, the demo).
    dossier_reason = models.TextField(_("lý do công nhận khi hồ sơ chưa đủ"), blank=True)
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
            # One decision at a time (issue 24, N10): a commune holds at most one unrevoked
            # recognition of a tier under a set. Not (commune, tier) alone: a commune
            # recognised under 2016-2020 is recognised again under 2021-2025 (xét công nhận
            # lại, ntm-reference §7.5, §15.9), and the earlier decision stays, unrevoked, as
            # history. criteria.services.certification_create says it in words first.
            models.UniqueConstraint(
                fields=["commune", "tier", "criteria_set"],
                condition=Q(revoked_on__isnull=True),
                name="certification_one_in_force_per_set",
                violation_error_message=_(
                    "Xã đã có quyết định công nhận hạng này theo bộ tiêu chí này còn hiệu lực."
                ),
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | ~Q(revocation_reason=""),
                name="revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("decision_date")),
                name="revocation_after_decision",
            ),
            # A recognition of a merged commune states its basis (there is no assessment).
            models.CheckConstraint(
                condition=~Q(kind="merged_recognition") | ~Q(basis=""),
                name="merged_recognition_has_basis",
            ),
            # A transcribed decision states the legal basis of the set it applied and why the
            # app holds no assessment (criteria.services.transcription_check says it first).
            models.CheckConstraint(
                condition=~Q(kind="transcribed") | (~Q(basis="") & ~Q(no_assessment_reason="")),
                name="transcribed_has_basis_and_reason",
            ),
            # Only a transcribed decision may rest on a tier-below decision kept outside the app.
            models.CheckConstraint(
                condition=Q(tier_below_not_recorded=False) | Q(kind="transcribed"),
                name="tier_below_not_recorded_only_transcribed",
            ),
        ]
        indexes = [
            # Reports: certifications in force on 31/12 of a year.
            models.Index(fields=["commune", "decision_date"], name="certification_commune_date"),
        ]

    def __str__(self) -> str:
        return f"{self.commune.name}: {self.get_tier_display()} ({self.decision_number})"

    CONDITIONS = (
        ("criteria_all_met", "criteria_all_met_note"),
        ("satisfaction_met", "satisfaction_note"),
        ("no_construction_debt", "construction_debt_note"),
        ("security_stable", "security_note"),
    )

    def clean(self) -> None:
        if self.recognised_year is None or self.decision_date is None:
            return
        if message := recognised_year_error(self.recognised_year, self.decision_date):
            raise ValidationError({"recognised_year": message}, code="recognised_year")

    def is_in_force_on(self, date: datetime.date) -> bool:
        """`CertificationQuerySet.in_force_on` for a row already loaded (no query)."""
        return self.decision_date <= date and (self.revoked_on is None or self.revoked_on > date)
