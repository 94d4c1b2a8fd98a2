"""Background tasks of accounts (django.tasks; `manage.py run_worker` runs them)."""

from django.tasks import task

from accounts import notifications


@task()
def send_notification(
    *,
    event: str,
    key: str,
    commune_id: int,
    path: str,
    actor_id: int | None,
    author_ids: list[int],
    details: dict[str, str],
) -> int:
    """Mail one event of the review workflow to the people it concerns (see
    accounts.notifications); returns how many mails were sent by this run."""
    return notifications.deliver(
        event=event,
        key=key,
        commune_id=commune_id,
        path=path,
        actor_id=actor_id,
        author_ids=author_ids,
        details=details,
    )
