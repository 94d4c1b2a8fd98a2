import datetime
import os
import threading
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import override_settings
from django.test.testcases import LiveServerThread
from django.utils import translation

from tests.base import make_reform_world, make_world

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# The slowest modules (seconds of one worker, SQLite / PostgreSQL), run first within their
# group. pytest-django runs the tests that keep the seeded database (rolled back) first, the
# transactional ones (which empty it) next, those without a database last; with pytest-xdist
# every worker keeps that order. Within each group a long test started last would leave the
# other worker idle while it runs (`make test` also hands out tests one at a time:
# --maxschedchunk=1), so the long ones start first. Only the order changes.
SLOW_FIRST = [
    "tests/browser/test_page_weight.py",  # 33 / 50
    "tests/browser/test_assessment_entry_journeys.py",  # 25 / 43
    "tests/browser/test_accessibility.py",  # 17 / 24
    "tests/browser/test_dossier_journey.py",  # 15 / 18
    "tests/browser/test_assessment_journeys.py",  # 12 / 17
    "tests/browser/test_import_journey.py",  # 11 / 12
    "tests/ops/test_two_app_servers.py",  # 10 / 10
    "tests/storage/test_servers_on_s3.py",  # 41 / 31, three processes, three renders
    "tests/ops/test_loadtest.py",  # 10 / 8
    "tests/ops/test_backup_files.py",  # 18 / 22
    "tests/communes/test_load_admin_units.py",  # 20 / 32
    "tests/ops/test_import_killed.py",  # 10 / 16
    "tests/ops/test_backup.py",  # 12 / 15
    "tests/imports/test_import_assessments.py",  # 15 / 11
    "tests/criteria/test_load_criteria.py",  # 9 / 15
    "tests/demo/test_seed_national.py",  # 7 / 12
    "tests/test_settings.py",  # 12 / 13, `check --deploy` in subprocesses
]


# The suite's clock. No expected figure may come from the day the suite runs: with
# NTM_TEST_TODAY=YYYY-MM-DD every process of the session (each xdist worker, its live servers'
# threads) starts on that day at 09:00 in Hanoi and the clock runs on from there. `.ci/run`
# draws the day from 01/07/2026 to 31/12/2031 for the SQLite pass and prints it, so a failure
# can be replayed with `make test-sqlite TEST_TODAY=<day>`.
TODAY_VARIABLE = "NTM_TEST_TODAY"


def _test_today() -> datetime.date | None:
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TODAY_VARIABLE}={value!r} is not a YYYY-MM-DD day") from None


def pytest_configure(config):
    day = _test_today()
    if day is not None:
        import time_machine

        hanoi = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
        traveller = time_machine.travel(
            datetime.datetime(day.year, day.month, day.day, 9, tzinfo=hanoi)
        )
        traveller.start()
        config._ntm_clock = traveller


def pytest_unconfigure(config):
    traveller = getattr(config, "_ntm_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    day = _test_today()
    return f"clock: {day.isoformat()} ({TODAY_VARIABLE})" if day else "clock: the real date"


def pytest_collection_modifyitems(items):
    from pytest_django.plugin import pytest_collection_modifyitems as django_order

    rank = {path: n for n, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))
    django_order(items)  # a stable sort: the groups again, the slow modules first in each


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Vietnamese) and leaves none behind: a request
    in English (the language cookie) activates English for its thread, and with pytest-xdist
    the next test in the same worker would otherwise read English messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _reports_rendered_in_test(settings, tmp_path_factory):
    """Deterministic report rendering: tasks run at once (the immediate backend), no
    re-rendering after each change, and a cache and report storage of the test's own (the
    database cache and the shared directory are proven in tests/reports/test_rendering.py)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.NTM_REPORT_PREWARM = False
    directory = tmp_path_factory.mktemp("reports")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(directory),
        }
    }
    settings.REPORT_CACHE_DIR = directory


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def reform_world(db):
    """The world after 01/07/2025 (tests/base.py): no district, reused codes, commune groups."""
    return make_reform_world()


@pytest.fixture
def renders(monkeypatch):
    """The HTML of every render of the one PDF pipeline (`ntm.lib.pdf.render_pdf`), which is
    replaced by a fake returning a numbered PDF-like body: for tests of what is rendered when
    (queueing, caching), not of the PDF itself (tests/reports/test_report_pdf.py reads real
    ones)."""
    from ntm.lib import pdf

    calls = []

    def render(html: str) -> bytes:
        calls.append(html)
        return b"%PDF-fake " + str(len(calls)).encode()

    monkeypatch.setattr(pdf, "render_pdf", render)
    return calls


@pytest.fixture
def queued(settings):
    """The database task backend, as in production: tasks wait for a worker (an empty queue:
    the session's seed queued its own)."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()
    _worker_alive()


def _worker_alive() -> None:
    """A worker's heartbeat, fresh for a day of the test's clock: downloads wait for it
    (without one the waiting pages give up at once: tests/workers)."""
    from django.utils import timezone

    from workers.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id="test-worker",
        defaults={"last_seen": now + datetime.timedelta(days=1)},
        create_defaults={
            "pid": 1,
            "started_at": now,
            "last_seen": now + datetime.timedelta(days=1),
        },
    )


@pytest.fixture(autouse=True, scope="session")
def _files_out_of_the_checkout(tmp_path_factory):
    """Files the suite writes (uploads, rendered reports) go to a temporary directory of this
    session: not into the checkout, and apart for each xdist worker (each has its own base
    temporary directory), so that no worker removes another's cached PDF.
    File-system storages with their own location follow; those on MEDIA_ROOT already do."""
    from django.conf import settings

    root = tmp_path_factory.mktemp("files")
    storages = {
        alias: {**conf, "OPTIONS": {**conf["OPTIONS"], "location": str(root / alias)}}
        if alias != "staticfiles" and "location" in conf.get("OPTIONS", {})
        else conf
        for alias, conf in settings.STORAGES.items()
    }
    with override_settings(
        MEDIA_ROOT=root / "media",
        REPORT_CACHE_DIR=root / "reports",
        STORAGES=storages,
    ):
        yield


