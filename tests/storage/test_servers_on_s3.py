"""Two app servers and the background worker, three real processes, share one S3 bucket (moto's
server on loopback, tests/storage/conftest.py) and nothing else but the database: files
uploaded through server A (a practice photo with its display copy and thumbnail, a dossier's
evidence) and report files rendered by the worker (the province report's PDF and workbook, the
compendium of good practices) are served by server B, to users whose scope covers them only,
streamed through the app: no answer sends a browser to the bucket, and the bucket stays private.

The processes are started once for the module's one journey (the way tests/ops/
test_two_app_servers.py starts them: gunicorn, each in its own directory and process group), with
the environment a deployment would give them (NTM_S3_* of .env.example).
"""

import re
import subprocess
import sys
import time
from importlib import import_module
from pathlib import Path

import pytest
import requests
from django.apps import apps
from django.conf import global_settings
from django.test import override_settings
from django.urls import reverse

from dossiers.models import Dossier, Procedure
from practices.models import Category
from tests.base import PASSWORD, make_assessment, make_world
from tests.ops.test_two_app_servers import (
    ROOT,
    AppServer,
    csrf,
    log_in,
    server_env,
    shared_database,
    stop_group,
)
from tests.practices.conftest import PDF_BYTES, image_bytes, make_practice
from tests.storage.conftest import S3Bucket
from tests.storage.test_app_files_on_s3 import assert_private

pytestmark = pytest.mark.django_db(transaction=True)

YEAR = 2026  # a past year whatever day the suite runs (2026-07-01..2031-12-31)
RENDER_SECONDS = 240  # three renders one after another on a busy two-core machine


