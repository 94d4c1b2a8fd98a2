"""Two app servers behind one address share nothing but the database and the storage (issue 15):
a preview token made on one is applied on the other, and a file uploaded through one is served
by the other.

Two real server processes (gunicorn from the venv, else `manage.py runserver --noreload`) on
two free ports, each with its own working directory and its own TMPDIR, against the test
database and one shared storage. On PostgreSQL they use the test database itself; SQLite's test
database lives in this process's memory, so they use a copy of it in a file, made once the
test's data is in place, and the test reads what they stored from that file. The processes are
stopped (their whole process group) whatever happens.
"""

import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest
import requests
from django.conf import global_settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from practices.models import Category
from tests.base import PASSWORD, make_world
from tests.practices.conftest import image_bytes, make_practice

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2026
START_SECONDS = 90


@dataclass
class SharedDatabase:
    """The database both servers use: its URL, and how this test reads what they wrote."""

    url: str
    sqlite_file: Path | None = None

    def count(self, sql: str, *params) -> int:
        if self.sqlite_file is not None:
            with sqlite3.connect(self.sqlite_file) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with connection.cursor() as cursor:  # the test database: the servers' commits show
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


def shared_database(directory: Path) -> SharedDatabase:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = directory / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        copy.close()
        return SharedDatabase(url=f"sqlite:///{path}", sqlite_file=path)
    credentials = quote(settings["USER"], safe="")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"], safe="")
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    return SharedDatabase(url=f"postgres://{credentials}@{host}/{quote(settings['NAME'])}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """One server process in a directory of its own (working directory, TMPDIR, log)."""

    def __init__(self, name: str, directory: Path, env: dict[str, str]):
        self.directory = directory
        self.tmp = directory / "tmp"
        self.tmp.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = directory / "server.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if gunicorn.exists():
            command = [str(gunicorn), "ntm.wsgi", "--pythonpath", str(ROOT), "--workers", "1"]
            command += ["--bind", f"127.0.0.1:{self.port}", "--name", f"ntm-test-{name}"]
        else:
            command = [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload"]
            command += [f"127.0.0.1:{self.port}"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our venv's server, fixed arguments
                command,
                cwd=directory,
                env={**env, "TMPDIR": str(self.tmp)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped with its workers
            )

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server stopped:\n{self.log_tail()}"
            try:
                if requests.get(self.url + reverse("login"), timeout=30).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or still loading
                pass
            time.sleep(0.3)
        raise AssertionError(f"no answer on {self.url} in {START_SECONDS} s:\n{self.log_tail()}")

    def stop(self) -> None:
        stop_group(self.process)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in its own group, with its children: SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass


def server_env(database: SharedDatabase, storage: Path) -> dict[str, str]:
    """This machine's environment without the test run's Django and app settings, pointed at
    the shared database and storage (development settings: DEBUG on, no collectstatic)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "NTM_", "PYTEST_")) and key != "DATABASE_URL"
    }
    return {
        **env,
        "DATABASE_URL": database.url,
        "DJANGO_MEDIA_ROOT": str(storage / "media"),
        "NTM_REPORT_CACHE_DIR": str(storage / "reports"),
        "NTM_REPORT_PREWARM": "0",  # no worker here: nothing to queue
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def servers(tmp_path):
    """Two app servers, A and B, started once the test has built its data (`start()`)."""
    started: list[AppServer] = []

    def start(database: SharedDatabase) -> tuple[AppServer, AppServer]:
        env = server_env(database, tmp_path / "storage")
        for name in ("a", "b"):
            started.append(AppServer(name, tmp_path / name, env))
        for server in started:
            server.wait_until_ready()
        return started[0], started[1]

    yield start
    for server in started:
        server.stop()


def csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]


def log_in(session: requests.Session, server: AppServer, username: str) -> None:
    url = server.url + reverse("login")
    response = session.post(
        url,
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(session, url)},
        allow_redirects=False,
        timeout=60,
    )
    assert response.status_code == 302, response.text[:1000]


def filled_template(session: requests.Session, server: AppServer, commune_code: str) -> bytes:
    """The province's template for YEAR from server A, with every criterion of one commune met."""
    response = session.get(
        server.url + reverse("imports:template_download"),
        params={"province": "98", "year": YEAR},
        timeout=60,
    )
    assert response.status_code == 200, response.text[:1000]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == commune_code)
    for column, title in enumerate(header, start=1):
        if str(title).startswith("TC"):
            sheet.cell(row=row, column=column, value="x")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_preview_made_on_one_server_is_applied_on_the_other_and_files_are_shared(
    servers, tmp_path
):
    world = make_world()
    staff = world.province_staff
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        staff.set_password(PASSWORD)  # a hasher the servers know (the suite uses MD5)
        staff.save(update_fields=["password"])
    # The transactional tests' flush removed the seeded categories: bring one.
    category = Category.objects.get_or_create(name="Phát triển kinh tế", order=3)[0]
    practice = make_practice(world.province, "Nuôi ong lấy mật", category=category)
    commune = world.commune_a1.code
    database = shared_database(tmp_path)
    stored = (
        "SELECT count(*) FROM criteria_assessment a JOIN communes_commune c "
        "ON c.id = a.commune_id WHERE c.code = %s AND a.year = %s"
    )
    assert database.count(stored, commune, YEAR) == 0

    a, b = servers(database)
    session = requests.Session()  # one browser: its session cookie goes to both servers
    log_in(session, a, staff.username)

    # An import uploaded on A: its preview token is applied on B.
    upload_url = a.url + reverse("imports:import_upload")
    workbook = filled_template(session, a, commune)
    preview = session.post(
        upload_url,
        data={"csrfmiddlewaretoken": csrf(session, upload_url)},
        files={"file": ("mot-xa.xlsx", workbook, "application/octet-stream")},
        allow_redirects=False,
        timeout=60,
    )
    assert preview.status_code == 302, preview.text[:1000]
    preview_path = preview.headers["Location"]
    token = preview_path.rstrip("/").rsplit("/", 1)[1]
    assert list((a.tmp).iterdir()) == []  # the workbook did not outlive its request on A
    shown = session.get(b.url + preview_path, timeout=60)  # B shows A's preview
    assert shown.status_code == 200 and 'data-count="create">1<' in shown.text, shown.text[:1000]
    apply_path = reverse("imports:import_apply", args=[token])
    applied = session.post(
        b.url + apply_path,
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
        timeout=60,
    )
    assert applied.status_code == 302, applied.text[:1000]
    assert database.count(stored, commune, YEAR) == 1
    assert database.count("SELECT count(*) FROM imports_pendingimport") == 0
    assert session.get(a.url + preview_path, timeout=30).status_code == 404  # gone for A too

    # A photo uploaded through A is served by B.
    photo = image_bytes("PNG", size=(64, 48))
    detail = reverse("practices:practice_detail", args=[practice.pk])
    added = session.post(
        a.url + reverse("practices:attachment_add", args=[practice.pk]),
        data={"caption": "Trại ong", "csrfmiddlewaretoken": csrf(session, a.url + detail)},
        files={"file": ("trai-ong.png", photo, "image/png")},
        allow_redirects=False,
        timeout=60,
    )
    assert added.status_code == 302, added.text[:1000]
    page = session.get(b.url + detail, timeout=60).text
    attachment = re.search(r'href="(/practices/attachments/\d+/)"', page)[1]
    served = session.get(b.url + attachment, timeout=60)
    assert served.status_code == 200
    assert served.content == photo
    assert list(b.tmp.iterdir()) == [] and list(a.tmp.iterdir()) == []
