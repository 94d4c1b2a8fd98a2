"""The commune official (cán bộ UBND xã) of commune A1 at work: its own commune only."""

import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.base import make_assessment
from tests.criteria.conftest import form_data, login

pytestmark = pytest.mark.django_db

YEAR = 2027


def edit_url(commune, year=YEAR):
    return reverse("pages:assessment_edit", args=[commune.code, year])


def submit_url(commune, year=YEAR):
    return reverse("pages:assessment_submit", args=[commune.code, year])


@pytest.fixture
def draft(world):
    return make_assessment(world.commune_a1, YEAR, world.cset, status=Assessment.Status.DRAFT)


def test_it_opens_its_commune_page(client, world):
    login(client, world.commune_official)
    response = client.get(world.commune_a1.get_absolute_url())
    assert response.status_code == 200
    assert response.context["commune"] == world.commune_a1
    assert not response.context["can_certify"]


def test_it_edits_its_draft(client, world, draft):
    login(client, world.commune_official)
    response = client.get(edit_url(world.commune_a1))
    assert response.status_code == 200
    assert response.context["editable"]
    assert response.context["can_submit"]
    assert not response.context["can_approve"]
    data = form_data(world.cset, draft.version, {"1.1": "1", "1.2": "75", "2.1": "1"})
    response = client.post(edit_url(world.commune_a1), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.criteria_met == 2  # 75 % is above the region's 70 %


def test_it_creates_its_assessment_of_a_new_year(client, world):
    login(client, world.commune_official)
    response = client.get(edit_url(world.commune_a1, 2028))
    assert response.status_code == 200
    assert response.context["editable"]
    response = client.post(edit_url(world.commune_a1, 2028), form_data(world.cset, 0))
    assert response.status_code == 302
    created = Assessment.objects.get(commune=world.commune_a1, year=2028)
    assert created.status == Assessment.Status.DRAFT
    assert created.created_by == world.commune_official


def test_it_submits_its_draft(client, world, draft):
    login(client, world.commune_official)
    response = client.post(submit_url(world.commune_a1))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    assert draft.submitted_by == world.commune_official


def test_it_sees_the_return_reason_and_edits_again(client, world, draft):
    Assessment.objects.filter(pk=draft.pk).update(
        status=Assessment.Status.DRAFT, return_reason="Thiếu biên bản họp dân"
    )
    login(client, world.commune_official)
    response = client.get(edit_url(world.commune_a1))
    assert response.status_code == 200
    assert "Thiếu biên bản họp dân" in response.content.decode()
    assert response.context["editable"]


def test_it_cannot_change_an_assessment_the_province_holds(client, world, draft):
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.SUBMITTED)
    login(client, world.commune_official)
    response = client.get(edit_url(world.commune_a1))
    assert response.status_code == 200
    assert not response.context["editable"]
    response = client.post(edit_url(world.commune_a1), form_data(world.cset, draft.version))
    assert response.status_code == 403
    assert Assessment.objects.get(pk=draft.pk).version == draft.version


@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
def test_it_cannot_review(client, world, draft, action):
    state = {"approve": "submitted", "return": "submitted", "reopen": "approved"}[action]
    Assessment.objects.filter(pk=draft.pk).update(status=state)
    login(client, world.commune_official)
    url = reverse(f"pages:assessment_{action}", args=[world.commune_a1.code, YEAR])
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Assessment.objects.get(pk=draft.pk).status == state


@pytest.mark.parametrize("other", ["commune_a2", "commune_b1", "commune_other"])
def test_it_gets_404_for_any_other_commune(client, world, other):
    commune = getattr(world, other)
    make_assessment(commune, YEAR, world.cset, status=Assessment.Status.DRAFT)
    login(client, world.commune_official)
    assert client.get(commune.get_absolute_url()).status_code == 404
    assert client.get(edit_url(commune)).status_code == 404
    assert client.get(edit_url(commune, 2028)).status_code == 404
    assert client.post(edit_url(commune), form_data(world.cset, 1)).status_code == 404
    assert client.post(submit_url(commune)).status_code == 404
    assert Assessment.objects.get(commune=commune, year=YEAR).status == Assessment.Status.DRAFT


def test_its_commune_list_shows_only_its_commune(client, world, draft):
    login(client, world.commune_official)
    response = client.get(reverse("pages:commune_list"), {"year": YEAR})
    assert response.status_code == 200
    assert [c.code for c in response.context["page"]] == [world.commune_a1.code]


def test_its_home_page_names_its_commune_and_links_no_report(client, world, draft):
    login(client, world.commune_official)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["report_links"] == []
    assert "Xã Một" in response.content.decode()


def test_district_and_province_reports_are_outside_its_scope(client, world):
    login(client, world.commune_official)
    district = reverse("reports:district_report", args=[world.district_a.code, YEAR])
    province = reverse("reports:province_report", args=[world.province.code, YEAR])
    assert client.get(district).status_code == 404
    assert client.get(province).status_code == 404
