from decimal import Decimal

import pytest
from django.core.management import call_command

from criteria.models import CriteriaSet, Criterion, CriterionGroup, Indicator, Threshold

pytestmark = pytest.mark.django_db


def set_counts(code):
    cset = CriteriaSet.objects.get(code=code)
    return (
        CriterionGroup.objects.filter(criteria_set=cset).count(),
        Criterion.objects.filter(criteria_set=cset).count(),
        Indicator.objects.filter(criterion__criteria_set=cset).count(),
        Threshold.objects.filter(indicator__criterion__criteria_set=cset).count(),
    )


def test_it_loads_the_2016_2020_commune_set():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    assert cset.legal_basis == "Quyết định 1980/QĐ-TTg"
    assert (cset.first_year, cset.last_year) == (2016, 2020)
    groups, criteria, indicators, _ = set_counts("xa-ntm-2016-2020")
    assert (groups, criteria, indicators) == (5, 19, 49)
    income = Indicator.objects.get(criterion__criteria_set=cset, code="10")
    tdmnpb_2020 = income.thresholds.get(region__code="TDMNPB", year_from=2020)
    assert tdmnpb_2020.value == Decimal(36) and tdmnpb_2020.status == "confirmed"
    earlier = income.thresholds.get(region__code="TDMNPB", year_to=2019)
    assert earlier.status == "unconfirmed"


def test_it_loads_the_2021_2025_commune_set():
    call_command("load_criteria", verbosity=0)
    groups, criteria, indicators, _ = set_counts("xa-ntm-2021-2025")
    assert (groups, criteria, indicators) == (5, 19, 57)


def test_unknown_thresholds_are_flagged_not_guessed():
    call_command("load_criteria", verbosity=0)
    road = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="2.2")
    tdmnpb = road.thresholds.get(region__code="TDMNPB")
    assert tdmnpb.value is None and tdmnpb.status == "unknown"
    water = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="17.1")
    national = water.thresholds.get(region__isnull=True)
    assert (national.value, national.value_secondary) == (Decimal(95), Decimal(60))
    assert water.secondary_label


def test_it_is_idempotent_and_keeps_admin_edits():
    call_command("load_criteria", verbosity=0)
    before = set_counts("xa-ntm-2016-2020"), set_counts("xa-ntm-2021-2025")
    road = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="2.2")
    edited = road.thresholds.get(region__code="TDMNPB")
    edited.value, edited.status, edited.source = Decimal(70), "confirmed", "admin:someone"
    edited.save()
    call_command("load_criteria", verbosity=0)
    assert (set_counts("xa-ntm-2016-2020"), set_counts("xa-ntm-2021-2025")) == before
    assert road.thresholds.get(region__code="TDMNPB").value == Decimal(70)
