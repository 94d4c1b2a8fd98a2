"""Issued reports (báo cáo đã ban hành): a numbered report whose figures and PDF are frozen."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import District, Province


class IssuedReportQuerySet(models.QuerySet):
    def visible_to(self, scope):
        """Admins see every report, province staff their province's, district officials their
        district's."""
        if scope.is_admin:
            return self
        if scope.district is not None:
            return self.filter(district=scope.district)
        return self.filter(province=scope.province)


class IssuedReport(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Báo cáo cấp tỉnh")
        DISTRICT = "district", _("Báo cáo cấp huyện")

    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huyện"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("năm báo cáo"))
    area_name = models.CharField(_("phạm vi"), max_length=200)
    number = models.PositiveIntegerField(_("số"))
    # Numbers run per province and calendar year of issue ("Số: 12/BC-BCĐ").
    series_year = models.PositiveSmallIntegerField(_("năm của số hiệu"))
    number_suffix = models.CharField(_("ký hiệu"), max_length=40, default="BC-BCĐ")
    issued_on = models.DateField(_("ngày ban hành"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ban hành"),
    )
    issued_at = models.DateTimeField(_("ban hành lúc"), auto_now_add=True)
    code = models.CharField(_("mã tra cứu"), max_length=12, unique=True)
    figures = models.JSONField(_("số liệu"))
    figures_sha256 = models.CharField(_("mã băm số liệu (SHA-256)"), max_length=64)
    pdf = models.FileField(_("tệp PDF"), upload_to="issued/", max_length=200)
    pdf_sha256 = models.CharField(_("mã băm tệp PDF (SHA-256)"), max_length=64)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người thu hồi"),
    )
    withdrawal_reason = models.TextField(_("lý do thu hồi"), blank=True)

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("báo cáo đã ban hành")
        verbose_name_plural = _("báo cáo đã ban hành")
        constraints = [
            # One number per province and year of issue (the auto-increment reads the maximum).
            models.UniqueConstraint(
                fields=["province", "series_year", "number"], name="issued_report_number_unique"
            ),
            # A district report names its district, a province report none.
            models.CheckConstraint(
                condition=Q(kind="province", district__isnull=True)
                | Q(kind="district", district__isnull=False),
                name="issued_report_area_matches_kind",
            ),
            # Withdrawn only with a reason.
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawal_reason=""),
                name="issued_report_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Số: %(number)s – %(area)s năm %(year)s") % {
            "number": self.number_text,
            "area": self.area_name,
            "year": self.year,
        }

    def get_absolute_url(self) -> str:
        return reverse("issued:issued_detail", args=[self.code])

    @property
    def number_text(self) -> str:
        return f"{self.number}/{self.number_suffix}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def pdf_filename(self) -> str:
        """The name the stored PDF is downloaded under."""
        return f"bao-cao-{self.series_year}-{self.number}-{self.code}.pdf"

    @property
    def area_code(self) -> str:
        return self.district.code if self.district_id else self.province.code
