"""One JSON log line per request (ntm/lib/requestlog.py) with its request id, which the
response's header and the error pages carry; Sentry only with SENTRY_DSN."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path, reverse

from ntm.lib import requestlog

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@login_not_required
def failing_view(request):
    raise RuntimeError("secret detail")


@login_not_required
def refused_view(request):
    raise PermissionDenied


urlpatterns = [path("fails/", failing_view), path("refused/", refused_view)]
handler500 = "ntm.lib.errors.server_error"


@pytest.fixture
def json_lines():
    """Every log line written, formatted as in production (NTM_LOG_FORMAT=json)."""
    options = requestlog.formatter("json")
    factory = options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(factory(**options))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)


def test_a_request_logs_exactly_one_json_line_with_its_fields(client, world, json_lines):
    user = world.province_staff
    client.force_login(user)
    response = client.get(reverse("pages:commune_list"), {"q": "x"})
    assert response.status_code == 200
    [line] = json_lines()
    entry = json.loads(line)
    assert entry["event"] == "request"
    assert entry["logger"] == "ntm.request"
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["user_id"] == user.pk
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/communes/", 200)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert "timestamp" in entry and entry["level"] == "info"


def test_an_anonymous_request_and_a_404_log_one_line_each(client, json_lines):
    client.get(reverse("healthz"))
    missing = client.get("/nothing/here/")
    lines = [json.loads(line) for line in json_lines()]
    assert [(e["path"], e["status"], e["user_id"]) for e in lines] == [
        ("/healthz", 200, None),
        ("/nothing/here/", 404, None),  # django.request's "Not Found" warning is not a 2nd line
    ]
    assert lines[1]["request_id"] == missing["X-Request-ID"]


@pytest.mark.parametrize(
    "incoming",
    # nginx's $request_id, a UUID, a short token
    ["0f8fad5bd9cb469fa16570867728950e", "5f0c2b7e-6c1d-4c8e-9d35-1d6a8a9b0c1d", "abc-123"],
)
def test_a_sane_request_id_from_the_proxy_is_kept(client, incoming):
    response = client.get(reverse("healthz"), headers={"x-request-id": incoming})
    assert response["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["", "two words", 'quote"d', "line\\nbreak", "x" * 129, "-leading-dash", "ký-tự"],
)
def test_an_odd_request_id_is_replaced_by_a_new_one(client, incoming, json_lines):
    response = client.get(reverse("healthz"), headers={"x-request-id": incoming})
    made = response["X-Request-ID"]
    assert made != incoming
    assert len(made) == 32 and int(made, 16) >= 0
    assert json.loads(json_lines()[0])["request_id"] == made


def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("healthz"))["X-Request-ID"]
    assert client.get(reverse("healthz"))["X-Request-ID"] != first


def test_the_404_page_shows_the_request_id(client):
    response = client.get("/nothing/here/", headers={"x-request-id": "req-404-abc"})
    assert response.status_code == 404
    assert "<code data-request-id>req-404-abc</code>" in response.content.decode()


@pytest.mark.urls(__name__)
def test_the_500_page_shows_the_request_id_and_the_log_has_the_traceback(json_lines):
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    body = response.content.decode()
    assert f"<code data-request-id>{request_id}</code>" in body
    assert "secret detail" not in body
    entries = [json.loads(line) for line in json_lines()]
    error = next(e for e in entries if e["level"] == "error")
    assert error["request_id"] == request_id  # the error's line names the request
    assert error["exception"][0]["exc_type"] == "RuntimeError"
    assert "locals" not in json.dumps(error)  # what users sent stays out of the log
    assert entries[-1]["event"] == "request" and entries[-1]["status"] == 500


@pytest.mark.urls(__name__)
def test_the_403_page_shows_the_request_id():
    response = Client().get("/refused/")
    assert response.status_code == 403
    assert f"<code data-request-id>{response['X-Request-ID']}</code>" in response.content.decode()


def test_the_400_page_shows_the_request_id(client):
    response = client.get(reverse("healthz"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert f"<code data-request-id>{response['X-Request-ID']}</code>" in response.content.decode()


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "NTM_", "SENTRY_"))
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "ntm.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SENTRY = (
    "import django, json, sentry_sdk; django.setup(); "
    "print(json.dumps([sentry_sdk.is_initialized(), "
    "sentry_sdk.get_client().options.get('data_collection')]))"
)


def test_sentry_is_not_initialised_without_the_variable():
    result = run_python(SENTRY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)[0] is False


def test_sentry_is_initialised_with_the_variable_and_sends_no_personal_data():
    result = run_python(SENTRY, SENTRY_DSN="https://public@sentry.example.invalid/1")
    assert result.returncode == 0, result.stderr
    initialised, collected = json.loads(result.stdout)
    assert initialised is True
    # What send_default_pii=False meant (sentry-sdk 3 spells it data_collection), and stricter.
    assert collected["user_info"] is False
    assert collected["cookies"] == {"mode": "off"}
    assert collected["http_headers"] == {"request": {"mode": "off"}}
    assert collected["http_bodies"] == []
    assert collected["stack_frame_variables"] is False


def test_production_logging_writes_one_json_line_per_request():
    """The real settings (NTM_LOG_FORMAT=json): what a request writes on stderr."""
    result = run_python(
        "import django; django.setup(); from django.test import Client; "
        "Client(SERVER_NAME='localhost').get('/healthz', headers={'x-request-id': 'probe-1'})",
        NTM_LOG_FORMAT="json",
    )
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.splitlines()
    entry = json.loads(line)
    assert (entry["request_id"], entry["status"], entry["path"]) == ("probe-1", 200, "/healthz")


def test_an_unknown_log_format_is_refused():
    result = run_python("import ntm.settings", NTM_LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "NTM_LOG_FORMAT must be json or console" in result.stderr
