import datetime

import pytest
from django.urls import reverse

from tests.base import make_certification
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(world):
    return make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))


def url(cert):
    return reverse("pages:certification_revoke", args=[cert.commune.code, cert.pk])


def test_it_rejects_get(client, world, cert):
    login(client, world.province_staff)
    assert client.get(url(cert)).status_code == 405


def test_anonymous_is_sent_to_login(client, world, cert):
    assert client.post(url(cert), {"revoked_on": "2027-09-01", "reason": "x"}).status_code == 302


def test_province_staff_revoke_with_date_and_reason(client, world, cert):
    login(client, world.province_staff)
    response = client.post(url(cert), {"revoked_on": "2027-09-01", "reason": "Sai phạm hồ sơ"})
    assert response.status_code == 302
    cert.refresh_from_db()
    assert (
        cert.revoked_on == datetime.date(2027, 9, 1) and cert.revocation_reason == "Sai phạm hồ sơ"
    )
    assert cert.history.first().history_user == world.province_staff


def test_a_reason_is_required_and_the_date_must_follow_the_decision(client, world, cert):
    login(client, world.province_staff)
    response = client.post(url(cert), {"revoked_on": "2027-09-01", "reason": ""})
    assert response.status_code == 400 and "Cần ghi lý do thu hồi." in response.content.decode()
    response = client.post(url(cert), {"revoked_on": "2026-01-02", "reason": "x"})
    assert "Ngày thu hồi phải sau ngày quyết định công nhận." in response.content.decode()
    cert.refresh_from_db()
    assert cert.revoked_on is None


def test_district_official_may_not_revoke(client, world, cert):
    login(client, world.official_a)
    assert client.post(url(cert), {"revoked_on": "2027-09-01", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, cert, persona):
    login(client, getattr(world, persona))
    assert client.post(url(cert), {"revoked_on": "2027-09-01", "reason": "x"}).status_code == 404
    cert.refresh_from_db()
    assert cert.revoked_on is None


def test_a_certification_of_another_commune_is_404(client, world, cert):
    login(client, world.province_staff)
    wrong = reverse("pages:certification_revoke", args=["98102", cert.pk])
    assert client.post(wrong, {"revoked_on": "2027-09-01", "reason": "x"}).status_code == 404


def test_a_revocation_dated_9999_12_31_is_refused(client, world, cert):
    login(client, world.province_staff)
    response = client.post(url(cert), {"revoked_on": "9999-12-31", "reason": "Nhập nhầm"})
    assert response.status_code == 400
    assert "Ngày 31/12/9999 nằm ngoài thời gian của chương trình" in response.content.decode()
    cert.refresh_from_db()
    assert cert.revoked_on is None
