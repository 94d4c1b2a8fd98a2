"""Certification decisions: a commune recognised at a tier for a year, and their revocation."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import Commune
from criteria.models.assessments import Tier
from criteria.models.catalogue import CriteriaSet
from ntm.lib.years import PROGRAMME_FIRST_YEAR

# Decisions for year N are often signed early in N+1 (Lạng Sơn's 99, 103 and 105/QĐ-UBND of
# 26/01/2023 recognise communes "năm 2022", ntm-reference §17.2). A wider gap is refused as a
# likely typing error; widen it here if a real decision needs it.
RECOGNITION_LAG_YEARS = 1


def recognised_year_error(recognised_year: int, decision_date: datetime.date) -> str | None:
    """Why a decision dated `decision_date` cannot recognise `recognised_year`, or None.

    Plain values, so the form, the admin and the Excel import apply the same rule: the year
    recognised is the decision's own year or up to RECOGNITION_LAG_YEARS before it, and not
    before the programme's first year (ntm.lib.years.PROGRAMME_FIRST_YEAR)."""
    if recognised_year < PROGRAMME_FIRST_YEAR:
        return gettext("Năm %(year)s trước năm đầu của chương trình nông thôn mới (%(first)s).") % {
            "year": recognised_year,
            "first": PROGRAMME_FIRST_YEAR,
        }
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
    # says so instead of an invented number (criteria.certifications.transcription_check).
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
            # history. criteria.certifications.certification_create says it in words first.
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
            # app holds no assessment (criteria.certifications.transcription_check says it first).
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
