import pytest
from django.urls import reverse

from criteria.models import Certification
from tests.base import make_assessment
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db

URL = reverse("pages:certification_create", args=["98101"])
DECISION = {
    "tier": "ntm",
    "decision_number": "123/QĐ-UBND",
    "decision_date": "2027-10-15",
    "authority": "Chủ tịch UBND tỉnh",
}
# The test world's communes have no dossier (tests/dossiers/test_certification_record.py).
REASON = "Hồ sơ giấy lưu tại Sở"


def test_it_rejects_get(client, world):
    login(client, world.province_staff)
    assert client.get(URL).status_code == 405


def test_anonymous_is_sent_to_login(client, world):
    assert client.post(URL, DECISION).status_code == 302
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_province_staff_certify_a_commune_meeting_all_criteria(client, world):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.province_staff)
    response = client.post(URL, DECISION | {"dossier_reason": REASON})
    assert response.status_code == 302
    cert = Certification.objects.get(commune=world.commune_a1)
    assert cert.decision_number == "123/QĐ-UBND" and cert.created_by == world.province_staff
    assert cert.history.first().history_user == world.province_staff


def test_it_is_refused_below_all_criteria_with_a_clear_message(client, world):
    make_assessment(world.commune_a1, 2027, world.cset, met=2)
    login(client, world.province_staff)
    response = client.post(URL, DECISION)
    assert response.status_code == 400
    assert "đạt 2/3 tiêu chí" in response.content.decode()
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_a_missing_field_is_shown_next_to_it(client, world):
    login(client, world.province_staff)
    response = client.post(URL, {**DECISION, "decision_number": ""})
    assert response.status_code == 400
    assert response.context["certification_form"].errors["decision_number"]


def test_district_official_may_not_certify(client, world):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.official_a)
    assert client.post(URL, DECISION).status_code == 403
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


@pytest.mark.parametrize("persona", ["official_b", "other_province_staff"])
def test_other_scopes_get_404(client, world, persona):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, getattr(world, persona))
    assert client.post(URL, DECISION).status_code == 404
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_a_decision_dated_before_the_programme_is_refused(client, world):
    login(client, world.province_staff)
    response = client.post(URL, {**DECISION, "decision_date": "2009-12-31"})
    assert response.status_code == 400
    assert "Ngày 31/12/2009 nằm ngoài thời gian của chương trình" in response.content.decode()
    assert not Certification.objects.filter(commune=world.commune_a1).exists()
