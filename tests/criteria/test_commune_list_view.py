import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.base import make_assessment, make_certification
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db

LIST = reverse("pages:commune_list")


def codes(response) -> list[str]:
    return [c.code for c in response.context["page"]]


def test_anonymous_is_sent_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_province_staff_see_their_province_only(client, world):
    login(client, world.province_staff)
    response = client.get(LIST, {"year": 2027})
    assert codes(response) == ["98101", "98102", "98201"]


def test_district_official_sees_their_district_only(client, world):
    login(client, world.official_a)
    response = client.get(LIST, {"year": 2027})
    assert codes(response) == ["98101", "98102"]
    login(client, world.official_b)
    assert codes(client.get(LIST, {"year": 2027})) == ["98201"]


def test_rows_show_criteria_met_status_and_certification(client, world):
    import datetime

    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_assessment(world.commune_a2, 2027, world.cset, met=1, status=Assessment.Status.DRAFT)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    login(client, world.province_staff)
    response = client.get(LIST, {"year": 2027})
    rows = {c.code: c for c in response.context["page"]}
    assert (rows["98101"].met, rows["98101"].status, rows["98101"].certified) == (
        3,
        "approved",
        True,
    )
    assert (rows["98102"].met, rows["98102"].status, rows["98102"].year_met) == (0, "draft", 1)
    assert rows["98201"].status is None
    body = response.content.decode()
    assert "3/3" in body and "Dự thảo" in body and "Đạt chuẩn" in body
    assert reverse("pages:assessment_edit", args=["98101", 2027]) in body


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"district": "982"}, ["98201"]),
        ({"status": "approved"}, ["98101"]),
        ({"status": "draft"}, ["98102"]),
        ({"status": "none"}, ["98201"]),
        ({"band": "all"}, ["98101"]),
        ({"band": "0-2"}, ["98102", "98201"]),  # the test set has 3 criteria: 3 · under 3
        ({"border": "1"}, ["98201"]),
        ({"disadvantaged": "1"}, ["98102"]),
        ({"disadvantaged": "0"}, ["98101", "98201"]),
        ({"q": "hai"}, ["98102"]),
        ({"q": "982"}, ["98201"]),
    ],
)
def test_filters(client, world, params, expected):
    world.commune_b1.is_border = True
    world.commune_b1.save()
    world.commune_a2.is_disadvantaged = True
    world.commune_a2.save()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_assessment(world.commune_a2, 2027, world.cset, met=1, status=Assessment.Status.DRAFT)
    login(client, world.province_staff)
    assert codes(client.get(LIST, {"year": 2027, **params})) == expected


def test_district_official_gets_no_link_to_create_an_assessment(client, world):
    login(client, world.official_a)
    body = client.get(LIST, {"year": 2027}).content.decode()
    assert reverse("pages:assessment_edit", args=["98101", 2027]) not in body
    login(client, world.province_staff)
    body = client.get(LIST, {"year": 2027}).content.decode()
    assert reverse("pages:assessment_edit", args=["98101", 2027]) in body


def test_it_keeps_a_fixed_number_of_queries_for_the_whole_province(
    client, django_user_model, django_assert_num_queries
):
    client.force_login(django_user_model.objects.get(username="province"))
    with django_assert_num_queries(12):  # 11 + units outside the programme (issue 12)
        response = client.get(LIST, {"year": 2017})
    assert response.context["page"].paginator.count == 207
    assert len(response.context["page"]) == 50
    with django_assert_num_queries(12):  # 11 + units outside the programme (issue 12)
        client.get(LIST, {"year": 2017, "band": "10-14", "page": 2})


def test_demo_2017_counts_36_communes_meeting_all_criteria(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get(LIST, {"year": 2017, "band": "all"})
    assert response.context["page"].paginator.count == 36


def test_the_bands_are_the_reports_bands_of_the_years_set(client, django_user_model, world):
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get(LIST, {"year": 2017})
    assert response.context["bands"] == [
        ("all", "Đạt tất cả tiêu chí"),
        ("15-18", "15–18"),
        ("10-14", "10–14"),
        ("5-9", "5–9"),
        ("0-4", "Dưới 5"),
    ]
    counts = {
        key: client.get(LIST, {"year": 2017, "band": key}).context["page"].paginator.count
        for key, _label in response.context["bands"]
    }
    assert sum(counts.values()) == 207  # every programme commune in exactly one band
    client.force_login(world.province_staff)
    bands = client.get(LIST, {"year": 2027}).context["bands"]
    assert bands == [("all", "Đạt tất cả tiêu chí"), ("0-2", "Dưới 3")]


def test_the_list_links_the_reports_of_the_users_scope(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    body = client.get("/communes/", {"year": 2017, "district": "187"}).content.decode()
    assert 'href="/reports/province/20/2017/"' in body
    assert 'href="/reports/district/187/2017.pdf"' in body
    client.force_login(django_user_model.objects.get(username="district"))
    body = client.get("/communes/", {"year": 2017}).content.decode()
    assert 'href="/reports/district/187/2017/"' in body
    assert "/reports/province/" not in body


def test_the_list_offers_the_sets_near_standard_band(client, reform_world):
    w = reform_world
    w.cset.near_standard_missing = 2
    w.cset.save(update_fields=["near_standard_missing"])
    make_assessment(w.dong_tay, 2026, w.cset, met=9)
    make_assessment(w.bac_son, 2026, w.cset, met=7)
    client.force_login(w.province_staff)
    response = client.get(LIST, {"year": 2026})
    assert [key for key, _label in response.context["bands"]] == ["all", "8-9", "5-7", "0-4"]
    assert codes(client.get(LIST, {"year": 2026, "band": "8-9"})) == [w.dong_tay.code]
