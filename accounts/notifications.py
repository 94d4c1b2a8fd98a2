"""Mail about the review workflow: an assessment submitted (to the province's reviewers),
returned or approved (to its author and the commune's officials), a certification recorded (to
the commune's officials).

The services that make the change call `notify`, which queues `accounts.tasks.send_notification`
once their transaction commits: nothing is sent in the request, and nothing for a change that
is rolled back. The background worker (`manage.py run_worker`) then picks the recipients
(`recipients`: the queries of accounts.roles, so nobody out of scope is told), leaves out the
inactive, those without an address and those who turned mail off (`NotificationPreference`,
edited on /accounts/notifications/), and sends each one a Vietnamese mail with an absolute link
(settings.NTM_BASE_URL). A `SentNotification` row per event and recipient, written with the
mail, makes a task run twice send nothing twice.

This module sits in accounts, below criteria and dossiers (the import-linter layers): callers
pass what it shows as plain values, so it imports none of their models.
"""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import roles
from accounts.models import NotificationPreference, SentNotification
from communes.models import Commune


class Event(models.TextChoices):
    SUBMITTED = "assessment-submitted", gettext_lazy("Đánh giá được gửi duyệt")
    RETURNED = "assessment-returned", gettext_lazy("Đánh giá bị trả lại")
    APPROVED = "assessment-approved", gettext_lazy("Đánh giá được phê duyệt")
    CERTIFIED = "certification-recorded", gettext_lazy("Xã được công nhận")


SUBJECTS = {
    Event.SUBMITTED: gettext_lazy("[NTM] Đánh giá %(assessment)s chờ tỉnh phê duyệt"),
    Event.RETURNED: gettext_lazy("[NTM] Đánh giá %(assessment)s đã bị trả lại"),
    Event.APPROVED: gettext_lazy("[NTM] Đánh giá %(assessment)s đã được phê duyệt"),
    Event.CERTIFIED: gettext_lazy("[NTM] %(commune)s được công nhận: %(tier)s"),
}
WHAT_HAPPENED = {
    Event.SUBMITTED: gettext_lazy("%(actor)s đã gửi đánh giá %(assessment)s lên tỉnh phê duyệt."),
    Event.RETURNED: gettext_lazy(
        "%(actor)s đã trả lại đánh giá %(assessment)s để sửa và gửi lại.\nLý do: %(reason)s"
    ),
    Event.APPROVED: gettext_lazy("%(actor)s đã phê duyệt đánh giá %(assessment)s."),
    Event.CERTIFIED: gettext_lazy(
        "%(commune)s đã được công nhận (%(tier)s) năm %(year)s theo quyết định số %(decision)s "
        "ngày %(date)s của %(authority)s."
    ),
}


def notify(
    *,
    event: Event,
    key: str,
    commune: Commune,
    path: str,
    actor=None,
    author_ids: Iterable[int | None] = (),
    details: dict[str, str],
) -> None:
    """Queue the mail of `event` for when the current transaction commits. `key` names this
    occurrence of the event (an assessment's id and version, a certification's id): a task run
    twice sends it once. `path` is the page the mail links to; `actor` the user who acted (not
    told of their own act; None: the operator at the shell); `author_ids` the assessment's
    author(s), told of a return or an approval; `details` the strings the mail shows
    (`assessment`, `reason`; `commune`, `tier`, `year`, `decision`, `date`, `authority`), given
    in Vietnamese by the caller."""
    from accounts.tasks import send_notification  # the task module imports this one

    kwargs = {
        "event": str(event),
        "key": f"{event}:{key}",
        "commune_id": commune.pk,
        "path": path,
        "actor_id": actor.pk if actor is not None else None,
        "author_ids": sorted({pk for pk in author_ids if pk is not None}),
        "details": {k: str(v) for k, v in details.items()},
    }
    # robust: a queue that cannot be written to is logged, and the change stays made.
    transaction.on_commit(lambda: send_notification.enqueue(**kwargs), robust=True)


def recipients(
    event: str, commune: Commune, *, author_ids: Iterable[int] = (), actor_id: int | None = None
) -> list:
    """Who is told of `event` on `commune`, in scope (accounts.roles) and wanting mail: active,
    with an address, mail not turned off, and not the one who acted."""
    if event == Event.SUBMITTED:
        users = roles.reviewers_of(commune)
    elif event in (Event.RETURNED, Event.APPROVED):
        authors = (
            get_user_model()
            .objects.filter(pk__in=list(author_ids), is_active=True)
            .select_related("membership__province", "membership__district", "membership__commune")
            .order_by("pk")
        )
        users = [u for u in authors if roles.can_view_commune(u, commune)]
        users += roles.officials_of(commune)
    elif event == Event.CERTIFIED:
        users = roles.officials_of(commune)
    else:
        raise ValueError(f"unknown event {event!r}")
    off = set(
        NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], email=False
        ).values_list("user_id", flat=True)
    )
    chosen = {}
    for user in users:
        if user.is_active and user.email and user.pk not in off and user.pk != actor_id:
            chosen.setdefault(user.pk, user)
    return list(chosen.values())


def deliver(
    *,
    event: str,
    key: str,
    commune_id: int,
    path: str,
    actor_id: int | None,
    author_ids: Iterable[int],
    details: dict[str, str],
) -> int:
    """Send the mail of one event to each recipient not yet sent it; returns how many were
    sent now. Each mail and its `SentNotification` row are one transaction: a mail server that
    fails leaves the row unwritten, so the next run sends that mail and no other twice."""
    commune = Commune.objects.get(pk=commune_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in recipients(event, commune, author_ids=author_ids, actor_id=actor_id):
            with transaction.atomic():
                _row, created = SentNotification.objects.get_or_create(event=key, user=user)
                if not created:
                    continue
                subject, body = compose(event, user=user, actor=actor, path=path, details=details)
                send_mail(subject, body, None, [user.email])
                sent += 1
    return sent


def compose(event: str, *, user, actor, path: str, details: dict[str, str]) -> tuple[str, str]:
    """The subject and plain-text body of `event`'s mail to `user`, in the active language."""
    values = {
        "assessment": "",
        "reason": "",
        "commune": "",
        "tier": "",
        "year": "",
        "decision": "",
        "date": "",
        "authority": "",
        **details,
        "actor": display_name(actor) if actor is not None else _("Quản trị hệ thống"),
    }
    lines = [
        _("Kính gửi %(name)s,") % {"name": display_name(user)},
        "",
        WHAT_HAPPENED[event] % values,
        "",
        _("Xem tại: %(link)s") % {"link": absolute_url(path)},
        "",
        "--",
        _("Thư này do hệ thống NTM gửi tự động, xin đừng trả lời."),
        _("Tắt thư báo tại: %(link)s")
        % {"link": absolute_url(reverse("accounts:notification_settings"))},
    ]
    return str(SUBJECTS[event] % values), "\n".join(lines) + "\n"


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def absolute_url(path: str) -> str:
    """`path` on the site as its users reach it (settings.NTM_BASE_URL)."""
    return settings.NTM_BASE_URL + path
