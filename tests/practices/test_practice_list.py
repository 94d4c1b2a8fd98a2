import pytest
from django.urls import reverse

from practices.models import Category
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db

URL = reverse("practices:practice_list")


def titles(response):
    return [p.title for p in response.context["page"]]


@pytest.fixture
def practices(world):
    w = world
    cats = list(Category.objects.order_by("order"))
    c1, c2 = w.cset.criteria.get(number=1), w.cset.criteria.get(number=2)
    return {
        "ong": make_practice(
            w.province, "Nuôi ong", category=cats[2], district=w.district_a, criteria=[c1]
        ),
        "duong": make_practice(
            w.province,
            "Làm đường",
            category=cats[1],
            district=w.district_b,
            criteria=[c2],
            year=2027,
            summary="Bê tông hóa đường thôn",
        ),
        "nhap": make_practice(
            w.province,
            "Nháp của A",
            status="draft",
            district=w.district_a,
            created_by=w.official_a,
        ),
        "khac": make_practice(w.other_province, "Tỉnh khác"),
    }


def test_province_staff_see_published_and_drafts_of_their_province(client, world, practices):
    client.force_login(world.province_staff)
    assert set(titles(client.get(URL))) == {"Nuôi ong", "Làm đường", "Nháp của A"}


def test_district_official_b_does_not_see_a_draft_of_a(client, world, practices):
    client.force_login(world.official_b)
    assert set(titles(client.get(URL))) == {"Nuôi ong", "Làm đường"}
    client.force_login(world.official_a)
    assert "Nháp của A" in titles(client.get(URL))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "982"}, ["Làm đường"]),
        ({"year": "2027"}, ["Làm đường"]),
        ({"q": "bê tông"}, ["Làm đường"]),
        ({"q": "ONG"}, ["Nuôi ong"]),
    ],
)
def test_it_filters(client, world, practices, params, expected):
    client.force_login(world.official_b)
    assert titles(client.get(URL, params)) == expected


def test_it_filters_by_category_and_criterion(client, world, practices):
    client.force_login(world.official_b)
    ong = practices["ong"]
    assert titles(client.get(URL, {"category": ong.category_id})) == ["Nuôi ong"]
    crit = world.cset.criteria.get(number=2)
    assert titles(client.get(URL, {"criterion": crit.pk})) == ["Làm đường"]


def test_malformed_filters_are_not_found(client, world, practices):
    # One parser for years and ids everywhere (ntm.lib.years): garbage is 404, never 500.
    client.force_login(world.official_b)
    for params in ({"year": "abc"}, {"category": "-1"}, {"criterion": "x"}, {"category": "²"}):
        assert client.get(URL, params).status_code == 404, params
    response = client.get(URL, {"year": "", "category": "", "criterion": ""})
    assert response.status_code == 200 and len(titles(response)) == 2


def test_it_links_the_compendium_of_each_year(client, world, practices):
    client.force_login(world.province_staff)
    body = client.get(URL).content.decode()
    assert reverse("practices:compendium_pdf", args=["98", 2027]) in body
    assert reverse("practices:compendium_pdf", args=["98", 2026]) in body


def test_the_demo_examples_are_listed_for_langson(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="district"))
    response = client.get(URL, {"year": "2018"})
    assert len(titles(response)) == 5
    assert "Ví dụ minh họa" in response.content.decode()


def test_query_count_does_not_grow_with_practices(
    client, world, practices, django_assert_num_queries
):
    client.force_login(world.province_staff)
    # session, user, membership, its province (scope_for), count, compendium years,
    # categories, districts, criteria filter, page, criteria prefetch
    with django_assert_num_queries(11):
        client.get(URL)
    for n in range(30):
        make_practice(
            world.province,
            f"Thêm {n}",
            district=world.district_a,
            criteria=list(world.cset.criteria.all()),
        )
    with django_assert_num_queries(11):
        response = client.get(URL, {"q": "Thêm"})
    assert len(titles(response)) == 25


def test_the_year_field_is_bounded_by_the_apps_years(client, world):
    from ntm.lib.years import YEAR_MAX, YEAR_MIN

    client.force_login(world.province_staff)
    body = client.get(URL).content.decode()
    assert f'min="{YEAR_MIN}" max="{YEAR_MAX}"' in body
