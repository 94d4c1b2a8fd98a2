"""Uploads waiting for their uploader's confirmation (`imports.uploads`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    """The parsed rows and preview report of one upload, kept until its uploader applies or
    cancels it, or for `imports.uploads.MAX_AGE`. In the database rather than on one app
    server's disk, so a preview made on one server is applied on another. The workbook itself
    is never kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    # Random, from secrets.token_urlsafe; known only to the uploader's session.
    token = models.CharField(_("mã"), max_length=64, unique=True)
    # JSON as text, not a JSONField: read back exactly as written, never pickled. (PostgreSQL's
    # jsonb would refuse the "\u0000" that a cell of a workbook can carry.)
    data = models.TextField(_("dữ liệu"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    # Indexed for the sweep of expired uploads (imports.uploads.remove_expired).
    created_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("tệp nhập chờ xác nhận")
        verbose_name_plural = _("tệp nhập chờ xác nhận")

    def __str__(self) -> str:
        return self.token
