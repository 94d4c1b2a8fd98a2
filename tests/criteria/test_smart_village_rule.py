"""The model-commune tier may require a smart village (thôn thông minh) in force, when the
province's data says so (Province.model_tier_needs_smart_village, off by default): checked by
the one certification rule (criteria.certifications.certification_check); both worlds."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communes.models import Village, VillageRecognition
from criteria.certifications import certification_check, certification_refusal
from criteria.models import Assessment, Certification, CriteriaSet, Criterion, CriterionGroup
from criteria.services import AssessmentInput, assessment_create, assessment_save
from tests.base import make_certification

pytestmark = pytest.mark.django_db
DECISION = datetime.date(2027, 11, 20)


def model_ready(commune, standard_set):
    """A model set for 2026-2030, the commune certified advanced and its model assessment of
    2027 approved with every criterion met."""
    cset = CriteriaSet.objects.create(
        code="test-model",
        name_vi="Bộ thử kiểu mẫu",
        legal_basis="thử",
        level=CriteriaSet.Level.MODEL,
        first_year=2026,
        last_year=2030,
    )
    group = CriterionGroup.objects.create(criteria_set=cset, code="I", name_vi="Nhóm I")
    Criterion.objects.create(criteria_set=cset, group=group, number=1, name_vi="KM 1")
    make_certification(
        commune, standard_set, datetime.date(2027, 1, 10), tier=Certification.Tier.ADVANCED
    )
    assessment = assessment_create(commune=commune, year=2027, tier=Assessment.Tier.MODEL)
    flags = {c.pk: True for c in assessment.criteria_set.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED)


def smart_village(commune, decided_on, revoked_on=None):
    village = Village.objects.create(commune=commune, name="Thôn Thông Minh")
    VillageRecognition.objects.create(
        village=village,
        kind=VillageRecognition.Kind.SMART,
        decision_number="9/QĐ-UBND",
        decided_on=decided_on,
        recognised_year=decided_on.year,
        revoked_on=revoked_on,
    )


def check(commune):
    return certification_check(
        commune=commune, year=2027, tier=Certification.Tier.MODEL, decision_date=DECISION
    )


@pytest.mark.parametrize("which", ["world", "reform_world"])
def test_the_rule_is_off_unless_the_province_says_so(which, request):
    w = request.getfixturevalue(which)
    commune = w.commune_a1 if which == "world" else w.dong_tay
    model_ready(commune, w.cset)
    assert not commune.province.model_tier_needs_smart_village
    assert check(commune) is not None


@pytest.mark.parametrize("which", ["world", "reform_world"])
def test_the_province_rule_needs_a_smart_village_in_force(which, request):
    w = request.getfixturevalue(which)
    commune = w.commune_a1 if which == "world" else w.dong_tay
    model_ready(commune, w.cset)
    commune.province.model_tier_needs_smart_village = True
    commune.province.save()
    with pytest.raises(ValidationError) as refused:
        check(commune)
    assert refused.value.code == "no_smart_village"
    # Recognised after the decision's day, or revoked before it: still refused.
    smart_village(commune, datetime.date(2027, 12, 1))
    with pytest.raises(ValidationError):
        check(commune)
    smart_village(commune, datetime.date(2026, 5, 1), revoked_on=datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError):
        check(commune)
    smart_village(commune, datetime.date(2027, 5, 1))
    assert check(commune) is not None


def test_the_plain_rule_refuses_only_the_model_tier():
    values = {"status": "approved", "criteria_met": 2, "criteria_needed": 2}
    assert (
        certification_refusal(
            **values, tier="model", holds_tier_below=True, smart_village_missing=True
        )
        == "no_smart_village"
    )
    assert (
        certification_refusal(
            **values, tier="advanced", holds_tier_below=True, smart_village_missing=True
        )
        is None
    )
