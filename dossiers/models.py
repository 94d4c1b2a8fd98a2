"""Certification dossiers (hồ sơ xét công nhận): the procedure of each period (its steps, who
records each, its legal basis and rules), the dossiers, their steps, their documents and the
evidence behind each criterion (reference §7.3-§7.4, §16.8)."""

import datetime
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import Commune
from criteria.models import Certification, Criterion, Indicator


class Step(models.TextChoices):
    """The kinds of step the procedures know. Which of them a dossier has, in what order and
    who records each, is its period's `Procedure` (data)."""

    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá, báo cáo kết quả (UBND xã)")
    POSTING = "posting", _("Công khai, lấy ý kiến nhân dân và các tổ chức")
    APPRAISAL = "appraisal", _("Thẩm tra hồ sơ và mức đạt từng tiêu chí (UBND huyện)")
    COUNCIL = "council", _("Hội đồng thẩm định tỉnh biểu quyết")
    PROPOSAL = "proposal", _("Tờ trình đề nghị công nhận")
    DECISION = "decision", _("Quyết định công nhận (Chủ tịch UBND tỉnh)")


class Recorder(models.TextChoices):
    """Who carries a step out and records it (accounts.roles.can_record_dossier_step): the
    province's staff record every step, a district official the commune's and the district's,
    a commune official the commune's."""

    COMMUNE = "commune", _("Xã")
    DISTRICT = "district", _("Huyện")
    PROVINCE = "province", _("Tỉnh")


class ProcedureQuerySet(models.QuerySet):
    def for_year(self, year: int):
        """The procedure of dossiers recognising `year` (at most one: Procedure.clean)."""
        return self.filter(first_year__lte=year).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=year)
        )


