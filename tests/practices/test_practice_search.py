"""The practices list searches without diacritics (Practice.search_text)."""

import pytest
from django.urls import reverse

from practices.models import Category, Practice
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
    practice_update(
        practice=practice,
        user=world.province_staff,
        title="Trồng hồi",
        category=practice.category,
        year=practice.year,
        summary=practice.summary,
        contact=practice.contact,
        district=practice.district,
        communes=[],
        criteria=[],
        results="",
        households=None,
        investment_million_vnd=None,
        income_million_vnd=None,
        partners="",
    )
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


def test_the_services_take_the_practices_fields_by_name(world):
    from practices.services import practice_create, practice_update

    criterion = world.cset.criteria.get(number=1)
    practice = practice_create(
        province=world.province,
        user=world.province_staff,
        title="Nuôi ong",
        category=Category.objects.order_by("order").first(),
        year=2026,
        summary="Tóm tắt.",
        contact="UBND xã",
        criteria=[criterion],
    )
    assert practice.status == Practice.Status.DRAFT and list(practice.criteria.all()) == [criterion]
    with pytest.raises(TypeError):  # an edit states every field: none is dropped by omission
        practice_update(practice=practice, user=world.province_staff, title="Trồng hồi")
    practice.refresh_from_db()
    assert practice.title == "Nuôi ong"
