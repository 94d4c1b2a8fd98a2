"""Light pages: served as in production (DEBUG off, collectstatic with WhiteNoise's compressed
manifest storage, gzipped HTML), the first load of each main page, with an empty cache,
transfers under 100 KB. The demo province (Lạng Sơn, 19 criteria) gives real page sizes."""

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings
from django.test.testcases import LiveServerThread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET = 100 * 1024
PAGES = [
    "/",
    "/communes/?year=2017",
    "/communes/06622/",
    "/communes/06622/2017/",
    "/communes/06622/2018/",
    "/reports/province/20/2017/",
    # With the map of the 65 units of 01/07/2025 (issue 29; the demo's illustrative file).
    "/reports/province/20/2026/",
    "/practices/",
    "/practices/new/",
    "/imports/",
]
PRODUCTION_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def collected_static() -> Path:
    """collectstatic as a deployment runs it (hashed names, gzip and Brotli copies: 15 s, most
    of it Brotli), kept in the system's temporary directory under the digest of every source
    file, of the WhiteNoise settings and of the versions of the packages that write them: the
    SQLite and PostgreSQL runs (and a rerun) collect once, and a changed file, setting or
    package collects anew."""
    from importlib.metadata import version

    from django.conf import settings
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256(repr([version(p) for p in ("django", "whitenoise", "brotli")]).encode())
    digest.update(
        repr([(k, getattr(settings, k)) for k in dir(settings) if "WHITENOISE" in k]).encode()
    )
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list(None), key=lambda found: found[0]):
            digest.update(f"{path}|".encode())
            digest.update(Path(storage.path(path)).read_bytes())
    root = Path(tempfile.gettempdir()) / f"ntm-test-static-{digest.hexdigest()[:16]}"
    if not (root / "staticfiles.json").exists():
        building = root.with_name(f"{root.name}.{os.getpid()}")
        shutil.rmtree(building, ignore_errors=True)
        with override_settings(STATIC_ROOT=building, STORAGES=PRODUCTION_STATIC):
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            building.rename(root)
        except OSError:  # another worker's copy got there first
            shutil.rmtree(building)
    return root


@pytest.fixture
def production_server(demo_database):
    """A live server whose static files come from WhiteNoise (pytest-django's live_server
    serves them uncompressed through the staticfiles finders), on the demo database."""
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["localhost"],
        STATIC_ROOT=collected_static(),
        STORAGES=PRODUCTION_STATIC,
    ):
        in_memory = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in in_memory.values():
            conn.inc_thread_sharing()  # as LiveServerTestCase does
        thread = LiveServerThread(
            "localhost",
            static_handler=lambda handler: handler,  # WhiteNoise's middleware serves them
            connections_override=in_memory,
            port=0,
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield f"http://localhost:{thread.port}"
        thread.terminate()
        for conn in in_memory.values():
            conn.dec_thread_sharing()


def first_load(browser, url: str, storage_state=None) -> dict[str, tuple[int, str]]:
    """Bytes on the wire (headers and encoded body) and content encoding per request of one
    page load in a fresh context, so with an empty cache."""
    context = browser.new_context(storage_state=storage_state)
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    sizes = {}
    for request in requests:
        s = request.sizes()
        encoding = request.response().headers.get("content-encoding", "identity")
        sizes[request.url] = (s["responseHeadersSize"] + s["responseBodySize"], encoding)
    context.close()
    return sizes


def test_the_first_load_of_each_main_page_is_under_100_kb(production_server, browser):
    login = browser.new_context()
    page = login.new_page()
    page.goto(f"{production_server}/accounts/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{production_server}/")
    state = login.storage_state()
    login.close()

    weights = {"/accounts/login/": first_load(browser, f"{production_server}/accounts/login/")}
    for path in PAGES:
        weights[path] = first_load(browser, f"{production_server}{path}", state)
    totals = {path: sum(size for size, _enc in sizes.values()) for path, sizes in weights.items()}
    print({path: f"{total / 1024:.1f} KB" for path, total in totals.items()})  # noqa: T201

    # Served compressed (the page and its CSS), with hashed static names, without Bootstrap's JS.
    home = weights["/"]
    assert home[f"{production_server}/"][1] == "gzip"
    css = [url for url in home if "bootstrap.min." in url and url.endswith(".css")]
    assert len(css) == 1 and home[css[0]][1] in ("br", "gzip"), home
    assert not any("bootstrap.bundle" in url for url in home)
    assert {path: total for path, total in totals.items() if total >= BUDGET} == {}
    assert all(total > 5 * 1024 for total in totals.values())  # measured something real
