import pytest
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_province_staff_see_their_plans_with_progress(client, plan_world):
    client.force_login(plan_world.province_staff)
    response = client.get(reverse("plans:plan_list", args=["98"]) + "?year=2027")
    assert response.status_code == 200
    row = response.context["rows"][0]
    assert (row.target_certified, row.certified, row.certified_percent) == (3, 1, 33)


@pytest.mark.parametrize("who", ["official_a", "other_province_staff"])
def test_others_get_404(client, plan_world, who):
    client.force_login(getattr(plan_world, who))
    assert client.get(reverse("plans:plan_list", args=["98"])).status_code == 404
    assert client.get(reverse("plans:plan_create", args=["98"])).status_code == 404
    url = reverse("plans:plan_edit", args=["98", plan_world.plan.pk])
    assert client.post(url, {"year": 2027, "tier": "ntm", "target_certified": 9}).status_code == 404
    plan_world.plan.refresh_from_db()
    assert plan_world.plan.target_certified == 3


def test_province_staff_create_a_plan_with_named_communes(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        reverse("plans:plan_create", args=["98"]),
        {
            "year": 2028,
            "tier": "ntm",
            "target_communes": [world.commune_a1.pk, world.commune_b1.pk],
            "target_average": "2,5",
            "criterion_targets": "1: 3, 2: 2",
        },
    )
    assert response.status_code == 302
    plan = Plan.objects.get(province=world.province, year=2028)
    assert plan.target_certified == 2  # the named communes
    assert plan.criterion_targets == {"1": 3, "2": 2}
    assert plan.created_by == world.province_staff


def test_a_second_plan_for_the_same_area_and_year_is_refused(client, plan_world):
    client.force_login(plan_world.province_staff)
    response = client.post(
        reverse("plans:plan_create", args=["98"]),
        {"year": 2027, "tier": "ntm", "target_certified": 5},
    )
    assert response.status_code == 400
    assert "Đã có kế hoạch năm 2027" in response.content.decode()
    assert Plan.objects.filter(province=plan_world.province).count() == 1


def test_a_district_of_another_province_cannot_be_chosen(client, world):
    other_district = world.commune_other.district
    client.force_login(world.province_staff)
    response = client.post(
        reverse("plans:plan_create", args=["98"]),
        {"year": 2028, "tier": "ntm", "target_certified": 1, "district": other_district.pk},
    )
    assert response.status_code == 400
    assert not Plan.objects.exists()


def test_bad_criterion_targets_are_explained(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        reverse("plans:plan_create", args=["98"]),
        {"year": 2028, "tier": "ntm", "criterion_targets": "mười"},
    )
    assert response.status_code == 400
    assert "số tiêu chí: số xã" in response.content.decode()


def test_province_staff_edit_a_plan(client, plan_world):
    client.force_login(plan_world.province_staff)
    url = reverse("plans:plan_edit", args=["98", plan_world.plan.pk])
    assert "1: 3, 3: 2" in client.get(url).content.decode()
    response = client.post(
        url, {"year": 2027, "tier": "ntm", "target_certified": 4, "criterion_targets": ""}
    )
    assert response.status_code == 302
    plan_world.plan.refresh_from_db()
    assert plan_world.plan.target_certified == 4
    assert plan_world.plan.criterion_targets == {}


def test_the_plan_list_costs_a_fixed_number_of_queries_per_plan(
    client, reform_world, django_assert_num_queries
):
    """Session, user and membership, the province (the scope's and the page's), the years, the
    plans and their named communes (8); per plan its certifications and its area's headline
    (2): two plans of 2027, 12 queries."""
    w = reform_world
    for year in (2026, 2027):
        plan = Plan.objects.create(province=w.province, year=year, target_certified=1)
        plan.target_communes.set([w.dong_tay])
    Plan.objects.create(province=w.province, year=2027, tier="advanced", target_certified=1)
    client.force_login(w.province_staff)
    url = reverse("plans:plan_list", args=["96"]) + "?year=2027"
    with django_assert_num_queries(12):
        response = client.get(url)
    assert {r.plan.tier for r in response.context["rows"]} == {"ntm", "advanced"}
