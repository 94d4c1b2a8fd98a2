import pytest
from django.urls import reverse

from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db


def test_it_shows_the_practice_with_its_criteria_and_figures(client, world):
    practice = make_practice(
        world.province,
        "Nuôi ong",
        district=world.district_a,
        communes=[world.commune_a1],
        criteria=[world.cset.criteria.get(number=3)],
        households=12,
        partners="HTX Ong Vàng",
    )
    client.force_login(world.official_b)
    response = client.get(practice.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("Nuôi ong", "3. TC 3", "HTX Ong Vàng", "Xã Một", "12"):
        assert text in body
    assert "Sửa" not in body and "Công bố</button>" not in body


def test_province_staff_see_publish_button_on_a_draft(client, world):
    practice = make_practice(world.province, "Nuôi ong", status="draft")
    client.force_login(world.province_staff)
    body = client.get(practice.get_absolute_url()).content.decode()
    assert reverse("practices:practice_publish", args=[practice.pk]) in body


@pytest.mark.parametrize("who", ["official_b", "other_province_staff"])
def test_a_draft_of_someone_else_is_404(client, world, who):
    practice = make_practice(
        world.province,
        "Nháp",
        status="draft",
        district=world.district_a,
        created_by=world.official_a,
    )
    client.force_login(getattr(world, who))
    assert client.get(practice.get_absolute_url()).status_code == 404


def test_another_province_gets_404_even_when_published(client, world):
    practice = make_practice(world.province, "Công bố")
    client.force_login(world.other_province_staff)
    assert client.get(practice.get_absolute_url()).status_code == 404
