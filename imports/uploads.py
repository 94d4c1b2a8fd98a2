"""Uploads waiting for the user's confirmation, in the database (`imports.PendingImport`).

An upload is read once, during its request, from a temporary file (`imports.workbook.
read_source`); what is kept is its parsed rows and the preview's report as JSON text (never
the workbook, never pickle), under a random token that only the uploader's session knows. Every
app server sees the same rows, so a preview made on one is applied on another. The preview is
drawn from the stored report, the apply re-validates the stored rows against the database.
Rows go on apply, on cancel and after `MAX_AGE`; each user has a quota of pending uploads
(`NTM_IMPORT_MAX_PENDING`, `NTM_IMPORT_MAX_PENDING_BYTES`), counted in the bytes stored (the
JSON, not the workbook), and one upload stores at most `MAX_STORED_BYTES`. The quota holds under
concurrent uploads: a new upload is counted and stored in one transaction that holds the
uploader's row locked (issue 24, N11).
"""

import datetime
import json
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.models import PendingImport

MAX_AGE = 24 * 3600
# What one upload may store (its rows and its preview's report, as JSON). The reader's caps
# (imports.workbook) keep a file within it: 20,000 rows of short cells take a few megabytes.
MAX_STORED_BYTES = 20 * 1024 * 1024
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _check(token: str) -> str:
    if not TOKEN.match(token):
        raise ValueError("bad token")
    return token


class QuotaError(Exception):
    """An upload the quota has no room for, or too large to keep: nothing was stored."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


def _usage(user) -> tuple[int, int]:
    """How many uploads `user` has pending and the bytes they store. One query."""
    pending = PendingImport.objects.filter(user=user).aggregate(n=Count("pk"), used=Sum("size"))
    return pending["n"], pending["used"] or 0


def _refusal(count: int, used: int, incoming: int) -> QuotaError | None:
    if count >= settings.NTM_IMPORT_MAX_PENDING:
        return QuotaError(
            "pending_quota",
            _("Bạn đang có %(n)s tệp chờ xác nhận: hãy ghi hoặc hủy bớt trước khi tải tệp mới.")
            % {"n": count},
        )
    if used + incoming > settings.NTM_IMPORT_MAX_PENDING_BYTES:
        return QuotaError(
            "pending_bytes_quota",
            _(
                "Các tệp chờ xác nhận của bạn đã chiếm %(used)s MB (giới hạn %(limit)s MB): hãy "
                "ghi hoặc hủy bớt trước khi tải tệp mới."
            )
            % {
                "used": _mb(used),
                "limit": f"{settings.NTM_IMPORT_MAX_PENDING_BYTES / 1e6:.0f}",
            },
        )
    return None


def quota_error(user, incoming: int = 0) -> str:
    """Why `user` may not add an upload now, or "": asked before a file is read, so that a user
    at the quota costs no reading. `store` asks again, where it counts, with the bytes it would
    store. One query."""
    refusal = _refusal(*_usage(user), incoming)
    return refusal.message if refusal else ""


def store(user, token: str, data: dict) -> None:
    """Keep `data` under `token` for `user` (replacing what the token held: a refused apply
    stores the report the database gives then). Its age counts from the upload.

    A new token is counted against the quota with the bytes it stores, in one transaction that
    first locks the user's row, so that two uploads of one user are counted one after the
    other and the quota holds whatever arrives at once. (SQLite has no row locks: there the
    UPDATE below takes the database's one write lock before the count.) QuotaError, and nothing
    stored, past the quota or past MAX_STORED_BYTES. Queries: 3 or 4."""
    text = json.dumps(data, ensure_ascii=False)
    size = len(text.encode())
    if size > MAX_STORED_BYTES:
        raise QuotaError(
            "stored_too_large",
            _(
                "Kết quả đọc tệp quá lớn để giữ chờ xác nhận (%(size)s MB; tối đa %(limit)s MB): "
                "hãy chia thành nhiều tệp."
            )
            % {"size": _mb(size), "limit": f"{MAX_STORED_BYTES / 1e6:.0f}"},
        )
    token = _check(token)
    with transaction.atomic():
        if connection.features.has_select_for_update:
            get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").get()
        if PendingImport.objects.filter(user=user, token=token).update(data=text, size=size):
            return
        refusal = _refusal(*_usage(user), size)
        if refusal is not None:
            raise refusal
        PendingImport.objects.create(user=user, token=token, data=text, size=size)


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