class Procedure(models.Model):
    """The recognition procedure of a period (by the year recognised): its legal basis, whether
    that is confirmed, the posting rule and its steps (`ProcedureStep`). Data, seeded by
    migration 0005 and edited in the admin, so a procedure published later (2026-2030 is
    unknown, reference §16.8 point 3) is entered, not coded."""

    first_year = models.PositiveSmallIntegerField(_("từ năm"))
    last_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"),
        max_length=200,
        blank=True,
        help_text=_("Để trống khi chưa biết văn bản quy định trình tự."),
    )
    confirmed = models.BooleanField(
        _("đã xác nhận"),
        default=False,
        help_text=_("Bỏ chọn khi trình tự, người thẩm tra hoặc văn bản còn chưa xác nhận."),
    )
    posting_days = models.PositiveSmallIntegerField(
        _("số ngày công khai tối thiểu"),
        null=True,
        blank=True,
        help_text=_("Để trống khi nguồn không nêu (chưa xác nhận)."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["first_year"]
        verbose_name = _("trình tự xét công nhận")
        verbose_name_plural = _("trình tự xét công nhận")
        constraints = [
            # for_year reads [first_year, last_year]; overlaps are refused by clean().
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="procedure_years_ordered",
            ),
            models.UniqueConstraint(fields=["first_year"], name="procedure_first_year_unique"),
        ]

    def __str__(self) -> str:
        years = f"{self.first_year}–{self.last_year}" if self.last_year else f"{self.first_year}–"
        return f"{years}: {self.legal_basis or gettext('chưa xác nhận')}"

    def clean(self) -> None:
        if self.last_year is not None and self.last_year < self.first_year:
            return  # the constraint's message
        overlapping = Procedure.objects.exclude(pk=self.pk).filter(
            Q(last_year__isnull=True) | Q(last_year__gte=self.first_year)
        )
        if self.last_year is not None:
            overlapping = overlapping.filter(first_year__lte=self.last_year)
        if overlapping.exists():
            raise ValidationError(
                _("Khoảng năm trùng với một trình tự khác."), code="overlapping_procedure"
            )


class ProcedureStep(models.Model):
    """A step of a procedure, in its order: who records it, and what it needs."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="steps", verbose_name=_("trình tự")
    )
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    recorder = models.CharField(_("cấp ghi bước"), max_length=10, choices=Recorder.choices)
    needs_document = models.BooleanField(_("cần tài liệu"), default=True)
    needs_votes = models.BooleanField(_("cần kết quả biểu quyết"), default=False)

    class Meta:
        ordering = ["procedure", "order"]
        verbose_name = _("bước của trình tự")
        verbose_name_plural = _("bước của trình tự")
        constraints = [
            # A step once per procedure, and one order (Dossier.procedure_steps).
            models.UniqueConstraint(fields=["procedure", "step"], name="procedure_step_unique"),
            models.UniqueConstraint(
                fields=["procedure", "order"], name="procedure_step_order_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.get_step_display()


def _decisions(on: datetime.date | None = None):
    """Certifications recognising the outer dossier's commune at its tier for its year (decided
    on or before `on` when given)."""
    decisions = Certification.objects.filter(
        commune=OuterRef("commune"), tier=OuterRef("tier"), recognised_year=OuterRef("year")
    )
    return decisions if on is None else decisions.filter(decision_date__lte=on)


class DossierQuerySet(models.QuerySet):
    """A dossier is complete once a decision recognises its commune at its tier for its year
    (Certification.recognised_year, not the decision's date), whichever page or import recorded
    it; `on` asks as at a day (a report's day: a decision taken later does not count yet). The
    queue and the reports count with these."""

    def completed(self, on: datetime.date | None = None):
        linked = (
            Q(certification__isnull=False)
            if on is None
            else Q(certification__decision_date__lte=on)
        )
        return self.filter(linked | Exists(_decisions(on)))

    def in_progress(self, on: datetime.date | None = None):
        not_linked = Q(certification__isnull=True)
        if on is not None:
            not_linked |= Q(certification__decision_date__gt=on)
        return self.filter(not_linked).filter(~Exists(_decisions(on)))

    def with_completion(self):
        """Each dossier's `is_complete` without a query per row (lists)."""
        return self.annotate(decided=Exists(_decisions()))


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
    # `certification` and `completed_at` are set by the pages that record the decision; one
    # recorded elsewhere (an import) completes the dossier as well: ask `is_complete` or
    # Dossier.objects.completed() / in_progress(), never these fields.
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)

    objects = DossierQuerySet.as_manager()

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

    def procedure(self) -> Procedure | None:
        """The procedure of the dossier's year, with its steps (two queries; the views keep
        it). None when no procedure covers the year (then nothing can be recorded)."""
        return Procedure.objects.for_year(self.year).prefetch_related("steps").first()

    def procedure_steps(self, procedure: Procedure | None) -> list[ProcedureStep]:
        """The steps of this dossier, in order: the procedure's, without the district's for a
        unit that has no district (those formed from 01/07/2025)."""
        if procedure is None:
            return []
        return [
            s
            for s in procedure.steps.all()
            if s.recorder != Recorder.DISTRICT or self.commune.district_id is not None
        ]

    def decision(self) -> Certification | None:
        """The decision that completed the dossier: the one linked by the page that recorded
        it, else the first recognising the commune at the tier for the year (one query)."""
        if self.certification_id is not None:
            return self.certification
        return (
            Certification.objects.filter(commune=self.commune_id, tier=self.tier)
            .filter(recognised_year=self.year)
            .order_by("decision_date", "pk")
            .first()
        )

    @property
    def is_complete(self) -> bool:
        """DossierQuerySet.completed, for one row (no query when linked or annotated)."""
        if self.certification_id is not None:
            return True
        decided = getattr(self, "decided", None)
        return decided if decided is not None else self.decision() is not None


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

    def posting_deadline(self, posting_days: int | None) -> datetime.date | None:
        """The earliest end of the posting under a rule of `posting_days` (its procedure's)."""
        if self.step != Step.POSTING or posting_days is None:
            return None
        try:
            return self.done_on + datetime.timedelta(days=posting_days)
        except OverflowError:
            # A day near 31/12/9999, stored before the forms bounded dates (issue 24, N6): no
            # posting can end that late; the page and the decision's check go on.
            return datetime.date.max


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