@pytest.fixture(autouse=True, scope="session")
def _static_files_scanned_once():
    """WhiteNoise's middleware reads the whole STATIC_ROOT (~860 files: a stat of each and of its
    compressed variants) each time it is built, which happens with every test client (its
    handler loads the middleware afresh): 50 ms a test, a tenth of the suite's time. The files
    found are kept for the session, keyed by the directory's content (name, size, mtime of each
    file) and by every setting that shapes the headers, so a test that changes either (another
    STATIC_ROOT, DEBUG, WHITENOISE_*, STORAGES) gets a scan of its own; the middleware still
    serves each file exactly as it would have."""
    from whitenoise.base import WhiteNoise, scantree
    from whitenoise.string_utils import ensure_leading_trailing_slash

    scanned = {}
    original = WhiteNoise.update_files_dictionary

    def update_files_dictionary(self, root, prefix):
        listing = tuple(sorted((p, s.st_size, s.st_mtime_ns) for p, s in scantree(root)))
        shaping = {k: repr(getattr(settings, k)) for k in dir(settings) if "WHITENOISE" in k}
        key = (
            type(self),
            root,
            ensure_leading_trailing_slash(prefix),
            listing,
            repr(sorted(shaping.items())),
            settings.DEBUG,
            repr(settings.STORAGES.get("staticfiles")),
            settings.STATIC_URL,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
        )
        if key not in scanned:
            files, self.files = self.files, {}
            try:
                original(self, root, prefix)
                scanned[key] = self.files
            finally:
                self.files = {**files, **self.files}
        else:
            self.files.update(scanned[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary
    yield
    WhiteNoise.update_files_dictionary = original


class DemoSnapshot:
    """A copy of a test database just after the session's seed, put back in a few tenths of a
    second where a transactional test needs the demo again after the flush of those before it
    (seed_demo takes 10-15 s). SQLite: a second in-memory database, copied by SQLite's backup
    API. PostgreSQL: a database made from the test database as its template, from which the
    test database is made again (the live server's connections are closed first)."""

    def __init__(self, connection):
        self.connection = connection
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            import sqlite3

            connection.ensure_connection()
            self.copy = sqlite3.connect(":memory:")
            connection.connection.backup(self.copy)
        else:
            self.name = connection.settings_dict["NAME"]
            self.copy = f"{self.name}_demo"
            connection.close()  # a template has no other session
            self._admin(
                "DROP DATABASE IF EXISTS {copy}",
                "CREATE DATABASE {copy} TEMPLATE {name}",
            )

    def _admin(self, *statements):
        import psycopg
        from psycopg import sql

        settings = self.connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            password=settings["PASSWORD"],
            autocommit=True,
        ) as admin:
            for statement in statements:
                admin.execute(
                    sql.SQL(statement).format(
                        copy=sql.Identifier(self.copy), name=sql.Identifier(self.name)
                    )
                )

    def restore(self):
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        if self.vendor == "sqlite":
            self.connection.ensure_connection()
            self.copy.backup(self.connection.connection)
        else:
            connections.close_all()
            self._admin(
                "DROP DATABASE {name} WITH (FORCE)",
                "CREATE DATABASE {name} TEMPLATE {copy}",
                *NO_WAITING_FOR_THE_DISK,
            )
        # The flush re-created the content types under other ids: forget those.
        ContentType.objects.clear_cache()

    def drop(self):
        if self.vendor == "sqlite":
            self.copy.close()
        else:
            self._admin("DROP DATABASE IF EXISTS {copy}")


# A throwaway test database need not wait for the disk at each commit (the browser tests'
# saves and flushes commit hundreds of times): a database setting, not the server's.
NO_WAITING_FOR_THE_DISK = ["ALTER DATABASE {name} SET synchronous_commit = off"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo province (Lạng Sơn 2016-2018) and the two
    criteria catalogues, seeded once per session. Tests change it only inside their own
    transaction; browser tests (transactional, run last) flush it and build their own data, or
    put the demo back with the `demo_database` fixture."""
    from django.db import connection

    # No re-rendering queued by the seed: each test starts with an empty task queue.
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, NTM_REPORT_PREWARM=False),
    ):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                for statement in NO_WAITING_FOR_THE_DISK:
                    cursor.execute(statement.format(name=name))
            connection.close()  # the setting applies from the next session on
        call_command("seed_demo", force=True, verbosity=0)
        snapshot = DemoSnapshot(connection)
    yield snapshot
    with django_db_blocker.unblock():
        snapshot.drop()


@pytest.fixture
def demo_database(django_db_setup, transactional_db):
    """The demo province again, as the session's seed left it, in a transactional test (the
    flush after each transactional test empties the database)."""
    django_db_setup.restore()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: `playwright install` cannot download a browser here.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class _OneRequestAtATimeOnSharedSQLite(ThreadedWSGIServer):
    """The browser tests' live server. On SQLite the test database lives in memory and every
    request thread uses the test's one connection (`connections_override`); two requests at
    once (a page and the navbar's count, fetched as it loads) then raced on it ("bad parameter
    or other API misuse", a 503). The application runs one request at a time there; the
    connections stay open between requests, as browsers keep them. PostgreSQL keeps a
    connection per thread and is served as Django serves it."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        return super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeOnSharedSQLite
