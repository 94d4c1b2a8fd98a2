"""A province's boundary file (from its GIS office) and each unit's simplified shape."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, Province


class BoundaryFile(models.Model):
    """One upload of a province's boundaries. The file itself is not kept: its name, size and
    SHA-256, the properties read and the report of what matched are; each matched unit's
    shape is stored simplified (UnitShape), ready to draw."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="boundary_files", verbose_name=_("tỉnh")
    )
    describes_on = models.DateField(
        _("ranh giới tại ngày"),
        help_text=_(
            "Ngày của các đơn vị hành chính trong tệp: mã xã được so với các xã của ngày này."
        ),
    )
    source = models.CharField(
        _("nguồn"),
        max_length=300,
        help_text=_(
            "Cơ quan cung cấp, tên và ngày của tệp, ví dụ «Sở Nông nghiệp và Môi trường, 2025»."
        ),
    )
    # The demo's invented shapes: the map says "minh họa — không phải ranh giới thật".
    is_illustrative = models.BooleanField(_("minh họa"), default=False)
    file_name = models.CharField(_("tên tệp"), max_length=200)
    file_size = models.PositiveIntegerField(_("kích thước (byte)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    code_property = models.CharField(_("thuộc tính mã xã"), max_length=100)
    name_property = models.CharField(_("thuộc tính tên xã"), max_length=100, blank=True)
    # The drawing's size in SVG user units (maps.geometry.Frame).
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    # {"features": n, "matched": [...], "unmatched": [{"index", "code", "name", "reason"}],
    #  "missing": [{"code", "name"}], "vertices": n}: shown after the upload.
    report = models.JSONField(_("kết quả đối chiếu"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        ordering = ["-describes_on", "-uploaded_at"]
        verbose_name = _("tệp ranh giới")
        verbose_name_plural = _("tệp ranh giới")

    def __str__(self) -> str:
        return f"{self.province} – {self.describes_on:%d/%m/%Y} ({self.file_name})"

    def get_absolute_url(self) -> str:
        return reverse("maps:boundary_detail", args=[self.province.code, self.pk])


class UnitShapeQuerySet(models.QuerySet):
    def for_area_on(self, *, province_id: int, day: datetime.date):
        """The shapes of the units of a province on `day` from its latest boundary file that
        has any of them (latest day described, then latest upload), with their unit and file:
        one query. A file of the units of 2025 draws nothing for a report of 2017, whose units
        are others (codes were reused: the unit is matched, not the code)."""
        units = Commune.objects.of_area(on=day, province=province_id)
        latest = (
            self.filter(boundary__province_id=province_id, commune__in=units)
            .order_by("-boundary__describes_on", "-boundary__uploaded_at", "-boundary_id")
            .values("boundary_id")[:1]
        )
        return (
            self.filter(boundary_id=Subquery(latest), commune__in=units)
            .select_related("boundary", "commune")
            .order_by("commune__code")
        )


class UnitShape(models.Model):
    """A unit's shape in its file's frame: SVG path data, simplified on upload."""

    boundary = models.ForeignKey(
        BoundaryFile,
        on_delete=models.CASCADE,
        related_name="shapes",
        verbose_name=_("tệp ranh giới"),
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="shapes", verbose_name=_("đơn vị")
    )
    path = models.TextField(_("đường vẽ (SVG)"))
    vertices = models.PositiveIntegerField(_("số đỉnh"))

    objects = UnitShapeQuerySet.as_manager()

    class Meta:
        ordering = ["boundary", "commune__code"]
        verbose_name = _("hình xã")
        verbose_name_plural = _("hình xã")
        constraints = [
            # A unit has one shape per file (features of one code are merged on upload).
            models.UniqueConstraint(fields=["boundary", "commune"], name="unit_shape_unique"),
        ]

    def __str__(self) -> str:
        return str(self.commune)
