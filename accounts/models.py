"""A user's role and the administrative scope it applies to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import District, Province


class Membership(models.Model):
    class Role(models.TextChoices):
        PROVINCE_STAFF = "province", _("Cán bộ Ban Chỉ đạo tỉnh")
        DISTRICT_OFFICIAL = "district", _("Cán bộ huyện")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership",
        verbose_name=_("người dùng"),
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("tỉnh")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("huyện")
    )

    class Meta:
        verbose_name = _("phạm vi người dùng")
        verbose_name_plural = _("phạm vi người dùng")
        constraints = [
            # Province staff are scoped to a province, district officials to a district.
            models.CheckConstraint(
                condition=Q(role="province", province__isnull=False, district__isnull=True)
                | Q(role="district", district__isnull=False, province__isnull=True),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} – {self.province or self.district}"

    def clean(self) -> None:
        if self.role == self.Role.PROVINCE_STAFF and (not self.province_id or self.district_id):
            raise ValidationError(_("Cán bộ tỉnh cần chọn tỉnh (và không chọn huyện)."))
        if self.role == self.Role.DISTRICT_OFFICIAL and (not self.district_id or self.province_id):
            raise ValidationError(_("Cán bộ huyện cần chọn huyện (và không chọn tỉnh)."))
