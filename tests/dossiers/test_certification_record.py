"""Certifying without a complete dossier asks for an explicit reason, wherever the decision is
recorded (the commune page, the dossier page, the admin): one rule,
dossiers.services.certification_dossier_check. Recording the decision completes the dossier."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from criteria.models import Certification
from dossiers import services
from dossiers.models import Dossier, Step
from tests.base import make_assessment
from tests.practices.conftest import PDF_BYTES

pytestmark = pytest.mark.django_db

YEAR = 2027
URL = reverse("pages:certification_create", args=["98101"])
DECISION = {
    "tier": "ntm",
    "decision_number": "123/QĐ-UBND",
    "decision_date": "2027-10-15",
    "authority": "Chủ tịch UBND tỉnh",
}
REASON = "Hồ sơ giấy đã đủ, đang số hóa"
STEPS = [
    ("self_assessment", datetime.date(YEAR, 8, 1), {}),
    ("posting", datetime.date(YEAR, 8, 5), {"end_on": datetime.date(YEAR, 8, 25)}),
    ("appraisal", datetime.date(YEAR, 9, 5), {}),
    ("council", datetime.date(YEAR, 9, 20), {"votes_for": 21, "votes_against": 1}),
    ("proposal", datetime.date(YEAR, 9, 25), {}),
]


def make_dossier(world, *, steps=5, year=YEAR, tier="ntm") -> Dossier:
    """Commune A1's dossier with the first `steps` steps of its procedure (all: complete),
    each with its document, dated in `year` (2026-2030: no district appraisal)."""
    dossier = Dossier.objects.create(commune=world.commune_a1, tier=tier, year=year)
    procedure = [s for s in STEPS if services.step_of(dossier, s[0]) is not None]
    for name, day, extra in procedure[:steps]:
        dates = {k: v.replace(year=year) for k, v in extra.items() if k == "end_on"}
        services.step_record(
            dossier=dossier,
            step=name,
            done_on=day.replace(year=year),
            user=world.province_staff,
            upload=SimpleUploadedFile(f"{name}.pdf", PDF_BYTES, content_type="application/pdf"),
            **(extra | dates),
        )
    return dossier


@pytest.fixture
def eligible(world):
    make_assessment(world.commune_a1, YEAR, world.cset, met=3)
    return world


def test_without_a_dossier_the_commune_page_asks_for_a_reason(client, eligible):
    client.force_login(eligible.province_staff)
    response = client.post(URL, DECISION)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Hồ sơ chưa đủ; cần ghi lý do công nhận khi hồ sơ chưa đủ." in body
    assert "Chưa lập hồ sơ xét công nhận (hạng Đạt chuẩn NTM, năm 2027)." in body
    assert not Certification.objects.filter(commune=eligible.commune_a1).exists()

    response = client.post(URL, DECISION | {"dossier_reason": f"  {REASON} "})
    assert response.status_code == 302
    cert = Certification.objects.get(commune=eligible.commune_a1)
    assert cert.dossier_reason == REASON
    page = client.get(eligible.commune_a1.get_absolute_url()).content.decode()
    assert f'Công nhận khi hồ sơ chưa đủ, lý do: <span class="text-prewrap">{REASON}' in page


def test_an_incomplete_dossier_needs_a_reason_and_is_completed_by_the_decision(client, eligible):
    dossier = make_dossier(eligible, steps=2)  # no council vote, no proposal
    client.force_login(eligible.province_staff)
    response = client.post(URL, DECISION | {"dossier_reason": "   "})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Chưa ghi bước: Hội đồng thẩm định tỉnh biểu quyết." in body
    assert "Chưa ghi bước: Tờ trình đề nghị công nhận." in body
    assert not Certification.objects.filter(commune=eligible.commune_a1).exists()
    assert client.post(URL, DECISION | {"dossier_reason": REASON}).status_code == 302
    dossier.refresh_from_db()
    cert = Certification.objects.get(commune=eligible.commune_a1)
    assert cert.dossier_reason == REASON
    assert dossier.is_complete and dossier.certification == cert
    decision = dossier.steps.get(step=Step.DECISION)
    assert (decision.done_on, decision.note) == (datetime.date(YEAR, 10, 15), "123/QĐ-UBND")
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "data-complete" in page and REASON in page


def test_a_complete_dossier_needs_no_reason(client, eligible):
    dossier = make_dossier(eligible)
    client.force_login(eligible.province_staff)
    # A reason given all the same is not kept: there was nothing to explain.
    response = client.post(URL, DECISION | {"dossier_reason": "không cần"})
    assert response.status_code == 302
    cert = Certification.objects.get(commune=eligible.commune_a1)
    assert cert.dossier_reason == ""
    dossier.refresh_from_db()
    assert dossier.is_complete and dossier.certification == cert
    assert "data-dossier-reason" not in client.get(dossier.get_absolute_url()).content.decode()


def test_the_dossier_of_another_year_or_tier_does_not_count(eligible):
    make_dossier(eligible, year=YEAR - 1)
    make_dossier(eligible, tier="advanced")
    with pytest.raises(ValidationError) as exc:
        services.certification_record(
            commune=eligible.commune_a1,
            tier="ntm",
            decision_number="1/QĐ",
            decision_date=datetime.date(YEAR, 10, 15),
            authority="UBND",
            user=eligible.province_staff,
        )
    assert exc.value.code == "reason_required"
    assert "Chưa lập hồ sơ" in exc.value.messages[0]


def test_a_commune_that_may_not_be_certified_is_told_why_first(client, world):
    make_assessment(world.commune_a1, YEAR, world.cset, met=2)
    client.force_login(world.province_staff)
    response = client.post(URL, DECISION)
    assert response.status_code == 400
    body = response.content.decode()
    assert "đạt 2/3 tiêu chí" in body and "Hồ sơ chưa đủ; cần ghi lý do" not in body


def test_the_recognised_year_names_the_dossier(world):
    """A decision of January recognising the year before completes that year's dossier."""
    year = YEAR - 1  # decisions may not be dated after next year
    make_assessment(world.commune_a1, year, world.cset, met=3)
    dossier = make_dossier(world, year=year)
    cert = services.certification_record(
        commune=world.commune_a1,
        tier="ntm",
        decision_number="2/QĐ",
        decision_date=datetime.date(year + 1, 1, 10),
        recognised_year=year,
        authority="UBND",
        user=world.province_staff,
    )
    dossier.refresh_from_db()
    assert dossier.certification == cert and cert.dossier_reason == ""


