"""Issue 24, N6 and N8: every date and number of the certification, revocation and assessment
forms is bounded at the form. A far or ancient day, or a number past its column, answers 400
with a message and stores nothing (never a 500, a DataError or '503 database unavailable')."""

import datetime

import pytest
from django.urls import reverse

from criteria.forms import indicator_field
from criteria.models import Assessment, Certification
from tests.base import make_assessment, make_certification
from tests.criteria.conftest import form_data, indicators, login

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2027, 11, 2, 9, tzinfo=datetime.UTC)
TOO_BIG = "99999999999999999999"
OUTSIDE = "nằm ngoài thời gian của chương trình"


@pytest.fixture(autouse=True)
def day(time_machine):
    time_machine.move_to(DAY)


def decision(**fields):
    return {
        "tier": "ntm",
        "decision_number": "123/QĐ-UBND",
        "decision_date": "2027-10-15",
        "authority": "Chủ tịch UBND tỉnh",
        "dossier_reason": "Hồ sơ giấy",
    } | fields


CERTIFICATION_CASES = [
    ({"decision_date": "9999-12-31"}, "Ngày 31/12/9999 " + OUTSIDE),
    ({"decision_date": "0001-01-01"}, "Ngày 01/01/0001 " + OUTSIDE),
    ({"recognised_year": TOO_BIG}, "nhỏ hơn hoặc bằng với 2100"),
    ({"recognised_year": "1999"}, "lớn hơn hoặc bằng với 2010"),
]


@pytest.mark.parametrize(("fields", "message"), CERTIFICATION_CASES)
def test_a_certification_out_of_bounds_is_400_and_nothing_stored(client, world, fields, message):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.province_staff)
    url = reverse("pages:certification_create", args=[world.commune_a1.code])
    response = client.post(url, decision(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


@pytest.mark.parametrize(("fields", "message"), CERTIFICATION_CASES)
def test_after_the_reform_a_certification_out_of_bounds_is_400(
    client, reform_world, fields, message
):
    make_assessment(reform_world.dong_tay, 2027, reform_world.cset, met=10)
    login(client, reform_world.province_staff)
    url = reverse("pages:certification_create", args=[reform_world.dong_tay.code])
    response = client.post(url, decision(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Certification.objects.filter(commune=reform_world.dong_tay).exists()


@pytest.mark.parametrize("sent", ["9999-12-31", "0001-01-01", TOO_BIG])
def test_a_revocation_out_of_bounds_is_400_and_the_decision_stays(client, world, sent):
    cert = make_certification(world.commune_a1, world.cset, datetime.date(2027, 1, 15))
    login(client, world.province_staff)
    url = reverse("pages:certification_revoke", args=[world.commune_a1.code, cert.pk])
    response = client.post(url, {"revoked_on": sent, "reason": "Nhập nhầm"})
    assert response.status_code == 400
    body = response.content.decode()
    assert OUTSIDE in body or "Nhập một ngày hợp lệ." in body
    cert.refresh_from_db()
    assert cert.revoked_on is None


def test_an_assessment_sent_with_an_overflowing_version_or_value_is_400(client, world):
    draft = make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.DRAFT)
    login(client, world.province_staff)
    url = reverse("pages:assessment_edit", args=[world.commune_a1.code, 2027])
    percent = indicators(world.cset)["1.2"]
    response = client.post(url, form_data(world.cset, draft.version) | {"version": TOO_BIG})
    assert response.status_code == 400
    response = client.post(
        url, form_data(world.cset, draft.version, **{indicator_field(percent.pk, "value"): TOO_BIG})
    )
    assert response.status_code == 400
    assert response.context["form"].errors[indicator_field(percent.pk, "value")]
    assert not draft.values.filter(indicator=percent, value__isnull=False).exists()
