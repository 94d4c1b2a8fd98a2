"""Helpers of the view tests of the commune and assessment pages (world fixture: tests/base.py)."""

import datetime
from decimal import Decimal

import pytest

from criteria.evaluation import IndicatorEntry
from criteria.forms import criterion_field, indicator_field
from criteria.models import Assessment, CriteriaSet, CriteriaSetAmendment, Indicator, Threshold
from criteria.services import AssessmentInput, assessment_create, assessment_save
from tests.base import make_assessment, make_commune_group, make_criteria_set, make_region


def login(client, user):
    if user is not None:
        client.force_login(user)
    return client


def indicators(cset) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(criterion__criteria_set=cset)}


def form_data(cset, version: int, entries: dict[str, str] | None = None, **extra) -> dict:
    """The POST of the assessment form: `entries` by indicator code (a value for numeric
    indicators, "1"/"0" for the others); `extra` adds raw fields."""
    entries = entries or {}
    data = {"version": str(version), "note": ""}
    for code, ind in indicators(cset).items():
        if ind.is_numeric:
            data[indicator_field(ind.pk, "value")] = entries.get(code, "")
        else:
            data[indicator_field(ind.pk, "met")] = entries.get(code, "")
    for criterion in cset.criteria.all():
        data[criterion_field(criterion.pk, "note")] = ""
    data.update(extra)
    return data


@pytest.fixture
def draft(world):
    """A draft 2027 assessment of commune A1 (district A, province 98)."""
    return make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.DRAFT)


@pytest.fixture
def submitted(world):
    return make_assessment(world.commune_a1, 2027, world.cset, status=Assessment.Status.SUBMITTED)


@pytest.fixture
def approved(world):
    return make_assessment(world.commune_a1, 2027, world.cset, met=3)


# --- The re-scoring preview (tests/criteria/test_rescoring.py, tests/reports/...) -------------


def record_values(commune, year, entries: dict[str, object], *, status=Assessment.Status.APPROVED):
    """An assessment of `commune` in `year` under the set of the year, with `entries` by
    indicator code (True/False for yes/no indicators, a number for the others; None: not
    entered), saved through the service as the form saves it."""
    assessment = assessment_create(commune=commune, year=year)
    by_code = {
        i.code: i for i in Indicator.objects.filter(criterion__criteria_set=assessment.criteria_set)
    }
    data = {}
    for code, given in entries.items():
        ind = by_code[code]
        if ind.is_numeric:
            data[ind.pk] = IndicatorEntry(value=None if given is None else Decimal(given))
        else:
            data[ind.pk] = IndicatorEntry(met=given)
    assessment_save(assessment=assessment, data=AssessmentInput(entries=data))
    Assessment.objects.filter(pk=assessment.pk).update(status=status)
    assessment.refresh_from_db()
    return assessment


def stricter_set() -> CriteriaSet:
    """The 2031-2035 set of the pre-reform test: criterion 1 asks 1.2 >= 80 in the TDMNPB
    region (90 nationally) instead of 70; criterion 2 unchanged; criterion 3 is judged as a
    whole (no indicators); criterion 4 is new (4.1, yes/no)."""
    cset = make_criteria_set(code="test-new", criteria=4, first_year=2031, last_year=2035)
    Threshold.objects.filter(indicator__criterion__criteria_set=cset, region=None).update(
        value=Decimal(90)
    )
    Threshold.objects.filter(indicator__criterion__criteria_set=cset, region=make_region()).update(
        value=Decimal(80)
    )
    third = cset.criteria.get(number=3)
    third.indicators.all().delete()
    third.whole_reason = "Đánh giá cả tiêu chí"
    third.save()
    return cset


def group_target() -> CriteriaSet:
    """A 2031-2035 set judged by commune group with 1.2 >= 85 in N2 (80 before) and 60 in N3
    (70 before), three criteria."""
    cset = make_criteria_set(code="test-new-group", criteria=3, first_year=2031, last_year=2035)
    cset.threshold_basis = CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    cset.save(update_fields=["threshold_basis"])
    ind = Indicator.objects.get(criterion__criteria_set=cset, code="1.2")
    ind.thresholds.all().delete()
    for group, value in (("N2", 85), ("N3", 60)):
        Threshold.objects.create(
            indicator=ind,
            commune_group=make_commune_group(group),
            value=Decimal(value),
            status="confirmed",
        )
    return cset


def lower_revision(cset: CriteriaSet):
    """A revision of `stricter_set` (in force from 2032) that lowers 1.2 in the TDMNPB region
    from 80 to 74: the old level is ended by it, the new one added by it."""
    revision = CriteriaSetAmendment.objects.create(
        criteria_set=cset,
        citation="Quyết định thử sửa đổi",
        effective_from=datetime.date(2032, 1, 1),
        content_confirmed=True,
    )
    old = Threshold.objects.get(indicator__criterion__criteria_set=cset, region=make_region())
    Threshold.objects.filter(pk=old.pk).update(withdrawn_in=revision)
    Threshold.objects.create(
        indicator=old.indicator,
        region=old.region,
        value=Decimal(74),
        status="confirmed",
        added_in=revision,
    )
    return revision
