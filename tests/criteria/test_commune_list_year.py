"""The commune list opens on the latest year assessed in the user's scope; a commune official's
on the working year, a former district's (ended 30/06/2025) with nothing assessed on its last
year."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from tests.base import make_assessment

pytestmark = pytest.mark.django_db

TZ = datetime.timezone(datetime.timedelta(hours=7))
DEC_2026 = datetime.datetime(2026, 12, 7, 10, tzinfo=TZ)


def _opens_on(client, user) -> int:
    client.force_login(user)
    return client.get("/communes/").context["year"]


def test_it_opens_on_the_latest_year_of_the_scope(client, world, django_assert_max_num_queries):
    make_assessment(world.commune_b1, 2027, world.cset, met=2)
    with time_machine.travel(DEC_2026, tick=False):
        client.force_login(get_user_model().objects.get(username="province"))
        with django_assert_max_num_queries(12):  # as pinned in test_commune_list_view.py
            response = client.get("/communes/")
        assert response.status_code == 200
        assert response.context["year"] == 2026  # Lạng Sơn's latest (the 2026 baseline)
        assert _opens_on(client, world.official_b) == 2027
        # Nothing assessed in district A, which ended on 30/06/2025: its last year.
        assert _opens_on(client, world.official_a) == 2024
        # Nothing assessed in the other province: the working year.
        assert _opens_on(client, world.other_province_staff) == 2026


@pytest.mark.parametrize(
    "day",
    [DEC_2026, datetime.datetime(2031, 12, 31, 10, tzinfo=TZ)],
    ids=["2026", "2031"],
)
def test_a_commune_official_opens_on_the_working_year(client, world, day):
    """Even with an assessment of another year (A1's of 2027): its own unit's work now."""
    make_assessment(world.commune_a1, 2027, world.cset, met=1)
    with time_machine.travel(day, tick=False):
        assert _opens_on(client, world.commune_official) == day.year
        response = client.get("/communes/")
        assert [c.code for c in response.context["page"]] == ["98101"]


def test_after_the_reform_the_commune_and_the_former_district_open_where_they_work(
    client, reform_world
):
    w = reform_world
    with time_machine.travel(DEC_2026, tick=False):
        # xa Đông Tây, never assessed: 2026 (it exists), not 2017 (it did not).
        assert _opens_on(client, w.commune_official) == 2026
        response = client.get("/communes/")
        assert [c.name for c in response.context["page"]] == ["Xã Đông Tây"]
        assert _opens_on(client, w.province_staff) == 2026
        # District 961 ended on 30/06/2025: its communes in 2024, its last year.
        assert _opens_on(client, w.former_district_official) == 2024
        response = client.get("/communes/")
        assert [c.name for c in response.context["page"]] == ["Xã Đông", "Xã Tây", "Xã Bắc"]
        response = client.get("/communes/", {"as_at": "2025-06-30"})
        assert response.context["year"] == 2025
        assert len(response.context["page"]) == 3


def test_the_year_field_is_bounded_by_the_programme_and_the_apps_years(client, world):
    from ntm.lib.years import PROGRAMME_FIRST_YEAR, YEAR_MAX

    client.force_login(world.province_staff)
    body = client.get("/communes/", {"year": 2027}).content.decode()
    assert f'min="{PROGRAMME_FIRST_YEAR}" max="{YEAR_MAX}"' in body
