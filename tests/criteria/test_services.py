import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from communes.models import Commune
from criteria import certifications, services
from criteria.evaluation import Catalogue, IndicatorEntry
from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue
from criteria.services import AssessmentInput
from tests.base import make_assessment, make_certification, make_commune

pytestmark = pytest.mark.django_db


def consistent(assessment: Assessment) -> bool:
    assessment.refresh_from_db()
    results = CriterionResult.objects.filter(assessment=assessment)
    if assessment.criteria_met != results.filter(met=True).count():
        return False
    for r in results.select_related("criterion"):
        values = IndicatorValue.objects.filter(
            assessment=assessment, indicator__criterion=r.criterion
        )
        if values.exists() and r.met != all(v.met is True for v in values):
            return False
    return True


def entries_for(cset, *, percent=None, booleans=()):
    out = {}
    for ind in (i for c in cset.criteria.all() for i in c.indicators.all()):
        if ind.kind == "boolean":
            out[ind.pk] = IndicatorEntry(met=ind.criterion.number in booleans)
        elif percent is not None:
            out[ind.pk] = IndicatorEntry(value=D(percent))
    return out


def test_criteria_met_follows_indicator_values(world):
    a = services.assessment_create(commune=world.commune_a1, year=2027)
    services.assessment_save(
        assessment=a, data=AssessmentInput(entries_for(world.cset, percent=75, booleans=(1, 2)))
    )
    assert a.criteria_met == 2 and consistent(a)
    # Lowering the percent below the regional 70% flips criterion 1.
    services.assessment_save(
        assessment=a, data=AssessmentInput(entries_for(world.cset, percent=65, booleans=(1, 2)))
    )
    assert a.criteria_met == 1 and consistent(a)


def test_criteria_met_follows_criterion_flags_without_indicators(world):
    a = make_assessment(world.commune_a1, 2027, world.cset, met=3)
    assert a.criteria_met == 3 and consistent(a)


def test_criteria_met_follows_bulk_creation(world):
    catalogue = Catalogue.load(world.cset)
    rows = [
        (
            c,
            2028,
            Assessment.Status.APPROVED,
            AssessmentInput(entries_for(world.cset, percent=p, booleans=(1, 3))),
        )
        for c, p in [(world.commune_a1, 90), (world.commune_a2, 10)]
    ]
    created = services.assessments_bulk_create(rows=rows, catalogue=catalogue)
    assert [a.criteria_met for a in created] == [2, 1]
    assert all(consistent(a) for a in created)


def test_a_manual_decision_counts_when_no_threshold_is_known(world):
    a = services.assessment_create(commune=world.commune_a1, year=2027)
    percent = world.cset.criteria.get(number=1).indicators.get(code="1.2")
    percent.thresholds.update(value=None, status="unknown")
    entries = entries_for(world.cset, booleans=(1,))
    entries[percent.pk] = IndicatorEntry(D(50), met=True, manual_reason="Theo hướng dẫn tỉnh")
    services.assessment_save(assessment=a, data=AssessmentInput(entries))
    assert a.criteria_met == 1 and consistent(a)
    value = IndicatorValue.objects.get(assessment=a, indicator=percent)
    assert value.manual and value.manual_reason == "Theo hướng dẫn tỉnh"


def test_bad_values_change_nothing(world):
    a = services.assessment_create(commune=world.commune_a1, year=2027)
    with pytest.raises(ValidationError) as exc:
        services.assessment_save(
            assessment=a, data=AssessmentInput(entries_for(world.cset, percent=120, booleans=(1,)))
        )
    assert "1.2" in exc.value.message_dict
    assert not IndicatorValue.objects.filter(assessment=a).exists()
    assert Assessment.objects.get(pk=a.pk).version == 1


def test_a_stale_save_is_refused(world):
    a = services.assessment_create(commune=world.commune_a1, year=2027)
    opened = a.version
    services.assessment_save(
        assessment=a,
        data=AssessmentInput(entries_for(world.cset, percent=90)),
        expected_version=opened,
    )
    with pytest.raises(services.StaleAssessment):
        services.assessment_save(
            assessment=a,
            data=AssessmentInput(entries_for(world.cset, percent=10)),
            expected_version=opened,
        )
    assert IndicatorValue.objects.get(assessment=a, indicator__code="1.2").value == D(90)


def test_an_approved_assessment_is_locked(world):
    a = make_assessment(world.commune_a1, 2027, world.cset, met=1)
    with pytest.raises(ValidationError):
        services.assessment_save(assessment=a, data=AssessmentInput({}, {}))


