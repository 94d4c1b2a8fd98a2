"""Tiers with their own sets and assessments: a standard and an advanced assessment of one
commune in one year; certifying at a tier checks that tier's approved assessment and the
commune's standard certification; the 18/2022 conditions are recorded on the decision."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from criteria.certifications import certification_create
from criteria.models import Assessment, Certification, CriteriaSet, Criterion, CriterionGroup
from criteria.services import AssessmentInput, assessment_create, assessment_save
from tests.base import make_assessment, make_certification

pytestmark = pytest.mark.django_db

DECISION = datetime.date(2027, 11, 20)


def make_advanced_set(criteria: int = 2) -> CriteriaSet:
    cset = CriteriaSet.objects.create(
        code="test-advanced",
        name_vi="Bộ thử nâng cao",
        legal_basis="thử",
        level=CriteriaSet.Level.ADVANCED,
        first_year=2026,
        last_year=2030,
    )
    group = CriterionGroup.objects.create(criteria_set=cset, code="I", name_vi="Nhóm I")
    for n in range(1, criteria + 1):
        Criterion.objects.create(criteria_set=cset, group=group, number=n, name_vi=f"NC {n}")
    return cset


def advanced_assessment(commune, met: int, status=Assessment.Status.APPROVED) -> Assessment:
    assessment = assessment_create(commune=commune, year=2027, tier=Assessment.Tier.ADVANCED)
    flags = {c.pk: c.number <= met for c in assessment.criteria_set.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    return assessment


def certify_advanced(commune, **conditions):
    return certification_create(
        commune=commune,
        tier=Certification.Tier.ADVANCED,
        decision_number="77/QĐ-UBND",
        decision_date=DECISION,
        authority="Chủ tịch UBND tỉnh",
        conditions=conditions,
    )


def test_a_standard_and_an_advanced_assessment_of_one_commune_in_one_year(world):
    advanced_set = make_advanced_set()
    standard = make_assessment(world.commune_a1, 2027, world.cset, met=3)
    advanced = advanced_assessment(world.commune_a1, met=1)
    assert (standard.tier, standard.criteria_set) == ("ntm", world.cset)
    assert (advanced.tier, advanced.criteria_set) == ("advanced", advanced_set)
    # Still one per commune, year and tier.
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            commune=world.commune_a1, year=2027, criteria_set=advanced_set, tier="advanced"
        )
    # The standard figures read the standard assessment only.
    assert Assessment.objects.standard().get(commune=world.commune_a1, year=2027) == standard


def test_an_advanced_certification_is_refused_without_a_met_advanced_assessment(world):
    make_advanced_set()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)  # the standard set, all met
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as none:
        certify_advanced(world.commune_a1)
    assert none.value.code == "no_approved_assessment"
    advanced_assessment(world.commune_a1, met=1)
    with pytest.raises(ValidationError) as short:
        certify_advanced(world.commune_a1)
    assert short.value.code == "criteria_not_all_met"
    assert not world.commune_a1.certifications.filter(tier="advanced").exists()


def test_an_advanced_certification_needs_the_standard_certification(world):
    make_advanced_set()
    advanced_assessment(world.commune_a1, met=2)
    with pytest.raises(ValidationError) as refused:
        certify_advanced(world.commune_a1)
    assert refused.value.code == "no_standard_certification"


def test_the_18_2022_conditions_are_recorded_and_a_failed_one_refuses(world):
    make_advanced_set()
    advanced_assessment(world.commune_a1, met=2)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as refused:
        certify_advanced(world.commune_a1, security_stable=False, security_note="Điểm nóng")
    assert refused.value.code == "condition_not_met"
    cert = certify_advanced(
        world.commune_a1,
        satisfaction_met=True,
        satisfaction_note="Phiếu lấy ý kiến: 96% hài lòng",
        no_construction_debt=True,
        construction_debt_note="Báo cáo của Sở Tài chính",
    )
    cert.refresh_from_db()
    assert (cert.tier, cert.criteria_set.code) == ("advanced", "test-advanced")
    assert cert.criteria_all_met is True  # checked by the rule
    assert (cert.satisfaction_met, cert.satisfaction_note) == (
        True,
        "Phiếu lấy ý kiến: 96% hài lòng",
    )
    assert cert.no_construction_debt is True
    assert cert.security_stable is None  # not recorded


def test_an_empty_tier_set_is_never_met(world):
    """318 Phụ lục II is loaded empty: no advanced recognition passes until it has criteria."""
    make_advanced_set(criteria=0)
    advanced_assessment(world.commune_a1, met=0)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as refused:
        certify_advanced(world.commune_a1)
    assert refused.value.code == "empty_criteria_set"


def test_the_tier_sets_are_loaded_as_far_as_the_reference_knows_them():
    advanced = CriteriaSet.objects.get(code="xa-ntm-nang-cao-2021-2025")
    assert advanced.level == CriteriaSet.Level.ADVANCED
    assert advanced.legal_basis.startswith("Quyết định 318/QĐ-TTg, Phụ lục II")
    assert advanced.effective_from == datetime.date(2022, 3, 8)
    assert not advanced.criteria.exists()  # names and numbering unconfirmed: editable, empty
    model = CriteriaSet.objects.get(code="xa-ntm-kieu-mau-2021-2025")
    assert model.level == CriteriaSet.Level.MODEL
    assert model.criteria.count() == 4
    assert all(c.whole_reason and not c.name_confirmed for c in model.criteria.all())
    earlier = CriteriaSet.objects.get(code="xa-ntm-kieu-mau-2018-2020")
    assert (earlier.legal_basis, earlier.first_year, earlier.last_year) == (
        "Quyết định 691/QĐ-TTg",
        2018,
        2020,
    )
    assert list(CriteriaSet.objects.for_year(2019, CriteriaSet.Level.MODEL)) == [earlier]
    assert list(CriteriaSet.objects.for_year(2023, CriteriaSet.Level.ADVANCED)) == [advanced]


# --- The modern pilot (51/2025/QĐ-TTg, Phụ lục II) ------------------------------------------


def give_the_modern_set_criteria(criteria: int = 2) -> CriteriaSet:
    """The loaded pilot set is empty (its content is not known): an administrator adds
    criteria, as this does."""
    cset = CriteriaSet.objects.get(code="xa-ntm-hien-dai-2026-2030")
    group = CriterionGroup.objects.create(criteria_set=cset, code="I", name_vi="Nhóm I")
    for n in range(1, criteria + 1):
        Criterion.objects.create(criteria_set=cset, group=group, number=n, name_vi=f"HĐ {n}")
    return cset


def modern_assessment(commune, met: int, status=Assessment.Status.APPROVED) -> Assessment:
    assessment = assessment_create(commune=commune, year=2027, tier=Assessment.Tier.MODERN)
    flags = {c.pk: c.number <= met for c in assessment.criteria_set.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    return assessment


def certify_modern(commune):
    return certification_create(
        commune=commune,
        tier=Certification.Tier.MODERN,
        decision_number="88/QĐ-UBND",
        decision_date=DECISION,
        authority="Chủ tịch UBND tỉnh",
    )


def test_a_modern_assessment_is_made_under_the_pilot_set(world):
    cset = give_the_modern_set_criteria()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    modern = modern_assessment(world.commune_a1, met=1)
    assert (modern.tier, modern.criteria_set) == ("modern", cset)
    assert cset.legal_basis.startswith("Quyết định 51/2025/QĐ-TTg, Phụ lục II")
    # The standard figures still read the standard assessment only.
    assert Assessment.objects.standard().get(commune=world.commune_a1, year=2027).tier == "ntm"


def test_a_modern_certification_is_refused_without_a_met_modern_assessment(world):
    give_the_modern_set_criteria()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)  # the standard set, all met
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as none:
        certify_modern(world.commune_a1)
    assert none.value.code == "no_approved_assessment"
    assert "Đạt chuẩn NTM hiện đại (thí điểm)" in none.value.messages[0]
    draft = modern_assessment(world.commune_a1, met=2, status=Assessment.Status.SUBMITTED)
    with pytest.raises(ValidationError) as unapproved:
        certify_modern(world.commune_a1)
    assert unapproved.value.code == "no_approved_assessment"
    draft.delete()
    modern_assessment(world.commune_a1, met=1)
    with pytest.raises(ValidationError) as short:
        certify_modern(world.commune_a1)
    assert short.value.code == "criteria_not_all_met"
    assert not Certification.objects.filter(tier="modern").exists()


def test_a_modern_certification_needs_the_standard_certification_in_force(world):
    give_the_modern_set_criteria()
    modern_assessment(world.commune_a1, met=2)
    with pytest.raises(ValidationError) as refused:
        certify_modern(world.commune_a1)
    assert refused.value.code == "no_standard_certification"
    # A standard decision dated after the modern one does not count either.
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 12, 1))
    with pytest.raises(ValidationError) as later:
        certify_modern(world.commune_a1)
    assert later.value.code == "no_standard_certification"


def test_a_modern_certification_is_accepted_with_a_met_modern_assessment(world):
    cset = give_the_modern_set_criteria()
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    modern_assessment(world.commune_a1, met=2)
    cert = certify_modern(world.commune_a1)
    cert.refresh_from_db()
    assert (cert.tier, cert.criteria_set, cert.recognised_year) == ("modern", cset, 2027)
    assert cert.get_tier_display() == "Đạt chuẩn NTM hiện đại (thí điểm)"


def test_the_empty_pilot_set_is_never_met(world):
    """As loaded (no criteria known yet), no modern recognition passes."""
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    modern_assessment(world.commune_a1, met=0)
    with pytest.raises(ValidationError) as refused:
        certify_modern(world.commune_a1)
    assert refused.value.code == "empty_criteria_set"
