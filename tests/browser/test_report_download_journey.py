"""Downloading a report's PDF: the first click shows "being prepared" and the file arrives by
itself once the worker has rendered it; the second download is immediate (issue 15)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ntm.lib import pdf
from tests.base import PASSWORD, make_assessment, make_certification, make_world
from workers.models import WorkerHeartbeat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_first_download_waits_for_the_worker_and_the_second_is_immediate(
    page, live_server, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    renders = []
    monkeypatch.setattr(pdf, "render_pdf", lambda html: renders.append(html) or b"%PDF-1.4 fake")
    DBTaskResult.objects.all().delete()  # what the session's seed queued
    world = make_world()
    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", world.province_staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    report = live_server.url + reverse("reports:province_report", args=["98", 2026])
    page.goto(report)

    # A worker is alive (its heartbeat is fresh), so the page waits for it.
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="journey", pid=1, started_at=now, last_seen=now)
    page.click("text=Tải PDF")
    assert page.locator("h1:has-text('Đang tạo báo cáo…')").is_visible()
    assert renders == []
    with page.expect_download(timeout=15_000) as first:
        # The worker renders the queued file; the page's poller then starts the download.
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    path = Path(first.value.path())
    assert path.read_bytes() == b"%PDF-1.4 fake"
    assert first.value.suggested_filename == "bao-cao-ntm-tinh-98-2026.pdf"
    # A1 certified of the world's 3 communes, read from the headline's own element: a bare
    # "1/3" in the page could also come from a printed date (it once passed as "11/2026").
    assert len(renders) == 1
    assert '<strong data-figure="certified">1/3</strong>' in renders[0]

    page.goto(report)
    with page.expect_download(timeout=5_000) as second:
        page.click("text=Tải PDF")
    assert Path(second.value.path()).read_bytes() == b"%PDF-1.4 fake"
    assert DBTaskResult.objects.count() == 1  # nothing queued the second time
    assert len(renders) == 1


def test_the_waiting_page_gives_up_when_the_worker_dies(page, live_server, settings):
    """The worker stops sending heartbeats while the page waits: the poller says the file
    cannot be prepared now and links the report's page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.NTM_WORKER_STALE_SECONDS = 60
    DBTaskResult.objects.all().delete()
    world = make_world()
    now = timezone.now()
    beat = WorkerHeartbeat.objects.create(worker_id="dying", pid=1, started_at=now, last_seen=now)

    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", world.province_staff.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(live_server.url + reverse("reports:province_report_pdf", args=["98", 2026]))
    assert page.locator("h1:has-text('Đang tạo báo cáo…')").is_visible()

    beat.last_seen = now - datetime.timedelta(minutes=5)
    beat.save()
    page.locator("h1:has-text('Chưa thể chuẩn bị tệp lúc này')").wait_for(timeout=10_000)
    link = page.locator("[data-unavailable] a")
    assert link.get_attribute("href") == reverse("reports:province_report", args=["98", 2026])
