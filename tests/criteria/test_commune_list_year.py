"""The commune list opens on the latest year assessed in the user's scope."""

import pytest
from django.contrib.auth import get_user_model

from tests.base import make_assessment

pytestmark = pytest.mark.django_db


def test_it_opens_on_the_latest_year_of_the_scope(client, world, django_assert_max_num_queries):
    make_assessment(world.commune_b1, 2027, world.cset, met=2)
    client.force_login(get_user_model().objects.get(username="province"))
    with django_assert_max_num_queries(12):  # as pinned in test_commune_list_view.py
        response = client.get("/communes/")
    assert response.status_code == 200
    assert response.context["year"] == 2026  # Lạng Sơn's latest (the 2026 baseline), not B's 2027
    client.force_login(world.official_b)
    assert client.get("/communes/").context["year"] == 2027
    client.force_login(world.official_a)
    assert client.get("/communes/").context["year"] == 2017  # nothing assessed: the default


def test_the_year_field_is_bounded_by_the_programme_and_the_apps_years(client, world):
    from criteria.services import PROGRAMME_FIRST_DATE
    from ntm.lib.years import YEAR_MAX

    client.force_login(world.province_staff)
    body = client.get("/communes/", {"year": 2027}).content.decode()
    assert f'min="{PROGRAMME_FIRST_DATE.year}" max="{YEAR_MAX}"' in body
