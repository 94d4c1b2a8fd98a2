import pytest
from django.urls import reverse

from tests.practices.conftest import make_practice
from tests.practices.test_practice_create import form_data

pytestmark = pytest.mark.django_db


def edit_url(practice):
    return reverse("practices:practice_edit", args=[practice.pk])


def test_province_staff_edit_a_published_practice(client, world):
    practice = make_practice(world.province, "Cũ", district=world.district_a)
    client.force_login(world.province_staff)
    response = client.post(edit_url(practice), form_data(world, title="Mới"))
    assert response.status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Mới" and practice.status == "published"


def test_district_official_edits_own_draft(client, world):
    practice = make_practice(
        world.province, "Cũ", status="draft", district=world.district_a, created_by=world.official_a
    )
    client.force_login(world.official_a)
    assert client.post(edit_url(practice), form_data(world, title="Mới")).status_code == 302
    practice.refresh_from_db()
    assert practice.title == "Mới"


@pytest.mark.parametrize("who", ["official_b", "other_province_staff"])
def test_others_get_404(client, world, who):
    practice = make_practice(
        world.province, "Cũ", status="draft", district=world.district_a, created_by=world.official_a
    )
    client.force_login(getattr(world, who))
    assert client.get(edit_url(practice)).status_code == 404
    assert client.post(edit_url(practice), form_data(world, title="Mới")).status_code == 404
    practice.refresh_from_db()
    assert practice.title == "Cũ"


def test_district_official_cannot_edit_once_published(client, world):
    practice = make_practice(
        world.province, "Cũ", district=world.district_a, created_by=world.official_a
    )
    client.force_login(world.official_a)
    assert client.get(edit_url(practice)).status_code == 404
