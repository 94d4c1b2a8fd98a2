import datetime

import pytest
from django.db import IntegrityError, transaction

from criteria.models import Assessment, Certification, Criterion, IndicatorValue, Threshold
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db


def test_one_assessment_per_commune_and_year(world):
    make_assessment(world.commune_a1, 2027, world.cset)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(commune=world.commune_a1, year=2027, criteria_set=world.cset)


def test_criterion_numbers_are_unique_within_a_set(world):
    group = world.cset.groups.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(criteria_set=world.cset, group=group, number=1, name_vi="lặp")


def test_the_same_number_is_allowed_in_another_set(db):
    make_criteria_set(code="a")
    make_criteria_set(code="b")
    assert Criterion.objects.filter(number=1, criteria_set__code__in=["a", "b"]).count() == 2


def test_criterion_numbers_start_at_one(world):
    group = world.cset.groups.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(criteria_set=world.cset, group=group, number=0, name_vi="0")


def test_a_manual_decision_needs_a_reason(world):
    assessment = make_assessment(world.commune_a1, 2027, world.cset)
    indicator = world.cset.criteria.get(number=2).indicators.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValue.objects.create(
            assessment=assessment, indicator=indicator, met=True, manual=True, manual_reason=""
        )


def test_a_threshold_has_one_key_and_a_value_unless_unknown(world):
    indicator = world.cset.criteria.get(number=1).indicators.get(code="1.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Threshold.objects.create(indicator=indicator, status="confirmed", value=None)


def test_revocation_needs_a_reason(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certification.objects.create(
            commune=world.commune_a1,
            criteria_set=world.cset,
            decision_number="1/QĐ",
            decision_date=datetime.date(2027, 1, 1),
            revoked_on=datetime.date(2028, 1, 1),
        )
