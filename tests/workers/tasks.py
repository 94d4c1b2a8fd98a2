"""Tasks of the worker tests (importable by a worker process started from the checkout)."""

import time
from pathlib import Path

from django.tasks import task

from reports.tasks import render_report_file


@task()
def sleep_for(*, seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


@task(takes_context=True)
def render_after_pause(context, *, inside: str, pause: float, **render_kwargs) -> str:
    """A real report render which, on its first attempt, signals it has started (touches
    `inside`) and then takes `pause` seconds: long enough to be killed halfway."""
    if len(context.task_result.worker_ids) == 1:
        Path(inside).touch()
        time.sleep(pause)
    return render_report_file.call(**render_kwargs)
