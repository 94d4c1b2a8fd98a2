"""Certification dossiers (hồ sơ xét công nhận): the steps of the procedure, their documents
and the evidence behind each criterion (reference §7.3-§7.4)."""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from criteria.models import Certification, Criterion, Indicator

# 18/2022/QĐ-TTg: the report is posted for comments for at least 15 days (reference §7.3).
POSTING_DAYS = 15
PROCEDURE_2022_FIRST_YEAR = 2022


class Step(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá, báo cáo kết quả (UBND xã)")
    POSTING = "posting", _("Công khai, lấy ý kiến nhân dân và các tổ chức")
    APPRAISAL = "appraisal", _("Thẩm tra hồ sơ và mức đạt từng tiêu chí (UBND huyện)")
    COUNCIL = "council", _("Hội đồng thẩm định tỉnh biểu quyết")
    PROPOSAL = "proposal", _("Tờ trình đề nghị công nhận")
    DECISION = "decision", _("Quyết định công nhận (Chủ tịch UBND tỉnh)")


# Steps recorded by the province (the others also by the district official of the commune).
PROVINCE_STEPS = {Step.COUNCIL, Step.PROPOSAL, Step.DECISION}
# The document each step is expected to carry (the decision is the certification itself).
DOCUMENT_STEPS = [s for s in Step if s != Step.DECISION]


class Dossier(models.Model):
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("xã")
    )
    tier = models.CharField(
        _("hạng"), max_length=10, choices=Certification.Tier.choices, default="ntm"
    )
    year = models.PositiveSmallIntegerField(_("năm xét công nhận"))
    certification = models.OneToOneField(
        Certification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossier",
        verbose_name=_("quyết định công nhận"),
    )
    # Why the decision was recorded while steps or documents were missing: on the
    # certification (Certification.dossier_reason), whichever page recorded it.
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "commune__code", "tier"]
        verbose_name = _("hồ sơ xét công nhận")
        verbose_name_plural = _("hồ sơ xét công nhận")
        constraints = [
            # One dossier per commune, tier and year.
            models.UniqueConstraint(fields=["commune", "tier", "year"], name="dossier_unique"),
        ]

    def __str__(self) -> str:
        return gettext("Hồ sơ %(tier)s năm %(year)s – %(commune)s") % {
            "tier": self.get_tier_display(),
            "year": self.year,
            "commune": self.commune.name,
        }

    def get_absolute_url(self) -> str:
        return reverse("dossiers:dossier_detail", args=[self.pk])

    @property
    def procedure(self) -> str:
        """The text that fixes the steps: 18/2022/QĐ-TTg from 2022, 2540/QĐ-TTg before."""
        if self.year >= PROCEDURE_2022_FIRST_YEAR:
            return "18/2022/QĐ-TTg"
        return "2540/QĐ-TTg"

    @property
    def posting_days(self) -> int | None:
        """Minimum posting period; the earlier procedure's is not in the project's sources."""
        return POSTING_DAYS if self.year >= PROCEDURE_2022_FIRST_YEAR else None

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class DossierStep(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="steps", verbose_name=_("hồ sơ")
    )
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    done_on = models.DateField(_("ngày"))
    end_on = models.DateField(_("đến ngày"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(
        _("số phiếu không đồng ý"), null=True, blank=True
    )
    note = models.TextField(_("ghi chú, ý kiến nhận được"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người ghi"),
    )
    recorded_at = models.DateTimeField(_("ghi lúc"), auto_now=True)

    class Meta:
        ordering = ["dossier", "done_on"]
        verbose_name = _("bước của hồ sơ")
        verbose_name_plural = _("bước của hồ sơ")
        constraints = [
            # Each step once per dossier (recording it again corrects it).
            models.UniqueConstraint(fields=["dossier", "step"], name="dossier_step_unique"),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("done_on")),
                name="dossier_step_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} – {self.get_step_display()}"

    @property
    def posting_deadline(self) -> datetime.date | None:
        if self.step != Step.POSTING or self.dossier.posting_days is None:
            return None
        return self.done_on + datetime.timedelta(days=self.dossier.posting_days)


def dossier_file_path(instance: "DossierFile", filename: str) -> str:
    """A random name: the original one is kept in `original_name`, never used on disk."""
    return f"dossiers/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class DossierFile(models.Model):
    """A document of a step, or evidence for a criterion of the commune's assessment or for
    one of its indicators (then `criterion` is the indicator's, so the criterion's row lists
    it too)."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="files", verbose_name=_("hồ sơ")
    )
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices, blank=True)
    criterion = models.ForeignKey(
        Criterion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tiêu chí"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ tiêu"),
    )
    file = models.FileField(_("tệp"), upload_to=dossier_file_path, max_length=200)
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=50)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    caption = models.CharField(_("mô tả"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["dossier", "step", "criterion__number", "indicator__order", "pk"]
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        constraints = [
            # A file belongs to a step or to a criterion, exactly one of them.
            models.CheckConstraint(
                condition=(~Q(step="") & Q(criterion__isnull=True))
                | (Q(step="") & Q(criterion__isnull=False)),
                name="dossier_file_step_or_criterion",
            ),
            # An indicator's evidence also names its criterion (services.file_add checks that
            # it is the indicator's own).
            models.CheckConstraint(
                condition=Q(indicator__isnull=True) | Q(criterion__isnull=False),
                name="dossier_file_indicator_has_criterion",
            ),
        ]

    def __str__(self) -> str:
        return self.caption or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("dossiers:file_serve", args=[self.pk])
