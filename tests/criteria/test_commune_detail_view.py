import datetime

import pytest
from django.urls import reverse

from communes.models import Commune
from criteria.models import Assessment
from tests.base import make_assessment, make_certification, make_commune
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db


def url(code="98101"):
    return reverse("pages:commune_detail", args=[code])


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(url()).status_code == 302


@pytest.mark.parametrize("persona", ["province_staff", "official_a", "admin"])
def test_in_scope_users_see_the_page(client, world, persona):
    login(client, getattr(world, persona))
    response = client.get(url())
    assert response.status_code == 200
    assert "Xã Một" in response.content.decode() and "Huyện A" in response.content.decode()


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, persona):
    login(client, getattr(world, persona))
    assert client.get(url()).status_code == 404


def test_an_unknown_code_is_404(client, world):
    login(client, world.province_staff)
    assert client.get(url("99999")).status_code == 404


def test_years_show_criteria_gained_and_lost(client, world):
    from criteria.models import CriterionResult

    make_assessment(world.commune_a1, 2026, world.cset, met=2)  # criteria 1, 2
    later = make_assessment(world.commune_a1, 2027, world.cset, met=1, status="submitted")
    CriterionResult.objects.filter(assessment=later, criterion__number=3).update(met=True)
    login(client, world.province_staff)
    response = client.get(url())
    rows = {r["assessment"].year: r for r in response.context["years"]}
    assert rows[2027]["gained"] == [3] and rows[2027]["lost"] == [2]
    assert rows[2026]["gained"] == [] and rows[2026]["assessment"].n_criteria == 3
    assert [r["assessment"].year for r in response.context["years"]] == [2027, 2026]
    assert "Đã gửi duyệt" in response.content.decode()


def test_province_staff_get_the_certification_form_and_a_new_year_link(client, world):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 9, 1))
    login(client, world.province_staff)
    body = client.get(url()).content.decode()
    assert reverse("pages:certification_create", args=["98101"]) in body
    assert "98101/QĐ-UBND" in body
    assert reverse("pages:assessment_edit", args=["98101", 2028]) in body
    login(client, world.official_a)
    body = client.get(url()).content.decode()
    assert reverse("pages:certification_create", args=["98101"]) not in body
    assert reverse("pages:assessment_edit", args=["98101", 2028]) not in body


def test_year_picks_the_unit_of_a_reissued_code(client, world):
    old = Commune.objects.get(code="98102")
    old.valid_to = datetime.date(2024, 11, 30)
    old.save()
    # A unit starting after 30/06/2025 has no district (constraint), so the reissue is earlier.
    make_commune(world.district_a, "98102", "Xã Hai Mới", valid_from=datetime.date(2024, 12, 1))
    login(client, world.province_staff)
    assert client.get(url("98102")).context["commune"].name == "Xã Hai Mới"
    assert client.get(url("98102"), {"year": 2023}).context["commune"].name == "Xã Hai"


def test_demo_commune_page_queries_are_bounded(
    client, django_user_model, django_assert_max_num_queries
):
    client.force_login(django_user_model.objects.get(username="province"))
    # 15, then 2 for the higher tiers (issue 13): their assessments, and whether a set of each
    # tier is in force and the commune holds the standard certification (the offers); 2 for
    # the villages on the day shown and their recognitions.
    with django_assert_max_num_queries(19):
        response = client.get(url("06469"))
    assert len(response.context["years"]) == 3
    assert all(
        r["assessment"].status == Assessment.Status.APPROVED for r in response.context["years"]
    )


def test_the_commune_page_links_practices_for_missed_criteria(client, django_user_model):
    from criteria.models import Assessment
    from practices.models import Practice

    client.force_login(django_user_model.objects.get(username="province"))
    example = Practice.objects.published().filter(province__code="20").first()
    helped = set(example.criteria.values_list("pk", flat=True))
    missing = (
        Assessment.objects.filter(year=2018, commune__district__province__code="20")
        .filter(results__met=False, results__criterion__in=helped)
        .select_related("commune")
        .first()
    )
    meeting = (
        Assessment.objects.filter(year=2018, commune__district__province__code="20")
        .exclude(results__met=False, results__criterion__in=helped)
        .filter(criteria_met=19)
        .select_related("commune")
        .first()
    )
    assert example.title in client.get(f"/communes/{missing.commune.code}/").content.decode()
    body = client.get(f"/communes/{meeting.commune.code}/").content.decode()
    assert example.title not in body
