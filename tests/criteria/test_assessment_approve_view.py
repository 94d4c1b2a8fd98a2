import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("criteria:assessment_approve", args=[commune.code, year])


def test_it_rejects_get(client, world, submitted):
    login(client, world.province_staff)
    assert client.get(url(world.commune_a1)).status_code == 405


def test_anonymous_is_sent_to_login(client, world, submitted):
    assert client.post(url(world.commune_a1)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_province_staff_approve_and_it_is_recorded(client, world, submitted):
    login(client, world.province_staff)
    assert client.post(url(world.commune_a1)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.APPROVED
    assert submitted.approved_by == world.province_staff
    record = submitted.history.first()
    assert record.status == "approved" and record.history_user == world.province_staff


def test_district_official_of_the_district_may_not_approve(client, world, submitted):
    login(client, world.official_a)
    assert client.post(url(world.commune_a1)).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, submitted, persona):
    login(client, getattr(world, persona))
    assert client.post(url(world.commune_a1)).status_code == 404


def test_a_draft_cannot_be_approved(client, world, draft):
    login(client, world.province_staff)
    response = client.post(url(world.commune_a1), follow=True)
    assert "Chỉ phê duyệt được đánh giá đã gửi duyệt." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
