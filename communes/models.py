"""Administrative units: regions, provinces, districts and communes with dated validity."""

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def year_end(year: int) -> datetime.date:
    """Units and certifications are counted as they stand on 31 December of a report year."""
    return datetime.date(year, 12, 31)


class Region(models.Model):
    """A socio-economic region (vùng): the key of regional thresholds until 2025."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=100)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("vùng")
        verbose_name_plural = _("vùng")

    def __str__(self) -> str:
        return self.name_vi


class CommuneGroup(models.Model):
    """A commune group (xã nhóm 1/2/3): the threshold key of the 2026-2030 set."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=100)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=100, blank=True)
    description = models.TextField(_("định nghĩa"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("nhóm xã")
        verbose_name_plural = _("nhóm xã")

    def __str__(self) -> str:
        return self.name_vi


class Province(models.Model):
    code = models.CharField(_("mã tỉnh"), max_length=2, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    # Empty for provinces loaded with --all: their region is not in the project's sources yet
    # and is set in the admin; thresholds then fall back to the national target.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provinces",
        verbose_name=_("vùng"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL_CITY = "thanh_pho", _("Thành phố")
        TOWN = "thi_xa", _("Thị xã")
        URBAN_DISTRICT = "quan", _("Quận")
        RURAL_DISTRICT = "huyen", _("Huyện")

    code = models.CharField(_("mã huyện"), max_length=3, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("tỉnh")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")

    def __str__(self) -> str:
        # "Huyện Chi Lăng"; English puts the kind after the name ("Chi Lăng District").
        return gettext("%(kind)s %(name)s") % {"kind": self.get_kind_display(), "name": self.name}


class CommuneQuerySet(models.QuerySet):
    def in_programme(self):
        return self.filter(in_programme=True)

    def valid_in(self, year: int):
        """Units that exist on 31 December of `year` (mergers end a unit on 31/12)."""
        end = year_end(year)
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=end)
        )

    def in_scope(self, *, province=None, district=None):
        if district is not None:
            return self.filter(district=district)
        if province is not None:
            return self.filter(district__province=province)
        return self

    def with_code(self, code: str, year: int | None = None):
        """Units carrying `code`, current first: GSO reissued some codes in the 2019 mergers,
        so `year` picks the unit that existed then."""
        qs = self.filter(code=code)
        if year is not None:
            qs = qs.valid_in(year)
        return qs.order_by(models.F("valid_to").desc(nulls_first=True))


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Xã")
        WARD = "phuong", _("Phường")
        TOWNSHIP = "thi_tran", _("Thị trấn")

    code = models.CharField(_("mã xã"), max_length=5, db_index=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="communes", verbose_name=_("huyện")
    )
    in_programme = models.BooleanField(_("thuộc chương trình NTM"), default=True)
    is_border = models.BooleanField(_("xã biên giới"), default=False)
    is_disadvantaged = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("hình thành từ"),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "code"]
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        constraints = [
            # A GSO code names at most one unit that still exists (codes were reissued in 2019).
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="commune_code_unique_current",
            ),
            # The same code may not start twice on the same day (load_admin_units keys on this).
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="commune_code_valid_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="commune_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s %(name)s (%(code)s)") % {
            "kind": self.get_kind_display(),
            "name": self.name,
            "code": self.code,
        }

    def get_absolute_url(self) -> str:
        return reverse("communes:commune_detail", args=[self.code])

    def exists_in(self, year: int) -> bool:
        end = year_end(year)
        return (self.valid_from is None or self.valid_from <= end) and (
            self.valid_to is None or self.valid_to >= end
        )


class CommuneGroupAssignment(models.Model):
    """A commune's group is dated: it follows urban plans and ethnic-area classification."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="group_assignments", verbose_name=_("xã")
    )
    group = models.ForeignKey(CommuneGroup, on_delete=models.PROTECT, verbose_name=_("nhóm"))
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)

    class Meta:
        verbose_name = _("phân nhóm xã")
        verbose_name_plural = _("phân nhóm xã")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year_from"], name="group_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.group} ({self.year_from}–{self.year_to or ''})"
