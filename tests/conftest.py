import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

from tests.base import make_world

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


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test database starts with the demo province (Lạng Sơn 2016-2018) and the two
    criteria catalogues, seeded once per session. Tests change it only inside their own
    transaction; browser tests (transactional, run last) flush it and build their own data."""
    # No re-rendering queued by the seed: each test starts with an empty task queue.
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS, NTM_REPORT_PREWARM=False),
    ):
        call_command("seed_demo", force=True, verbosity=0)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: `playwright install` cannot download a browser here.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
