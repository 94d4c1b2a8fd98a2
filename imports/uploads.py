"""Uploads waiting for the user's confirmation, in the database (`imports.PendingImport`).

An upload is read once, during its request, from a temporary file (`imports.workbook.
read_source`); what is kept is its parsed rows and the preview's report as JSON text (never
the workbook, never pickle), under a random token that only the uploader's session knows. Every
app server sees the same rows, so a preview made on one is applied on another. The preview is
drawn from the stored report, the apply re-validates the stored rows against the database.
Rows go on apply, on cancel and after `MAX_AGE`; each user has a quota of pending uploads
(`NTM_IMPORT_MAX_PENDING`, `NTM_IMPORT_MAX_PENDING_BYTES`).
"""

import datetime
import json
import re

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import PendingImport

MAX_AGE = 24 * 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _check(token: str) -> str:
    if not TOKEN.match(token):
        raise ValueError("bad token")
    return token


def quota_error(user, incoming: int) -> str:
    """Why `user` may not add an upload of `incoming` bytes now, or "". One query."""
    pending = PendingImport.objects.filter(user=user).aggregate(n=Count("pk"), used=Sum("size"))
    count, used = pending["n"], pending["used"] or 0
    if count >= settings.NTM_IMPORT_MAX_PENDING:
        return _(
            "Bạn đang có %(n)s tệp chờ xác nhận: hãy ghi hoặc hủy bớt trước khi tải tệp mới."
        ) % {"n": count}
    if used + incoming > settings.NTM_IMPORT_MAX_PENDING_BYTES:
        return _(
            "Các tệp chờ xác nhận của bạn đã chiếm %(used)s MB (giới hạn %(limit)s MB): hãy ghi "
            "hoặc hủy bớt trước khi tải tệp mới."
        ) % {
            "used": f"{used / 1e6:.1f}",
            "limit": f"{settings.NTM_IMPORT_MAX_PENDING_BYTES / 1e6:.0f}",
        }
    return ""


def store(user, token: str, data: dict) -> None:
    """Keep `data` under `token` for `user` (replacing what the token held: a refused apply
    stores the report the database gives then). Its age counts from the upload."""
    text = json.dumps(data, ensure_ascii=False)
    PendingImport.objects.update_or_create(
        user=user,
        token=_check(token),
        defaults={"data": text, "size": len(text.encode())},
    )


def load(user, token: str) -> dict | None:
    """What `user` stored under `token`, or None (unknown, another user's, expired or a
    malformed token)."""
    try:
        text = (
            PendingImport.objects.filter(user=user, token=_check(token), created_at__gte=_cutoff())
            .values_list("data", flat=True)
            .get()
        )
    except (ValueError, PendingImport.DoesNotExist):
        return None
    return json.loads(text)


def remove(user, token: str) -> None:
    PendingImport.objects.filter(user=user, token=_check(token)).delete()


def _cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(seconds=MAX_AGE)


def remove_expired(now: datetime.datetime | None = None) -> int:
    """Remove every user's uploads older than MAX_AGE; returns how many went."""
    removed, _by_model = PendingImport.objects.filter(created_at__lt=_cutoff(now)).delete()
    return removed
