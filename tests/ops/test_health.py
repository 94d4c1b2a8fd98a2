"""The probes: /healthz (the process answers; no database) and /readyz (database, cache, both
storages, a live worker; 503 when one fails). No login, GET only, nothing but the state."""

import datetime
import json
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone

from tests.base import make_user
from workers.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")
READYZ = reverse("readyz")


class ReadOnlyStorage(FileSystemStorage):
    """A storage on a disk mounted read-only (or a bucket without write permission)."""

    def _save(self, name, content):
        raise PermissionError(30, "Read-only file system", name)


def beating(seconds_ago: float = 1, worker_id: str = "w1") -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        pid=1,
        started_at=now - datetime.timedelta(hours=1),
        last_seen=now - datetime.timedelta(seconds=seconds_ago),
    )


def read_only(settings, alias: str) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        alias: {"BACKEND": "tests.ops.test_health.ReadOnlyStorage"},
    }


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_ok_with_everything_up_and_says_nothing_else(client):
    beating()
    response = client.get(READYZ)
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "storage_default": "ok",
            "storage_reports": "ok",
            "worker": "ok",
        },
        "queue": {"depth": 0, "stuck": 0},
    }


def test_the_storage_probe_leaves_no_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    beating()
    assert client.get(READYZ).status_code == 200
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_readyz_is_503_when_the_database_is_down_and_healthz_stays_200(client):
    beating()
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("server closed")):
        ready = client.get(READYZ)
        alive = client.get(HEALTHZ)
    assert ready.status_code == 503
    answer = ready.json()
    assert answer["status"] == "error"
    assert answer["checks"]["database"] == "error"
    assert answer["checks"]["worker"] == "error"
    assert answer["queue"] == {"depth": None, "stuck": None}
    assert "server closed" not in ready.content.decode()  # no detail leaks
    assert alive.status_code == 200


@pytest.mark.parametrize("alias", ["default", "reports"])
def test_readyz_is_503_when_a_storage_is_read_only(client, settings, alias):
    beating()
    read_only(settings, alias)
    ready = client.get(READYZ)
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks[f"storage_{alias}"] == "error"
    assert checks["database"] == checks["worker"] == "ok"
    assert client.get(HEALTHZ).status_code == 200


def test_readyz_is_503_when_the_worker_heartbeat_is_stale(client, settings):
    settings.NTM_WORKER_STALE_SECONDS = 60
    beating(seconds_ago=61)
    ready = client.get(READYZ)
    assert ready.status_code == 503
    assert ready.json()["checks"]["worker"] == "stale"
    assert client.get(HEALTHZ).status_code == 200


def test_readyz_is_503_when_no_worker_ever_beat(client):
    ready = client.get(READYZ)
    assert ready.status_code == 503
    assert ready.json()["checks"]["worker"] == "absent"
    assert client.get(HEALTHZ).status_code == 200


def test_readyz_is_503_when_the_cache_loses_what_it_was_given(client):
    beating()
    with mock.patch("ops.health.cache.get", return_value=None):
        ready = client.get(READYZ)
    assert ready.status_code == 503
    assert ready.json()["checks"]["cache"] == "error"


def test_the_probes_need_no_login_and_refuse_post(client):
    beating()
    for url in (HEALTHZ, READYZ):
        assert client.get(url).status_code == 200  # anonymous: not sent to log in
        assert client.post(url).status_code == 405


def test_a_logged_in_user_gets_the_same_answer(client):
    beating()
    client.force_login(make_user("someone"))
    assert json.loads(client.get(READYZ).content)["status"] == "ok"


def test_the_probes_answer_plain_http_behind_the_proxy(client, settings):
    """With DJANGO_SECURE_SSL_REDIRECT on, a page asked over HTTP is redirected; a monitor
    asking the app server directly (no X-Forwarded-Proto) still gets the probe's answer."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    beating()
    assert client.get(reverse("login")).status_code == 301
    assert client.get(HEALTHZ).status_code == 200
    assert client.get(READYZ).status_code == 200
    assert client.get(READYZ, headers={"x-forwarded-proto": "https"}).status_code == 200


def test_the_probes_are_not_throttled_by_login_lockout(client, settings):
    """Failed logins from the monitor's address lock logins from it (axes), not the probes."""
    settings.AXES_FAILURE_LIMIT = 2
    beating()
    for _ in range(3):
        client.post(reverse("login"), {"username": "monitor", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "monitor", "password": "wrong"})
    assert locked.status_code == 429
    assert client.get(HEALTHZ).status_code == 200
    assert client.get(READYZ).status_code == 200
