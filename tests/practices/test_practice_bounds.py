"""Issue 24, N8: a practice's year, households and amounts are bounded at the form: a number
past its column is 400 with a message, nothing stored."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practices.test_practice_create import URL, form_data

pytestmark = pytest.mark.django_db

TOO_BIG = "99999999999999999999"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": TOO_BIG}, "Năm phải trong khoảng 1990–2100."),
        ({"households": TOO_BIG}, "nhỏ hơn hoặc bằng với 10000000"),
        ({"investment_million_vnd": TOO_BIG}, "không có nhiều hơn 12 số"),
        ({"income_million_vnd": TOO_BIG}, "không có nhiều hơn 8 số"),
    ],
)
def test_a_practice_out_of_bounds_is_400_and_nothing_stored(client, world, fields, message):
    client.force_login(world.province_staff)
    response = client.post(URL, form_data(world, **fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Practice.objects.filter(title="Mô hình nuôi ong lấy mật").exists()


def test_an_edit_out_of_bounds_is_400_and_the_practice_unchanged(client, world):
    client.force_login(world.province_staff)
    assert client.post(URL, form_data(world)).status_code == 302
    practice = Practice.objects.get(title="Mô hình nuôi ong lấy mật")
    url = reverse("practices:practice_edit", args=[practice.pk])
    response = client.post(url, form_data(world, households=TOO_BIG))
    assert response.status_code == 400
    practice.refresh_from_db()
    assert practice.households == 12
