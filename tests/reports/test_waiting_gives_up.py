"""A download's waiting page does not wait for ever: after NTM_DOWNLOAD_WAIT_SECONDS (and at
once when no worker has sent a heartbeat lately) it says in Vietnamese that the file cannot be
prepared now and links the report's page. The task stays queued; a worker that comes back
renders it and the next download gets the file."""

import datetime

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.base import run_worker
from workers.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

GIVE_UP = "Hệ thống chưa thể chuẩn bị tệp này lúc này."
DAY = datetime.datetime(2027, 12, 20, 9, 0, tzinfo=datetime.UTC)


def worker_seen(at: datetime.datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id="test-worker",
        defaults={"last_seen": at},
        create_defaults={"pid": 1, "started_at": at, "last_seen": at},
    )


def assert_gives_up(response, page_url: str) -> None:
    assert response.status_code == 503
    page = response.content.decode()
    assert GIVE_UP in page
    assert f'href="{page_url}"' in page
    assert "report-preparing.js" not in page  # no more polling
    assert "refresh" not in page


@pytest.mark.parametrize("world_name", ["report_world", "reform_world"])
def test_the_page_gives_up_after_its_bound_and_offers_the_html_report(
    client, request, world_name, queued, renders, settings, time_machine
):
    w = request.getfixturevalue(world_name)
    code = w.province.code
    url = reverse("reports:province_report_pdf", args=[code, 2027])
    page_url = reverse("reports:province_report", args=[code, 2027])
    settings.NTM_DOWNLOAD_WAIT_SECONDS = 120
    time_machine.move_to(DAY, tick=False)
    client.force_login(w.province_staff)

    worker_seen(DAY)
    assert client.get(url).status_code == 202
    assert client.get(url, {"status": "1"}).json() == {"state": "pending"}

    # 2 minutes later the worker is still alive but has not got to it: still waiting...
    later = DAY + datetime.timedelta(seconds=120)
    time_machine.move_to(later, tick=False)
    worker_seen(later)
    assert client.get(url, {"status": "1"}).json() == {"state": "pending"}

    # ... and past the bound the page gives up, with the report as a page instead.
    time_machine.move_to(later + datetime.timedelta(seconds=1), tick=False)
    worker_seen(later + datetime.timedelta(seconds=1))
    assert client.get(url, {"status": "1"}).json() == {"state": "unavailable"}
    assert_gives_up(client.get(url), page_url)
    assert DBTaskResult.objects.count() == 1  # still queued, not queued twice

    # The worker gets to it: the next download is the file.
    run_worker()
    done = client.get(url)
    assert done.status_code == 200
    assert done.content.startswith(b"%PDF-fake")


def test_the_page_gives_up_at_once_without_a_live_worker(
    client, report_world, queued, renders, settings, time_machine
):
    settings.NTM_WORKER_STALE_SECONDS = 60
    time_machine.move_to(DAY, tick=False)
    worker_seen(DAY - datetime.timedelta(seconds=61))
    client.force_login(report_world.province_staff)
    url = reverse("reports:district_report_xlsx", args=["981", 2027])
    response = client.get(url, {"provisional": "1"})
    assert_gives_up(
        response, reverse("reports:district_report", args=["981", 2027]) + "?provisional=1"
    )
    assert client.get(url, {"provisional": "1", "status": "1"}).json() == {"state": "unavailable"}


def test_the_waiting_page_carries_the_give_up_message_for_its_script(
    client, report_world, queued, time_machine
):
    time_machine.move_to(DAY, tick=False)
    worker_seen(DAY)
    client.force_login(report_world.province_staff)
    page = client.get(reverse("reports:province_report_pdf", args=["98", 2027]))
    assert page.status_code == 202
    text = page.content.decode()
    assert "<template data-unavailable-template>" in text
    assert GIVE_UP in text
    assert 'data-unavailable-heading="Chưa thể chuẩn bị tệp lúc này"' in text


def test_the_compendium_gives_up_too_with_the_practices_page(
    client, world, queued, settings, time_machine
):
    time_machine.move_to(DAY, tick=False)
    WorkerHeartbeat.objects.all().delete()
    client.force_login(world.province_staff)
    response = client.get(reverse("practices:compendium_pdf", args=["98", 2027]))
    assert_gives_up(response, reverse("practices:practice_list") + "?year=2027")
