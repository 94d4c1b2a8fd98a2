"""The assessment services ask accounts.roles again (defence in depth): a page that forgot to
ask, an admin action or a script cannot move an assessment for a user the rule refuses."""

import pytest
from django.core.exceptions import PermissionDenied

from criteria import services
from criteria.models import Assessment
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db


def test_another_districts_official_cannot_submit(world):
    draft = make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(assessment=draft, user=world.official_b)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT
    services.assessment_submit(assessment=draft, user=world.official_a)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED


def test_the_commune_official_cannot_approve_return_or_reopen(world):
    submitted = make_assessment(
        world.commune_a1, 2027, world.cset, status=Assessment.Status.SUBMITTED
    )
    user = world.commune_official
    with pytest.raises(PermissionDenied):
        services.assessment_approve(assessment=submitted, user=user)
    with pytest.raises(PermissionDenied):
        services.assessment_return(assessment=submitted, user=user, reason="Thiếu")
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_former_district_official_cannot_submit_its_history(reform_world):
    w = reform_world
    cset = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    draft = make_assessment(w.old_dong, 2024, cset, status=Assessment.Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.assessment_submit(assessment=draft, user=w.former_district_official)
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.DRAFT


def test_the_certification_services_ask_the_policy_again(world):
    """Defence in depth: a decision or a revocation by a user the policy refuses raises, even
    when called past the page (the commune official of A1 on its own commune)."""
    import datetime

    from django.core.exceptions import PermissionDenied

    from criteria.certifications import certification_create, certification_revoke
    from criteria.models import Certification
    from tests.base import make_assessment, make_certification

    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    with pytest.raises(PermissionDenied):
        certification_create(
            commune=world.commune_a1,
            tier="ntm",
            decision_number="1/QĐ",
            decision_date=datetime.date(2027, 11, 1),
            authority="UBND tỉnh",
            user=world.commune_official,
            dossier_reason="Thử",
        )
    assert not Certification.objects.filter(commune=world.commune_a1).exists()
    certification = make_certification(world.commune_a1, world.cset, datetime.date(2027, 11, 1))
    with pytest.raises(PermissionDenied):
        certification_revoke(
            certification=certification,
            revoked_on=datetime.date(2027, 12, 1),
            reason="Thử",
            user=world.official_a,
        )
    certification.refresh_from_db()
    assert certification.revoked_on is None
