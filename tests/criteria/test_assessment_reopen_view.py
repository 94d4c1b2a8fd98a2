import pytest
from django.urls import reverse

from criteria.models import Assessment
from tests.criteria.conftest import form_data, login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("criteria:assessment_reopen", args=[commune.code, year])


def test_it_rejects_get(client, world, approved):
    login(client, world.province_staff)
    assert client.get(url(world.commune_a1)).status_code == 405


def test_anonymous_is_sent_to_login(client, world, approved):
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 302
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.APPROVED


def test_province_staff_reopen_with_a_reason_then_edit(client, world, approved):
    login(client, world.province_staff)
    assert client.post(url(world.commune_a1), {"reason": ""}).status_code == 302
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.APPROVED
    client.post(url(world.commune_a1), {"reason": "Sai số liệu tiêu chí 3"})
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.DRAFT and approved.approved_by is None
    assert approved.return_reason == "Sai số liệu tiêu chí 3"
    assert approved.history.first().history_user == world.province_staff
    data = form_data(world.cset, approved.version, {"1.1": "1", "1.2": "90"})
    assert client.post(approved.get_absolute_url(), data).status_code == 302
    approved.refresh_from_db()
    assert approved.criteria_met == 1


def test_district_official_may_not_reopen(client, world, approved):
    login(client, world.official_a)
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 403
    approved.refresh_from_db()
    assert approved.status == Assessment.Status.APPROVED


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, approved, persona):
    login(client, getattr(world, persona))
    assert client.post(url(world.commune_a1), {"reason": "x"}).status_code == 404


def test_only_an_approved_assessment_can_be_reopened(client, world, submitted):
    login(client, world.province_staff)
    response = client.post(url(world.commune_a1), {"reason": "x"}, follow=True)
    assert "Chỉ mở lại được đánh giá đã phê duyệt." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED
