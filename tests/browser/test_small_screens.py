"""On a 390 px phone no main page scrolls sideways; wide tables scroll inside their container."""

import pytest
from playwright.sync_api import Page

from tests.base import PASSWORD, make_assessment, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/communes/?year=2027",
    "/communes/98101/",
    "/communes/98101/2027/",
    "/reports/province/98/2027/",
    "/practices/",
    "/practices/new/",
    "/imports/",
]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def _overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_no_page_scrolls_sideways_at_390_px(live_server, page: Page):
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=1, status="draft")
    page.goto(f"{live_server.url}/accounts/login/")
    found = {"/accounts/login/": _overflow(page)}
    page.fill("#id_username", "province-staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for path in PAGES:
        page.goto(f"{live_server.url}{path}")
        found[path] = _overflow(page)
    assert {path: px for path, px in found.items() if px > 0} == {}


def test_the_save_bar_fits_one_line_on_a_phone(live_server, page: Page):
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=1, status="draft")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "province-staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/communes/98101/2027/")
    height = page.evaluate("document.querySelector('.save-bar').getBoundingClientRect().height")
    assert height <= 64, height
