"""A user's role and the administrative scope it applies to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province


class Membership(models.Model):
    class Role(models.TextChoices):
        PROVINCE_STAFF = "province", _("Cán bộ Ban Chỉ đạo tỉnh")
        DISTRICT_OFFICIAL = "district", _("Cán bộ huyện")
        COMMUNE_OFFICIAL = "commune", _("Cán bộ UBND xã")

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
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("xã")
    )

    class Meta:
        verbose_name = _("phạm vi người dùng")
        verbose_name_plural = _("phạm vi người dùng")
        constraints = [
            # Exactly one unit, the one of the role: province staff a province, district
            # officials a district, commune officials a commune.
            models.CheckConstraint(
                condition=Q(
                    role="province",
                    province__isnull=False,
                    district__isnull=True,
                    commune__isnull=True,
                )
                | Q(
                    role="district",
                    district__isnull=False,
                    province__isnull=True,
                    commune__isnull=True,
                )
                | Q(
                    role="commune",
                    commune__isnull=False,
                    province__isnull=True,
                    district__isnull=True,
                ),
                name="membership_scope_matches_role",
            ),
        ]

    def __str__(self) -> str:
        unit = self.province or self.district or self.commune
        return f"{self.user}: {self.get_role_display()} – {unit}"

    def clean(self) -> None:
        units = {"province": self.province_id, "district": self.district_id}
        units["commune"] = self.commune_id
        others = any(v for k, v in units.items() if k != self.role)
        if self.role == self.Role.PROVINCE_STAFF and (not self.province_id or others):
            raise ValidationError(
                _("Cán bộ tỉnh cần chọn tỉnh (và không chọn huyện, xã)."), code="scope"
            )
        if self.role == self.Role.DISTRICT_OFFICIAL and (not self.district_id or others):
            raise ValidationError(
                _("Cán bộ huyện cần chọn huyện (và không chọn tỉnh, xã)."), code="scope"
            )
        if self.role == self.Role.COMMUNE_OFFICIAL and (not self.commune_id or others):
            raise ValidationError(
                _("Cán bộ UBND xã cần chọn xã (và không chọn tỉnh, huyện)."), code="scope"
            )
        if self.role == self.Role.DISTRICT_OFFICIAL and self._unit_changed("district_id"):
            # Districts ended on 30/06/2025: nobody starts working for one afterwards. Existing
            # memberships stay, so their officials keep reading the years their district existed.
            # getattr: District gains `valid_to` with the dated hierarchy (issue 12); this check
            # must work before and after that change.
            district_end = getattr(self.district, "valid_to", None)
            if district_end is not None and district_end < timezone.localdate():
                raise ValidationError(
                    _("Huyện %(district)s đã kết thúc hoạt động ngày %(date)s.")
                    % {"district": self.district, "date": district_end.strftime("%d/%m/%Y")},
                    code="district_ended",
                )
        if self.role == self.Role.COMMUNE_OFFICIAL and self._unit_changed("commune_id"):
            commune_end = self.commune.valid_to
            if commune_end is not None and commune_end < timezone.localdate():
                raise ValidationError(
                    _("Xã %(commune)s đã kết thúc hoạt động ngày %(date)s.")
                    % {"commune": self.commune, "date": commune_end.strftime("%d/%m/%Y")},
                    code="commune_ended",
                )

    def _unit_changed(self, field: str) -> bool:
        """New, or now naming another unit than the stored row does."""
        if self._state.adding or self.pk is None:
            return True
        stored = Membership.objects.filter(pk=self.pk).values_list(field, flat=True).first()
        return stored != getattr(self, field)


class NotificationPreference(models.Model):
    """What mail a user wants (accounts/notifications.py). No row: the defaults (mail on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("người dùng"),
    )
    email = models.BooleanField(
        _("nhận thông báo qua email"),
        default=True,
        help_text=_(
            "Thư báo khi đánh giá được gửi duyệt, bị trả lại hoặc được phê duyệt, và khi xã "
            "được công nhận."
        ),
    )

    class Meta:
        verbose_name = _("tùy chọn thông báo")
        verbose_name_plural = _("tùy chọn thông báo")

    def __str__(self) -> str:
        return f"{self.user}: {'email' if self.email else '-'}"


class SentNotification(models.Model):
    """One mail sent: an event (`event`, e.g. "assessment-approved:12:v5") to one user. The
    worker writes the row in the transaction that sends the mail, so a task that is run again
    (a retry, a second worker) sends nobody the same event twice."""

    event = models.CharField(_("sự kiện"), max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người nhận"),
    )
    sent_at = models.DateTimeField(_("gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo đã gửi")
        verbose_name_plural = _("thông báo đã gửi")
        constraints = [
            # Each event reaches each user once (accounts.notifications.deliver).
            models.UniqueConstraint(fields=["event", "user"], name="sent_notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.user}"
