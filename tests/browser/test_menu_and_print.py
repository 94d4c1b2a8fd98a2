"""The phone menu opens without Bootstrap's JS (static/js/navbar.js), and a printed HTML report
shows the report only (static/css/ntm.css, @media print)."""

import pytest
from playwright.sync_api import Page, expect

from tests.base import PASSWORD, make_assessment, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}}


def _log_in(page: Page, live_server) -> None:
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=2)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "province-staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_menu_button_opens_and_closes_the_menu_on_a_phone(live_server, page: Page):
    _log_in(page, live_server)
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#nav")
    expect(menu).to_be_hidden()
    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Danh sách xã").click()
    page.wait_for_url("**/communes/**")
    page.locator(".navbar-toggler").click()
    page.locator(".navbar-toggler").click()
    expect(page.locator("#nav")).to_be_hidden()
    expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "false")


def test_a_printed_report_shows_the_report_without_navbar_buttons_or_footer(
    live_server, page: Page
):
    _log_in(page, live_server)
    page.goto(f"{live_server.url}/reports/province/98/2027/")
    page.emulate_media(media="print")
    expect(page.locator("nav.navbar")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Tải PDF")).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("table.keep-together").first).to_be_visible()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.keep-together')).breakInside")
        == "avoid"
    )
