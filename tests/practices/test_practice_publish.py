import pytest
from django.urls import reverse

from practices.models import Practice
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db


def url(practice, action="publish"):
    return reverse(f"practices:practice_{action}", args=[practice.pk])


@pytest.fixture
def proposal(world):
    return make_practice(
        world.province,
        "Đề xuất",
        status="draft",
        district=world.district_a,
        created_by=world.official_a,
    )


def test_it_rejects_get(client, world, proposal):
    client.force_login(world.province_staff)
    assert client.get(url(proposal)).status_code == 405
    assert client.get(url(proposal, "unpublish")).status_code == 405
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_province_staff_publish_a_district_proposal(client, world, proposal):
    client.force_login(world.province_staff)
    response = client.post(url(proposal))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "published"
    assert proposal.published_by == world.province_staff and proposal.published_at is not None


def test_publishing_twice_says_so(client, world, proposal):
    client.force_login(world.province_staff)
    client.post(url(proposal))
    response = client.post(url(proposal), follow=True)
    assert "Mô hình này đã được công bố." in response.content.decode()


def test_district_official_cannot_publish(client, world, proposal):
    client.force_login(world.official_a)
    assert client.post(url(proposal)).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "draft"


def test_other_province_gets_404(client, world, proposal):
    client.force_login(world.other_province_staff)
    assert client.post(url(proposal)).status_code == 404


def test_unpublish_returns_it_to_draft(client, world, proposal):
    client.force_login(world.province_staff)
    client.post(url(proposal))
    client.post(url(proposal, "unpublish"))
    proposal.refresh_from_db()
    assert (proposal.status, proposal.published_at) == (Practice.Status.DRAFT, None)