def _admin_data(world, **extra) -> dict:
    return {
        "commune": world.commune_a1.pk,
        "kind": "assessment",
        "tier": "ntm",
        "criteria_set": world.cset.pk,
        "decision_number": "77/QĐ-UBND",
        "decision_date": "2027-10-15",
        "authority": "Chủ tịch UBND tỉnh",
        **extra,
    }


def test_the_admin_asks_for_the_reason_too_and_completes_the_dossier(client, eligible):
    dossier = make_dossier(eligible, steps=1)
    client.force_login(eligible.admin)
    url = reverse("admin:criteria_certification_add")
    response = client.post(url, _admin_data(eligible))
    assert response.status_code == 200  # the form again, with the error on the reason
    assert response.context["adminform"].form.errors["dossier_reason"]
    assert not Certification.objects.filter(commune=eligible.commune_a1).exists()
    response = client.post(url, _admin_data(eligible, dossier_reason=REASON))
    assert response.status_code == 302
    cert = Certification.objects.get(decision_number="77/QĐ-UBND")
    assert cert.dossier_reason == REASON
    dossier.refresh_from_db()
    assert dossier.is_complete and dossier.certification == cert


def test_the_admin_needs_no_reason_with_a_complete_dossier(client, eligible):
    make_dossier(eligible)
    client.force_login(eligible.admin)
    response = client.post(reverse("admin:criteria_certification_add"), _admin_data(eligible))
    assert response.status_code == 302
    assert Certification.objects.get(decision_number="77/QĐ-UBND").dossier_reason == ""
