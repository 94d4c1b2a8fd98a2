"""axe-core in Chromium on a province report with its map and on the boundary pages (issue
29): no critical or serious violation."""

import datetime

import pytest
from playwright.sync_api import Page

from maps.services import boundary_upload
from tests.base import PASSWORD, make_assessment, make_certification, make_world
from tests.browser.test_accessibility import DAY, _violations
from tests.maps.files import geojson

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_with_its_map_has_no_serious_accessibility_violation(
    live_server, page: Page, server_day
):
    server_day(DAY)
    world = make_world()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 5, 1))
    make_assessment(world.commune_a2, 2027, world.cset, met=1)
    boundary = boundary_upload(
        province=world.province,
        name="xa.geojson",
        data=geojson(["98101", "98102", "98201", "99999"]),
        describes_on=datetime.date(2027, 1, 1),
        source="Sở NN&MT",
        is_illustrative=True,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "province-staff")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    found = {}
    for path in (
        "/reports/province/98/2027/",
        "/maps/98/",
        f"/maps/98/{boundary.pk}/",
        "/?year=2027",  # the province home page shows the map too
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        found[path] = _violations(page)
    page.goto(f"{live_server.url}/reports/province/98/2027/")
    assert page.locator("svg.report-map-svg[role=img] [data-unit]").count() == 3
    assert page.locator("[data-legend-status=certified] [data-count]").inner_text() == "1"
    problems = [f"{path}: {v}" for path, violations in found.items() for v in violations]
    assert problems == [], "\n".join(problems)
