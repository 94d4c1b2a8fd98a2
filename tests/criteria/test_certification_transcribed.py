"""A decision issued outside the app whose assessment the app does not hold (Lạng Sơn's 99, 103
and 105/QĐ-UBND of 26/01/2023): a certification of kind "transcribed", recorded with the legal
basis of its set and the reason it has no assessment, through the rule of every decision."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from communes.models import Commune
from criteria.certifications import certification_transcribe
from criteria.models import Certification, CriteriaSet
from dossiers.admin import CertificationAdminForm
from reports.figures import report_figures
from tests.base import make_certification

pytestmark = pytest.mark.django_db

DECISION = datetime.date(2027, 11, 20)
BASIS = "Quyết định thử/QĐ-TTg, Phụ lục II"
REASON = "Hồ sơ đánh giá do tỉnh lưu, không nhập vào ứng dụng."


def make_tier_set(level: str, code: str) -> CriteriaSet:
    """A set of `level` for 2026-2030 with no criteria loaded (as 318 Phụ lục II is)."""
    return CriteriaSet.objects.create(
        code=code, name_vi=code, legal_basis=BASIS, level=level, first_year=2026, last_year=2030
    )


def transcribe(commune, cset, **kwargs):
    values = {
        "commune": commune,
        "tier": Certification.Tier.ADVANCED,
        "criteria_set": cset,
        "decision_number": "103/QĐ-UBND",
        "decision_date": DECISION,
        "recognised_year": 2027,
        "authority": "UBND tỉnh",
        "basis": BASIS,
        "no_assessment_reason": REASON,
    }
    return certification_transcribe(**values | kwargs)


def form_data(commune, cset, **kwargs) -> dict:
    return {
        "commune": commune.pk,
        "kind": Certification.Kind.TRANSCRIBED,
        "basis": BASIS,
        "no_assessment_reason": REASON,
        "tier": Certification.Tier.ADVANCED,
        "criteria_set": cset.pk,
        "decision_number": "103/QĐ-UBND",
        "decision_date": DECISION.isoformat(),
        "recognised_year": 2027,
        "authority": "UBND tỉnh",
    } | kwargs


@pytest.fixture
def advanced_set(db):
    return make_tier_set(CriteriaSet.Level.ADVANCED, "test-advanced")


def test_it_records_an_advanced_decision_without_an_assessment(world, advanced_set):
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    cert = transcribe(world.commune_a1, advanced_set, user=world.province_staff)
    assert cert.kind == Certification.Kind.TRANSCRIBED
    assert (cert.tier, cert.criteria_set, cert.recognised_year) == ("advanced", advanced_set, 2027)
    assert not world.commune_a1.assessments.filter(tier="advanced").exists()


def test_it_records_one_after_the_reform(reform_world, advanced_set):
    make_certification(reform_world.dong_tay, reform_world.cset, datetime.date(2026, 6, 1))
    cert = transcribe(reform_world.dong_tay, advanced_set)
    assert reform_world.dong_tay.certifications.get(tier="advanced") == cert


def test_it_asks_the_same_checks_as_every_decision(world, advanced_set):
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    with pytest.raises(PermissionDenied):
        transcribe(world.commune_a1, advanced_set, user=world.official_b)
    with pytest.raises(ValidationError) as early:
        transcribe(world.commune_a1, advanced_set, recognised_year=2028)
    assert early.value.code == "recognised_year"
    transcribe(world.commune_a1, advanced_set)
    with pytest.raises(ValidationError) as double:
        transcribe(world.commune_a1, advanced_set, decision_number="104/QĐ-UBND")
    assert double.value.code == "already_certified"


@pytest.mark.parametrize("field", ["basis", "no_assessment_reason"])
def test_it_is_refused_without_basis_or_reason(world, advanced_set, field):
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        transcribe(world.commune_a1, advanced_set, **{field: "  "})
    assert field in refused.value.error_dict
    form = CertificationAdminForm(data=form_data(world.commune_a1, advanced_set, **{field: " "}))
    assert not form.is_valid()
    assert field in form.errors


@pytest.mark.parametrize("field", ["basis", "no_assessment_reason"])
def test_the_database_refuses_it_without_basis_or_reason(world, advanced_set, field):
    values = {"basis": BASIS, "no_assessment_reason": REASON} | {field: ""}
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(
            world.commune_a1, advanced_set, DECISION, kind=Certification.Kind.TRANSCRIBED, **values
        )


def test_only_a_transcribed_decision_may_rest_on_a_tier_below_kept_outside(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(world.commune_a1, world.cset, DECISION, tier_below_not_recorded=True)


def test_its_set_must_be_of_its_tier(world):
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        transcribe(world.commune_a1, world.cset)  # the standard set for an advanced decision
    assert "criteria_set" in refused.value.error_dict


def test_the_admin_form_records_it_through_the_same_rule(world, advanced_set):
    form = CertificationAdminForm(data=form_data(world.commune_a1, advanced_set))
    assert not form.is_valid()  # no standard certification in force
    assert "Xã chưa có quyết định công nhận đạt chuẩn nông thôn mới còn hiệu lực." in str(
        form.errors
    )
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    form = CertificationAdminForm(data=form_data(world.commune_a1, advanced_set))
    assert form.is_valid(), form.errors
    cert = form.save()
    assert (cert.kind, cert.no_assessment_reason) == ("transcribed", REASON)


def test_the_tier_below_kept_outside_the_app_is_stated_not_invented(world, advanced_set):
    with pytest.raises(ValidationError) as refused:
        transcribe(world.commune_a1, advanced_set)
    assert refused.value.code == "no_standard_certification"
    cert = transcribe(world.commune_a1, advanced_set, tier_below_not_recorded=True)
    assert cert.tier_below_not_recorded
    assert not world.commune_a1.certifications.filter(tier="ntm").exists()


@pytest.mark.parametrize("world_name", ["world", "reform_world"])
def test_the_report_counts_it_and_says_how_many_are_transcribed(request, advanced_set, world_name):
    w = request.getfixturevalue(world_name)
    commune = w.commune_a1 if world_name == "world" else w.dong_tay
    make_certification(commune, w.cset, datetime.date(2026, 6, 1))
    transcribe(commune, advanced_set)
    figures = report_figures(2027, communes=Commune.objects.filter(province=w.province))
    tiers = {t.tier: t for t in figures.tiers}
    assert (tiers["advanced"].count, tiers["advanced"].transcribed) == (1, 1)
    assert (tiers["ntm"].count, tiers["ntm"].transcribed) == (1, 0)


def test_the_report_page_marks_the_transcribed_ones(client, world, advanced_set):
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    transcribe(world.commune_a1, advanced_set)
    client.force_login(world.province_staff)
    page = client.get(f"/reports/province/{world.province.code}/2027/").content.decode()
    assert 'data-transcribed="advanced">trong đó 1 theo quyết định nhập lại<' in page
    assert 'data-transcribed="ntm"' not in page


# 319/QĐ-TTg: a model commune meets the advanced standard (ntm-reference §5.3), so the model tier
# needs the advanced certification in force, not only the standard one.


def model_assessment(commune, model_set):
    from criteria.models import Assessment, Criterion, CriterionGroup
    from criteria.services import AssessmentInput, assessment_create, assessment_save

    group = CriterionGroup.objects.create(criteria_set=model_set, code="I", name_vi="Nhóm I")
    Criterion.objects.create(criteria_set=model_set, group=group, number=1, name_vi="KM 1")
    assessment = assessment_create(commune=commune, year=2027, tier=Assessment.Tier.MODEL)
    flags = {c.pk: True for c in model_set.criteria.all()}
    assessment_save(assessment=assessment, data=AssessmentInput(entries={}, criterion_flags=flags))
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED)


@pytest.mark.parametrize("world_name", ["world", "reform_world"])
def test_a_model_certification_without_an_advanced_one_in_force_is_refused(
    request, advanced_set, world_name
):
    from criteria.certifications import certification_create

    w = request.getfixturevalue(world_name)
    commune = w.commune_a1 if world_name == "world" else w.dong_tay
    model_set = make_tier_set(CriteriaSet.Level.MODEL, "test-model")
    model_assessment(commune, model_set)
    make_certification(commune, w.cset, datetime.date(2026, 6, 1))  # the standard one only
    model = {"tier": Certification.Tier.MODEL, "decision_number": "200/QĐ-UBND"}
    with pytest.raises(ValidationError) as by_assessment:
        certification_create(
            commune=commune, decision_date=DECISION, authority="UBND tỉnh", **model
        )
    assert by_assessment.value.code == "no_standard_certification"
    assert by_assessment.value.messages == [
        "Xã chưa có quyết định công nhận “Đạt chuẩn NTM nâng cao” còn hiệu lực."
    ]
    with pytest.raises(ValidationError) as transcribed:
        transcribe(commune, model_set, **model)
    assert transcribed.value.code == "no_standard_certification"
    assert not commune.certifications.filter(tier="model").exists()

    transcribe(commune, advanced_set, decision_date=datetime.date(2027, 3, 1))
    cert = certification_create(
        commune=commune, decision_date=DECISION, authority="UBND tỉnh", **model
    )
    assert cert.tier == Certification.Tier.MODEL