def test_workflow_transitions(world):
    a = make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.DRAFT)
    services.assessment_submit(assessment=a, user=world.official_a)
    with pytest.raises(ValidationError):
        services.assessment_submit(assessment=a, user=world.official_a)
    with pytest.raises(ValidationError):
        services.assessment_return(assessment=a, user=world.province_staff, reason=" ")
    a = services.assessment_return(
        assessment=a, user=world.province_staff, reason="Thiếu minh chứng"
    )
    assert a.status == "draft" and a.return_reason == "Thiếu minh chứng"
    services.assessment_submit(assessment=a, user=world.official_a)
    a = services.assessment_approve(assessment=a, user=world.province_staff)
    assert a.status == "approved" and a.approved_by == world.province_staff
    assert a.history.count() >= 4


def test_certification_is_refused_below_all_criteria(world):
    make_assessment(world.commune_a1, 2027, world.cset, met=2)
    with pytest.raises(ValidationError) as exc:
        certifications.certification_create(
            commune=world.commune_a1,
            tier=Certification.Tier.NTM,
            decision_number="10/QĐ-UBND",
            decision_date=datetime.date(2027, 11, 1),
            authority="Chủ tịch UBND tỉnh",
        )
    assert "2/3" in exc.value.messages[0]
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_certification_needs_an_approved_assessment(world):
    make_assessment(world.commune_a1, 2027, world.cset, met=3, status=Assessment.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="phê duyệt"):
        certifications.certification_create(
            commune=world.commune_a1,
            tier=Certification.Tier.NTM,
            decision_number="10/QĐ-UBND",
            decision_date=datetime.date(2027, 11, 1),
            authority="Chủ tịch UBND tỉnh",
        )


def test_certification_and_revocation(world):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    cert = certifications.certification_create(
        commune=world.commune_a1,
        tier=Certification.Tier.NTM,
        decision_number="10/QĐ-UBND",
        decision_date=datetime.date(2027, 11, 1),
        authority="Chủ tịch UBND tỉnh",
        user=world.province_staff,
    )
    with pytest.raises(ValidationError):
        certifications.certification_revoke(
            certification=cert, revoked_on=datetime.date(2027, 1, 1), reason="x"
        )
    certifications.certification_revoke(
        certification=cert, revoked_on=datetime.date(2027, 12, 15), reason="Không duy trì tiêu chí"
    )
    assert (
        Certification.objects.in_force_on(datetime.date(2027, 12, 14)).filter(pk=cert.pk).exists()
    )
    assert (
        not Certification.objects.in_force_on(datetime.date(2027, 12, 31))
        .filter(pk=cert.pk)
        .exists()
    )
    assert cert.history.count() == 2


def test_a_unit_outside_the_programme_cannot_be_assessed(world):
    ward = make_commune(world.district_a, "98109", "Chín", kind=Commune.Kind.WARD)
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(commune=ward, year=2027)
    assert refused.value.messages == ["Phường Chín (98109) không thuộc chương trình nông thôn mới."]
    assert not Assessment.objects.filter(commune=ward).exists()


def test_programme_dates_run_from_2010_to_the_end_of_next_year(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 10, tzinfo=datetime.UTC))
    last = datetime.date(2027, 12, 31)
    for accepted in (datetime.date(2010, 1, 1), datetime.date(2018, 6, 30), last):
        certifications.validate_programme_date(accepted)
    for refused in (datetime.date(2009, 12, 31), last + datetime.timedelta(days=1)):
        with pytest.raises(ValidationError) as error:
            certifications.validate_programme_date(refused)
        assert error.value.code == "date_outside_programme"


def test_a_decision_before_the_programme_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        certifications.certification_create(
            commune=world.commune_a1,
            tier=Certification.Tier.NTM,
            decision_number="1/QĐ-UBND",
            decision_date=datetime.date(2009, 12, 31),
            authority="Chủ tịch UBND tỉnh",
        )
    assert refused.value.code == "date_outside_programme"
    assert "31/12/2009" in refused.value.messages[0]
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_a_revocation_dated_9999_is_refused(world):
    cert = make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    with pytest.raises(ValidationError) as refused:
        certifications.certification_revoke(
            certification=cert, revoked_on=datetime.date(9999, 12, 31), reason="Nhập nhầm"
        )
    assert refused.value.code == "date_outside_programme"
    cert.refresh_from_db()
    assert cert.revoked_on is None and cert.revocation_reason == ""
