"""The practices list searches without diacritics (Practice.search_text)."""

import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db

URL = reverse("practices:practice_list")


def titles(client, q: str) -> set[str]:
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    return {p.title for p in response.context["page"]}


def test_be_tong_finds_the_practice_about_be_tong(client, world):
    make_practice(world.province, "Làm đường", summary="Bê tông hóa đường thôn")
    make_practice(world.province, "Nuôi ong")
    client.force_login(world.province_staff)
    assert titles(client, "be tong") == {"Làm đường"}
    assert titles(client, "BÊ TÔNG") == {"Làm đường"}
    assert titles(client, "lam duong") == {"Làm đường"}


def test_the_services_keep_the_search_text_with_the_text(world):
    from practices.services import practice_update

    practice = make_practice(world.province, "Nuôi ong")
    practice_update(practice=practice, data={"title": "Trồng hồi"}, user=world.province_staff)
    practice.refresh_from_db()
    assert practice.search_text.startswith("trong hoi ")


def test_the_demo_practices_carry_their_search_text():
    demo = Practice.objects.filter(is_example=True)
    assert demo.exists()
    assert not demo.filter(search_text="").exists()
    assert demo.filter(search_text__contains="be tong").exists()


def test_a_word_matches_at_its_start_only(client, world):
    make_practice(world.province, "Nuôi ong")
    make_practice(world.province, "Làm đường")  # "duong" holds "ong" inside a word
    client.force_login(world.province_staff)
    assert titles(client, "ong") == {"Nuôi ong"}
    assert titles(client, "duo") == {"Làm đường"}