class Worker:
    """`manage.py run_worker` (db_worker with its heartbeat), as `make run` starts it, in a
    directory of its own."""

    def __init__(self, directory: Path, env: dict[str, str]):
        self.tmp = directory / "tmp"
        self.tmp.mkdir(parents=True)
        self.log = directory / "worker.log"
        command = [sys.executable, str(ROOT / "manage.py"), "run_worker", "--no-reload"]
        command += ["--no-startup-delay", "--interval", "0.5"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our venv's manage.py, fixed arguments
                command,
                cwd=directory,
                env={**env, "TMPDIR": str(self.tmp)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        stop_group(self.process)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def processes(tmp_path, s3_server):
    """Server A, server B and the worker on one bucket, started once the test's data are in
    place (`start(database)`); all stopped whatever happens."""
    started: list = []

    def start(database) -> tuple[AppServer, AppServer, Worker, S3Bucket]:
        bucket = s3_server.create_bucket()
        env = server_env(database, tmp_path / "unused-storage") | s3_server.env(bucket)
        env = {k: v for k, v in env.items() if not k.startswith("AWS_")}  # the settings' keys
        started.append(AppServer("a", tmp_path / "a", env))
        started.append(AppServer("b", tmp_path / "b", env))
        started.append(Worker(tmp_path / "worker", env))
        for server in started[:2]:
            server.wait_until_ready()
        return started[0], started[1], started[2], S3Bucket(server=s3_server, name=bucket)

    yield start
    for process in started:
        process.stop()


def wait_until_ready(session, url: str, worker: Worker) -> None:
    """Poll `url`'s status (the waiting page's `?status=1`) until the worker has stored it."""
    deadline = time.monotonic() + RENDER_SECONDS
    while time.monotonic() < deadline:
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.log_tail()}"
        state = session.get(url, params={"status": "1"}, timeout=60).json()["state"]
        assert state != "failed", worker.log_tail()
        if state == "ready":
            return
        time.sleep(0.5)
    raise AssertionError(f"{url} not rendered in {RENDER_SECONDS} s:\n{worker.log_tail()}")


def assert_not_public(response: requests.Response, bucket: S3Bucket) -> None:
    for answer in [*response.history, response]:
        location = answer.headers.get("Location", "")
        assert bucket.server.endpoint_url not in location and bucket.name not in location
        if not answer.headers.get("Content-Type", "").startswith(("image/", "application/")):
            assert bucket.name not in answer.text and bucket.server.endpoint_url not in answer.text


def test_files_written_by_one_server_and_the_worker_are_served_by_the_other_in_scope_only(
    processes, tmp_path
):
    world = make_world()
    staff, outsider = world.province_staff, world.other_province_staff
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        for user in (staff, outsider):
            user.set_password(PASSWORD)  # a hasher the servers know (the suite uses MD5)
            user.save(update_fields=["password"])
    # The transactional tests' flush removed the seeded categories and procedures: bring them.
    category = Category.objects.get_or_create(name="Phát triển kinh tế", order=3)[0]
    if not Procedure.objects.exists():
        import_module("dossiers.migrations.0006_seed_procedures").seed(apps, None)
    practice = make_practice(world.province, "Nuôi ong lấy mật", category=category)
    make_assessment(world.commune_a1, YEAR, world.cset, met=3)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=YEAR)
    criterion = world.cset.criteria.get(number=1)

    a, b, worker, bucket = processes(shared_database(tmp_path))
    session = requests.Session()  # one browser: its session cookie goes to both servers
    log_in(session, a, staff.username)

    # A photo uploaded through A: the original, its display copy and thumbnail in the bucket.
    photo = image_bytes("PNG", size=(2000, 1500))
    detail = reverse("practices:practice_detail", args=[practice.pk])
    added = session.post(
        a.url + reverse("practices:attachment_add", args=[practice.pk]),
        data={"caption": "Trại ong", "csrfmiddlewaretoken": csrf(session, a.url + detail)},
        files={"file": ("trai-ong.png", photo, "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert added.status_code == 302, added.text[:1000]
    page = session.get(b.url + detail, timeout=60)
    assert_not_public(page, bucket)
    attachment = int(re.search(r'href="/practices/attachments/(\d+)/"', page.text)[1])
    photo_urls = [
        reverse(name, args=[attachment])
        for name in (
            "practices:attachment_file",
            "practices:attachment_display",
            "practices:attachment_thumbnail",
        )
    ]
    media = [name for name in bucket.names() if name.startswith("media/practices/")]
    assert len(media) == 3
    served = [session.get(b.url + url, timeout=60) for url in photo_urls]
    assert [response.status_code for response in served] == [200, 200, 200]
    assert served[0].content == photo
    assert sorted(bucket.body(name) for name in media) == sorted(r.content for r in served)

    # A dossier's evidence uploaded through A, served by B.
    dossier_page = reverse("dossiers:dossier_detail", args=[dossier.pk])
    evidence = session.post(
        a.url + reverse("dossiers:evidence_add", args=[dossier.pk]),
        data={
            "criterion": criterion.pk,
            "csrfmiddlewaretoken": csrf(session, a.url + dossier_page),
        },
        files={"file": ("bien-ban.pdf", PDF_BYTES, "application/pdf")},
        allow_redirects=False,
        timeout=60,
    )
    assert evidence.status_code == 302, evidence.text[:1000]
    page = session.get(b.url + dossier_page, timeout=60)
    assert_not_public(page, bucket)
    evidence_url = re.search(r'href="(/dossiers/files/\d+/)"', page.text)[1]
    response = session.get(b.url + evidence_url, timeout=60)
    assert response.status_code == 200 and response.content == PDF_BYTES
    # The dossier's printed documents are drawn from its data on B.
    document = session.get(
        b.url + reverse("dossiers:dossier_document_pdf", args=[dossier.pk, "tu-danh-gia"]),
        timeout=120,
    )
    assert document.status_code == 200 and document.content.startswith(b"%PDF")

    # Report files: asked for on A (202, queued), rendered by the worker, served by B.
    rendered = {
        reverse("reports:province_report_pdf", args=["98", YEAR]): b"%PDF",
        reverse("reports:province_report_xlsx", args=["98", YEAR]): b"PK",
        reverse("practices:compendium_pdf", args=["98", YEAR]): b"%PDF",
    }
    for url in rendered:
        asked = session.get(a.url + url, timeout=60)
        assert asked.status_code == 202, asked.text[:1000]
        assert_not_public(asked, bucket)
    for url, magic in rendered.items():
        wait_until_ready(session, b.url + url, worker)
        response = session.get(b.url + url, timeout=60)
        assert response.status_code == 200 and response.content.startswith(magic)
        assert_not_public(response, bucket)
        (stored,) = [
            name
            for name in bucket.names()
            if name.startswith("reports/")
            and name.endswith(url.rsplit(".", 1)[1])
            and ("compendium" in name) == ("compendium" in url)
        ]
        assert bucket.body(stored) == response.content
    compendium = session.get(b.url + list(rendered)[2], timeout=60).content
    assert b"/Subtype /Image" in compendium or b"/Subtype/Image" in compendium  # the photo

    # Every stored file's URL: anonymous visitors go to the login page, a user of another
    # province gets 404, on either server.
    stored_urls = [*photo_urls, evidence_url, *rendered]
    anonymous = requests.Session()
    other = requests.Session()
    log_in(other, a, outsider.username)
    for server in (a, b):
        for url in stored_urls:
            response = anonymous.get(server.url + url, allow_redirects=False, timeout=60)
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith(reverse("login")), url
            response = other.get(server.url + url, allow_redirects=False, timeout=60)
            assert response.status_code == 404, url
            assert_not_public(response, bucket)

    assert_private(bucket)
    for process in (a, b, worker):  # nothing spooled to the machines' disks on the way
        assert list(process.tmp.iterdir()) == []
