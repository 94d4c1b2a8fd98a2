"""Report files rendered in the background (django.tasks with django-tasks-db): a download
that finds no file queues one render and answers 202 with a page that waits for it; the worker
(`manage.py db_worker`) renders it; app servers share the cache and the stored files."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from criteria.services import assessment_approve, assessment_reopen
from ntm.lib import pdf
from reports import figures
from reports.tasks import prewarm_province_reports
from tests.base import run_worker

pytestmark = pytest.mark.django_db

URL = reverse("reports:province_report_pdf", args=["98", 2027])
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ntm_cache",
    }
}


def test_a_missing_file_is_queued_once_and_the_page_waits_for_it(
    client, report_world, renders, queued
):
    client.force_login(report_world.province_staff)
    first = client.get(URL)
    assert first.status_code == 202
    page = first.content.decode()
    assert "Đang tạo báo cáo…" in page
    assert "/static/js/report-preparing.js" in page  # the poller, a static file (CSP)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # no JS
    assert f'data-status-url="{URL}?status=1"' in page
    assert first["Cache-Control"] == "no-store"

    assert client.get(URL).status_code == 202  # asked again: still one task
    assert client.get(URL, {"status": "1"}).json() == {"state": "pending"}
    assert DBTaskResult.objects.count() == 1
    assert renders == []

    run_worker()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert client.get(URL, {"status": "1"}).json() == {"state": "ready"}
    done = client.get(URL)
    assert done.status_code == 200
    assert done.content == b"%PDF-fake 1"
    assert 'filename="bao-cao-ntm-tinh-98-2027.pdf"' in done["Content-Disposition"]
    assert len(renders) == 1


def test_the_workbook_is_rendered_by_the_worker_too(client, report_world, queued):
    client.force_login(report_world.province_staff)
    url = reverse("reports:province_report_xlsx", args=["98", 2027])
    assert client.get(url).status_code == 202
    run_worker()
    response = client.get(url)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"  # a zip: the workbook


def test_a_failed_render_says_so_and_the_next_download_tries_again(
    client, report_world, queued, monkeypatch
):
    client.force_login(report_world.province_staff)
    monkeypatch.setattr(pdf, "render_pdf", lambda html: 1 / 0)
    client.get(URL)
    run_worker()
    assert client.get(URL, {"status": "1"}).json() == {"state": "failed"}
    assert client.get(URL).status_code == 202
    assert DBTaskResult.objects.count() == 2  # queued again


def test_the_status_is_as_private_as_the_report(client, report_world, queued):
    client.force_login(report_world.other_province_staff)
    assert client.get(URL, {"status": "1"}).status_code == 404
    assert DBTaskResult.objects.count() == 0


def test_the_printed_date_is_the_data_date_not_today(client, report_world, renders):
    client.force_login(report_world.province_staff)
    client.get(URL)
    html = renders[0]
    assert "Số liệu đến ngày" in html
    assert "Lạng Sơn" not in html  # the world's province is 98
    assert "ngày … tháng … năm …" in html  # the signatory dates the printed copy


def test_two_app_servers_share_the_cache_and_the_files(
    client, report_world, renders, queued, settings, monkeypatch
):
    """Server A renders; server B (new cache and storage handlers, as in another process)
    serves the page body and the file without computing anything."""
    settings.CACHES = DATABASE_CACHE
    client.force_login(report_world.province_staff)
    page = reverse("reports:province_report", args=["98", 2027])
    assert client.get(page).status_code == 200
    client.get(URL)
    run_worker()

    settings.CACHES = {"default": dict(DATABASE_CACHE["default"])}  # new handlers: server B
    settings.STORAGES = {**settings.STORAGES}
    monkeypatch.setattr(figures, "report_figures", lambda *a, **k: pytest.fail("computed"))
    monkeypatch.setattr(pdf, "render_pdf", lambda html: pytest.fail("rendered"))
    assert client.get(page).status_code == 200
    served = client.get(URL)
    assert served.status_code == 200
    assert served.content == b"%PDF-fake 1"


def test_a_change_queues_the_working_years_reports(
    report_world, queued, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Approving a 2027 assessment in March 2028 queues, on commit, one re-rendering of the
    province, deferred by NTM_REPORT_PREWARM_DELAY (more changes meanwhile queue nothing more);
    when it runs it queues the PDF and workbook of 2027 (still being closed) and of 2028 (it
    carries 2027 forward), and nothing for the other province."""
    settings.NTM_REPORT_PREWARM = True
    settings.NTM_REPORT_PREWARM_DELAY = 30
    monkeypatch.setattr("reports.tasks.timezone.localdate", lambda *a: datetime.date(2028, 3, 1))
    w = report_world
    before = timezone.now()
    # The reports' tasks only: an approval also queues the workflow's mail (accounts.tasks).
    reports = DBTaskResult.objects.filter(task_path__startswith="reports.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessment_approve(assessment=w.commune_b1.assessments.get(year=2027), user=w.admin)
        assert DBTaskResult.objects.count() == 0  # nothing before the commit
    assert len(callbacks) == 2  # the data version's signal and the mail
    (prewarm,) = reports.all()
    assert prewarm.args_kwargs["kwargs"] == {"code": "98", "years": [2027, 2028]}
    assert prewarm.run_after >= before + datetime.timedelta(seconds=29)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_reopen(
            assessment=w.commune_b1.assessments.get(year=2027), user=w.admin, reason="Sửa lại"
        )
    assert reports.count() == 1  # the burst's second change: already queued

    prewarm_province_reports.call(**prewarm.args_kwargs["kwargs"])  # as the worker runs it
    queued_files = sorted(
        (
            t.args_kwargs["kwargs"]["code"],
            t.args_kwargs["kwargs"]["year"],
            t.args_kwargs["kwargs"]["extension"],
        )
        for t in reports.exclude(pk=prewarm.pk)
    )
    assert queued_files == [
        ("98", 2027, "pdf"),
        ("98", 2027, "xlsx"),
        ("98", 2028, "pdf"),
        ("98", 2028, "xlsx"),
    ]
