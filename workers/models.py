"""The background workers' heartbeats: one row per worker process (`manage.py run_worker`),
its `last_seen` written every few seconds by a thread of its own, also while a long task runs.
A worker whose row is older than `settings.NTM_WORKER_STALE_SECONDS` is taken for dead: the
task it was running is queued again (workers.recovery), the readiness probe reports it
(/readyz) and a download's waiting page stops waiting for it."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeatQuerySet(models.QuerySet):
    def fresh(self, now: datetime.datetime | None = None) -> "WorkerHeartbeatQuerySet":
        """The workers seen within NTM_WORKER_STALE_SECONDS of `now`."""
        now = now or timezone.now()
        stale = datetime.timedelta(seconds=settings.NTM_WORKER_STALE_SECONDS)
        return self.filter(last_seen__gte=now - stale)


class WorkerHeartbeat(models.Model):
    # django-tasks-db's worker id (DBTaskResult.worker_ids holds it), at most 64 characters.
    worker_id = models.CharField(_("mã tiến trình"), max_length=64, unique=True)
    hostname = models.CharField(_("máy"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("số tiến trình"))
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    last_seen = models.DateTimeField(_("lần cuối báo"))

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhịp tiến trình nền")
        verbose_name_plural = _("nhịp tiến trình nền")
        # The probes and the waiting pages ask "any worker seen lately?".
        indexes = [models.Index(fields=["last_seen"], name="workers_last_seen_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.hostname}:{self.pid})"
