"""axe-core in Chromium on the main pages, in both languages: no critical or serious violation."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.base import PASSWORD, make_assessment, make_world
from tests.browser.conftest import HANOI

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
BLOCKING = {"critical", "serious"}
# The working year of the pages (the home page's queue, the navbar's count) is 2027.
DAY = datetime.datetime(2027, 6, 1, 10, tzinfo=HANOI)


def _violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_main_pages_have_no_serious_accessibility_violation(
    live_server, page: Page, language, server_day
):
    server_day(DAY)
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=1, status="draft")
    # Something waits in the working year, so the navbar shows its count and axe checks it.
    make_assessment(world.commune_a2, DAY.year, world.cset, status="submitted")
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    found = {}
    page.goto(f"{live_server.url}/accounts/login/")
    found["/accounts/login/"] = _violations(page)
    page.fill("#id_username", "province-staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for path in PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        expect(page.locator("[data-queue-badge]")).to_have_attribute("data-queue-count", "1")
        found[path] = _violations(page)
    problems = [f"{path}: {v}" for path, violations in found.items() for v in violations]
    assert problems == [], "\n".join(problems)


def test_every_input_of_the_set_admin_page_has_a_label(live_server, page: Page, server_day):
    """The inlines of a criteria set (groups, poverty standards, amendments): axe's label rules,
    critical when an input has no name (issue 25)."""
    server_day(DAY)
    world = make_world()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "admin-test")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    response = page.goto(f"{live_server.url}/admin/criteria/criteriaset/{world.cset.pk}/change/")
    assert response.status == 200
    assert page.locator("[aria-label$='(dòng 1)']").count() > 0
    results = Axe().run(
        page, options={"runOnly": {"type": "rule", "values": ["label", "select-name"]}}
    )
    assert [v["help"] for v in results.response["violations"]] == []
