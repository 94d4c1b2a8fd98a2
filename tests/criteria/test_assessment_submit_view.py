import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("criteria:assessment_submit", args=[commune.code, year])


def test_it_rejects_get(client, world, draft):
    login(client, world.official_a)
    assert client.get(url(world.commune_a1)).status_code == 405


def test_anonymous_is_sent_to_login(client, world, draft):
    assert client.post(url(world.commune_a1)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


@pytest.mark.parametrize("persona", ["official_a", "province_staff"])
def test_district_official_and_province_staff_submit(client, world, draft, persona):
    user = getattr(world, persona)
    login(client, user)
    response = client.post(url(world.commune_a1))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED and draft.submitted_by == user
    assert draft.history.first().history_user == user


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, draft, persona):
    login(client, getattr(world, persona))
    assert client.post(url(world.commune_a1)).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_only_a_draft_can_be_submitted(client, world, approved):
    login(client, world.official_a)
    response = client.post(url(world.commune_a1), follow=True)
    assert "Chỉ gửi duyệt được đánh giá ở trạng thái dự thảo." in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.APPROVED


def test_no_assessment_is_404(client, world):
    login(client, world.official_a)
    assert client.post(url(world.commune_a2)).status_code == 404
