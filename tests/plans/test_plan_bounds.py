"""Issue 24, N8: a plan's year and number of communes are bounded at the form: a number past
its column is 400 with a message, nothing stored (it was a DataError on PostgreSQL and an
OverflowError on SQLite)."""

import pytest
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": TOO_BIG, "target_certified": 5}, "nhỏ hơn hoặc bằng với 2100"),
        ({"year": "1989", "target_certified": 5}, "lớn hơn hoặc bằng với 1990"),
        ({"year": 2028, "target_certified": TOO_BIG}, "nhỏ hơn hoặc bằng với 10000"),
        ({"year": 2028, "target_certified": "-1"}, "lớn hơn hoặc bằng với 0"),
    ],
)
@pytest.mark.parametrize("which", ["world", "reform_world"])
def test_a_plan_out_of_bounds_is_400_and_nothing_stored(client, request, which, fields, message):
    world = request.getfixturevalue(which)
    client.force_login(world.province_staff)
    url = reverse("plans:plan_create", args=[world.province.code])
    response = client.post(url, {"tier": "ntm"} | fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Plan.objects.filter(province=world.province).exists()
