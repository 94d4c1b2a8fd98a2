"""One entry point records a certification decision on an assessment:
dossiers.services.certification_record (the certification rule, then the dossier rule: a
complete dossier or a reason). The commune page, the dossier page, the admin and the workbook
import all go through it: each refuses an incomplete dossier without a reason, keeps the reason
given, and writes the decision's history with the user who recorded it."""

from unittest import mock

import pytest
from django.urls import reverse

from criteria.models import Certification
from dossiers import services
from imports.services import import_assessments
from tests.base import make_assessment
from tests.dossiers.test_certification_record import DECISION, REASON, YEAR, make_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def eligible(world):
    make_assessment(world.commune_a1, YEAR, world.cset, met=3)
    return world


@pytest.fixture
def entry_point():
    """A spy on the entry point, wherever the caller took it from."""
    spy = mock.Mock(wraps=services.certification_record)
    with (
        mock.patch("dossiers.services.certification_record", spy),
        mock.patch("imports.services.certification_record", spy),
    ):
        yield spy


def assert_recorded_by(user, *, reason: str) -> Certification:
    cert = Certification.objects.get(commune__code="98101")
    assert cert.dossier_reason == reason
    created = cert.history.get(history_type="+")
    assert created.history_user == user
    assert created.dossier_reason == reason
    return cert


def test_the_commune_page_records_through_the_entry_point(client, eligible, entry_point):
    make_dossier(eligible, steps=2)
    client.force_login(eligible.province_staff)
    url = reverse("pages:certification_create", args=[eligible.commune_a1.code])
    assert client.post(url, DECISION).status_code == 400
    assert not Certification.objects.filter(commune__code="98101").exists()
    assert client.post(url, DECISION | {"dossier_reason": REASON}).status_code == 302
    assert entry_point.call_count == 2
    assert_recorded_by(eligible.province_staff, reason=REASON)


def test_the_dossier_page_records_through_the_entry_point(client, eligible, entry_point):
    dossier = make_dossier(eligible, steps=2)
    client.force_login(eligible.province_staff)
    url = reverse("dossiers:dossier_decide", args=[dossier.pk])
    decision = {k: v for k, v in DECISION.items() if k != "tier"}
    assert client.post(url, decision).status_code == 400
    assert not Certification.objects.filter(commune__code="98101").exists()
    assert client.post(url, decision | {"reason": REASON}).status_code == 302
    assert entry_point.call_count == 2
    cert = assert_recorded_by(eligible.province_staff, reason=REASON)
    dossier.refresh_from_db()
    assert dossier.certification == cert


def test_the_admin_records_through_the_entry_point(client, eligible, entry_point):
    dossier = make_dossier(eligible, steps=2)
    client.force_login(eligible.admin)
    url = reverse("admin:criteria_certification_add")
    data = {
        "commune": eligible.commune_a1.pk,
        "kind": "assessment",
        "tier": "ntm",
        "criteria_set": eligible.cset.pk,
        "decision_number": "77/QĐ-UBND",
        "decision_date": f"{YEAR}-10-15",
        "authority": "Chủ tịch UBND tỉnh",
    }
    response = client.post(url, data)
    assert response.context["adminform"].form.errors["dossier_reason"]
    assert not Certification.objects.filter(commune__code="98101").exists()
    assert client.post(url, data | {"dossier_reason": REASON}).status_code == 302
    entry_point.assert_called_once()
    cert = assert_recorded_by(eligible.admin, reason=REASON)
    assert cert.created_by == eligible.admin
    dossier.refresh_from_db()
    assert dossier.certification == cert


def test_the_admin_refuses_a_condition_recorded_as_not_met(client, eligible):
    make_dossier(eligible)
    client.force_login(eligible.admin)
    data = {
        "commune": eligible.commune_a1.pk,
        "kind": "assessment",
        "tier": "ntm",
        "criteria_set": eligible.cset.pk,
        "decision_number": "77/QĐ-UBND",
        "decision_date": f"{YEAR}-10-15",
        "authority": "Chủ tịch UBND tỉnh",
        "security_stable": "false",
    }
    response = client.post(reverse("admin:criteria_certification_add"), data)
    assert response.status_code == 200
    assert "điều kiện ghi là chưa đạt" in response.content.decode()
    assert not Certification.objects.filter(commune__code="98101").exists()


def test_the_import_records_through_the_entry_point(eligible, entry_point):
    make_dossier(eligible, steps=2)
    row = {"Mã xã": "98101", "Năm": YEAR, "TC1": "x", "TC2": "x", "TC3": "x"}
    row |= {"Số QĐ công nhận": "88/QĐ-UBND", "Ngày công nhận": f"20/11/{YEAR}"}
    report = import_assessments(rows=[row], user=eligible.province_staff, dry_run=False)
    assert [e.code for e in report.errors] == ["reason_required"]
    assert not Certification.objects.filter(commune__code="98101").exists()
    row |= {"Lý do công nhận khi hồ sơ chưa đủ": REASON}
    report = import_assessments(rows=[row], user=eligible.province_staff, dry_run=False)
    assert report.ok, report.lines()[:3]
    entry_point.assert_called_once()
    assert_recorded_by(eligible.province_staff, reason=REASON)
