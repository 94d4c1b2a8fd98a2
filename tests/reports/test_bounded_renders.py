"""Background rendering is bounded (issue 24, N5): a district official queued 300 renders in
8.7 s, one per `?as_at=` day, and the province's download then waited 6 min 9 s. Files are
rendered for the days that name a state only (reports.views.file_days), a user has at most
QUEUED_PER_USER renders waiting, the reports' own files go first in the queue, and old files
and finished task rows are deleted."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ntm.lib import reportfiles
from reports.tasks import QUEUED_PER_USER, render_report_file
from tests.base import run_worker

pytestmark = pytest.mark.django_db

PROVINCE_PDF = reverse("reports:province_report_pdf", args=["98", 2027])


def district_file(extension: str, year: int = 2027) -> str:
    return reverse(f"reports:district_report_{extension}", args=["981", year])


def test_300_days_queue_nothing_and_the_province_file_is_rendered_first(
    client, report_world, queued, renders
):
    w = report_world
    client.force_login(w.official_a)
    first_day = datetime.date(2027, 1, 1)
    for i in range(300):
        day = (first_day + datetime.timedelta(days=i)).isoformat()
        response = client.get(district_file(("pdf", "xlsx")[i % 2]), {"as_at": day})
        assert response.status_code == 409
    assert DBTaskResult.objects.count() == 0

    # Every file the official may have (two years, both formats, the variants of the
    # year-end): QUEUED_PER_USER of them wait, the others are told to wait, queuing nothing.
    asked = [
        (district_file(extension, year), query)
        for year in (2026, 2027)
        for extension in ("pdf", "xlsx")
        for query in (
            {"provisional": "1"},
            {"as_at": f"{year}-12-31"},
            {"provisional": "1", "as_at": f"{year}-12-31"},
        )
    ]
    statuses = [client.get(url, query).status_code for url, query in asked]
    assert statuses == [202] * QUEUED_PER_USER + [429] * (len(asked) - QUEUED_PER_USER)
    assert DBTaskResult.objects.count() == QUEUED_PER_USER == 4
    busy = client.get(*asked[-1])
    assert busy["Retry-After"] == "5" and "data-busy" in busy.content.decode()

    # The province's download right after: queued ahead of the official's renders, so the
    # worker renders it next.
    client.force_login(w.province_staff)
    assert client.get(PROVINCE_PDF).status_code == 202
    assert DBTaskResult.objects.count() == QUEUED_PER_USER + 1
    head = DBTaskResult.objects.ready().first()
    assert (head.args_kwargs["kwargs"]["kind"], head.args_kwargs["kwargs"]["code"]) == (
        "province",
        "98",
    )
    run_worker()
    assert "– tỉnh Tỉnh Thử</title>" in renders[0]
    assert client.get(PROVINCE_PDF).status_code == 200

    # Once the official's renders are done, the waiting page's next poll queues the next one.
    client.force_login(w.official_a)
    assert client.get(asked[-1][0], asked[-1][1] | {"status": "1"}).json() == {"state": "pending"}
    assert DBTaskResult.objects.ready().count() == 1


def test_a_day_without_files_is_shown_on_the_page_and_its_file_is_refused(
    client, report_world, queued
):
    client.force_login(report_world.province_staff)
    page = client.get(
        reverse("reports:province_report", args=["98", 2027]), {"as_at": "2027-05-05"}
    )
    assert page.status_code == 200
    assert page.context["figures"].day == datetime.date(2027, 5, 5)
    refused = client.get(page.context["urls"]["pdf"])
    assert refused.status_code == 409
    body = refused.content.decode()
    assert "Tệp PDF và Excel chỉ được tạo cho các ngày: 31/12/2027." in body
    assert f'href="{PROVINCE_PDF}" data-file-url' in body
    assert DBTaskResult.objects.count() == 0
    # The year's end, asked for by its day, has its file.
    assert client.get(PROVINCE_PDF, {"as_at": "2027-12-31"}).status_code == 202


def test_the_districts_last_day_has_files_in_2025(client, reform_world, queued):
    """30/06/2025, the last day of the districts, names a state: its files are rendered."""
    w = reform_world
    client.force_login(w.province_staff)
    url = reverse("reports:province_report_pdf", args=[w.province.code, 2025])
    assert client.get(url, {"as_at": "2025-06-30"}).status_code == 202
    assert client.get(url, {"as_at": "2025-07-01"}).status_code == 409
    assert DBTaskResult.objects.count() == 1


DAY = datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC)


def test_cleanup_deletes_old_files_and_finished_tasks(report_world, queued, time_machine):
    time_machine.move_to(DAY)
    storage = reportfiles.report_storage()
    for name, age in (("old-a.pdf", 31), ("fresh-a.pdf", 29)):
        reportfiles.store(name, b"%PDF", variant=name)
        stamp = (DAY - datetime.timedelta(days=age)).timestamp()
        os.utime(storage.path(name), (stamp, stamp))
    kwargs = {"kind": "province", "code": "98", "year": 2027, "query": {}, "language": "vi"}
    for age in (8, 6):
        result = render_report_file.enqueue(**kwargs, extension="pdf")
        DBTaskResult.objects.filter(pk=result.id).update(
            status="SUCCESSFUL", finished_at=timezone.now() - datetime.timedelta(days=age)
        )
    waiting = render_report_file.enqueue(**kwargs, extension="xlsx")

    call_command("cleanup_report_files", "--dry-run", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert storage.exists("old-a.pdf") and DBTaskResult.objects.count() == 3

    call_command("cleanup_report_files", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not storage.exists("old-a.pdf") and storage.exists("fresh-a.pdf")
    assert DBTaskResult.objects.count() == 2
    assert DBTaskResult.objects.filter(pk=waiting.id).exists()  # never a waiting task


def test_the_worker_cleans_up_once_a_day(report_world, queued, monkeypatch):
    from reports import tasks

    calls = []
    monkeypatch.setattr(reportfiles, "remove_old", lambda: calls.append(1))
    tasks.cleanup_daily()
    tasks.cleanup_daily()
    assert calls == [1]


def test_files_rendered_in_the_request_are_never_cleaned_up_there(report_world, monkeypatch):
    """The immediate backend (tests, the bench) has no worker: no cleanup in the request."""
    from reports import tasks

    monkeypatch.setattr(reportfiles, "remove_old", lambda: pytest.fail("cleaned up"))
    tasks.cleanup_daily()


def test_the_cleanup_before_any_file_is_stored_removes_nothing(settings, tmp_path):
    """On a new installation the worker's first render runs the daily cleanup before the
    storage's directory exists (found by tests/workers/test_worker_killed.py)."""
    settings.REPORT_CACHE_DIR = tmp_path / "not-yet"
    assert reportfiles.remove_old() == ([], 0)
    assert not (tmp_path / "not-yet").exists()
