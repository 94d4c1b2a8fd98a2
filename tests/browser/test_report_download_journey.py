"""Downloading a report's PDF: the first click shows "being prepared" and the file arrives by
itself once the worker has rendered it; the second download is immediate (issue 15)."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from ntm.lib import pdf
from tests.base import PASSWORD, make_assessment, make_certification, make_world

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
