import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("criteria:assessment_return", args=[commune.code, year])


def test_it_rejects_get(client, world, submitted):
    login(client, world.province_staff)
    assert client.get(url(world.commune_a1)).status_code == 405


def test_anonymous_is_sent_to_login(client, world, submitted):
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_reason_is_required(client, world, submitted):
    login(client, world.province_staff)
    response = client.post(url(world.commune_a1), {"reason": "  "}, follow=True)
    assert "Cần ghi lý do." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_the_submitter_sees_the_return_reason(client, world, draft):
    login(client, world.official_a)
    client.post(reverse("criteria:assessment_submit", args=["98101", 2027]))
    login(client, world.province_staff)
    response = client.post(url(world.commune_a1), {"reason": "Thiếu biên bản thẩm định"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    assert draft.history.first().history_user == world.province_staff
    login(client, world.official_a)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'id="return-reason"' in page and "Thiếu biên bản thẩm định" in page


def test_district_official_may_not_return(client, world, submitted):
    login(client, world.official_a)
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 403


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, submitted, persona):
    login(client, getattr(world, persona))
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 404


def test_an_approved_assessment_is_reopened_not_returned(client, world, approved):
    login(client, world.province_staff)
    response = client.post(url(world.commune_a1), {"reason": "x"}, follow=True)
    assert "Chỉ trả lại được đánh giá đã gửi duyệt." in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.APPROVED
