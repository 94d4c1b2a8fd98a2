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


@pytest.mark.parametrize("width", [1366, 1280])
def test_the_navbar_fits_a_laptop_with_the_waiting_count(
    live_server, page: Page, demo_database, width
):
    """The demo's province staff have the longest menu (plans, imports) and a long name; with
    the count of waiting work shown the page stays within the window and "Đăng xuất" is on
    screen (it was 1391 px wide at 1366 and clipped it)."""
    from criteria.models import Assessment

    # Something waits whatever the day: a 2026 assessment of a unit that exists from 2025 on.
    waiting = Assessment.objects.filter(year=2026, commune__valid_to__isnull=True).first()
    Assessment.objects.filter(pk=waiting.pk).update(status="submitted")
    page.set_viewport_size({"width": width, "height": 768})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "province")
    page.fill("#id_password", "demo12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    badge = page.locator("[data-queue-badge]")
    badge.wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    logout = page.get_by_role("button", name="Đăng xuất")
    box = logout.bounding_box()
    assert logout.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    if width >= 1366:  # one line there: the bar is no taller than a single row of links
        assert page.evaluate("document.querySelector('.navbar').offsetHeight") <= 64
