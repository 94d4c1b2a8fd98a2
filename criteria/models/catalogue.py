"""The criteria catalogue: criteria sets and their amendments (revisions), poverty standards,
criterion groups, criteria, indicators and thresholds."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, validate_comma_separated_integer_list
from django.db import models
from django.db.models import Case, Count, Q, StringAgg, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import CommuneGroup, Province, Region


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

    def with_amendments(self, day: datetime.date, year: int | None = None):
        """Each set with the acts that amended it by `day` (`amended_by`, "; "-joined, "" for
        none) and how many of them have no confirmed content (`amendments_unconfirmed`): in
        the same query, for the reports' line that cites the set. With `year`, only the
        revisions that a submitted or approved assessment of that year was judged under, and
        the acts whose content is not entered: a report names what its figures rest on, and a
        revision loaded since changes nothing it says."""
        in_force = Q(amendments__effective_from__isnull=True) | Q(
            amendments__effective_from__lte=day
        )
        if year is not None:
            # Through the reverse relation of Assessment.revision ("submitted", "approved":
            # Assessment.Status, whose module imports this one).
            judged = CriteriaSetAmendment.objects.filter(
                assessments__year=year, assessments__status__in=["submitted", "approved"]
            ).values("pk")
            # An act recorded without its content stays named: the set may differ from it.
            in_force &= Q(amendments__pk__in=judged) | Q(amendments__content_confirmed=False)
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
        # them all (their querysets load the set along:
        # criteria.admin.catalogue.CatalogueChoicesMixin).
        return f"{self.number}. {self.name_vi} ({self.criteria_set.code})"


class Revised(models.Model):
    """A row of a set's content that revisions add and end (CriteriaSetAmendment): the one that
    added it (None: as first loaded) and the one that ended it. Rows are never edited into other
    levels: a revision ends the old row and adds a new one, so what an assessment was judged
    under stays readable (criteria.revisions)."""

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
        abstract = True


class Indicator(Revised):
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
        return f"{self.code} {self.name_vi[:60]} ({self.criterion.criteria_set.code})"

    @property
    def is_numeric(self) -> bool:
        return self.kind in (self.Kind.PERCENT, self.Kind.NUMBER)


class Threshold(Revised):
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
