"""A new year's form can start from the latest approved assessment of the same criteria set."""

from decimal import Decimal

import pytest
from django.urls import reverse

from criteria.forms import indicator_field
from criteria.models import Assessment, IndicatorValue
from criteria.services import AssessmentInput, assessment_create, assessment_save
from tests.base import make_criteria_set
from tests.criteria.conftest import form_data, indicators, login

pytestmark = pytest.mark.django_db


def url(commune, year):
    return reverse("pages:assessment_edit", args=[commune.code, year])


def approved_with_values(world, year, **values):
    """An approved assessment of A1 with indicator values by code ("1.2": "85", "1.1": True)."""
    inds = indicators(world.cset)
    assessment = assessment_create(commune=world.commune_a1, year=year)
    from criteria.evaluation import IndicatorEntry

    entries = {}
    for code, value in values.items():
        ind = inds[code.replace("_", ".")]
        if ind.is_numeric:
            entries[ind.pk] = IndicatorEntry(value=Decimal(value))
        else:
            entries[ind.pk] = IndicatorEntry(met=value)
    assessment_save(assessment=assessment, data=AssessmentInput(entries=entries))
    Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.APPROVED)
    return assessment


def test_a_blank_form_offers_to_start_from_the_latest_approved_year(client, world):
    approved_with_values(world, 2026, **{"1_2": "85"})
    login(client, world.province_staff)
    page = client.get(url(world.commune_a1, 2027))
    assert page.context["previous"].year == 2026
    body = page.content.decode()
    assert 'id="prefill"' in body and "prefill=1" in body
    assert "chuyển từ năm trước" not in body  # nothing carried until asked


def test_start_from_last_year_prefills_and_marks_each_value(client, world):
    approved_with_values(world, 2026, **{"1_2": "85", "1_1": True, "2_1": False})
    login(client, world.province_staff)
    page = client.get(url(world.commune_a1, 2027), {"prefill": "1"})
    inds = indicators(world.cset)
    form = page.context["form"]
    assert form[indicator_field(inds["1.2"].pk, "value")].value() == Decimal("85.00")
    assert form[indicator_field(inds["1.1"].pk, "met")].value() == "1"
    assert form[indicator_field(inds["2.1"].pk, "met")].value() == "0"
    carried = {
        row.indicator.code
        for g in page.context["groups"]
        for c in g.criteria
        for row in c.indicators
        if row.carried
    }
    assert carried == {"1.1", "1.2", "2.1"}
    body = page.content.decode()
    assert body.count("chuyển từ năm trước") >= 3
    assert f'name="{indicator_field(inds["1.2"].pk, "carried")}" value="1"' in body
    assert page.context["met_total"] == 1  # criterion 1 met by last year's values
    assert not Assessment.objects.filter(commune=world.commune_a1, year=2027).exists()


def test_prefilled_values_are_saved_as_posted(client, world):
    approved_with_values(world, 2026, **{"1_2": "85", "1_1": True})
    login(client, world.province_staff)
    data = form_data(world.cset, 0, {"1.1": "1", "1.2": "85"})
    response = client.post(url(world.commune_a1, 2027), data)
    assert response.status_code == 302
    created = Assessment.objects.get(commune=world.commune_a1, year=2027)
    assert IndicatorValue.objects.get(assessment=created, indicator__code="1.2").value == 85
    assert created.criteria_met == 1


def test_a_refused_save_keeps_the_carried_marks_not_yet_confirmed(client, world):
    inds = indicators(world.cset)
    login(client, world.province_staff)
    data = form_data(world.cset, 0, {"1.2": "x", "1.1": "1"})
    data[indicator_field(inds["1.1"].pk, "carried")] = "1"
    response = client.post(url(world.commune_a1, 2027), data)
    assert response.status_code == 400
    rows = {
        row.indicator.code: row.carried
        for g in response.context["groups"]
        for c in g.criteria
        for row in c.indicators
    }
    assert rows["1.1"] is True and rows["1.2"] is False


def test_never_from_another_criteria_set(client, world):
    other = make_criteria_set(code="other-set", first_year=2031, last_year=2035)
    approved_with_values(world, 2026, **{"1_2": "85"})
    login(client, world.province_staff)
    page = client.get(url(world.commune_a1, 2031), {"prefill": "1"})
    assert page.context["criteria_set"] == other
    assert page.context["previous"] is None
    assert page.context["carried_count"] == 0
    assert "chuyển từ năm trước" not in page.content.decode()


def test_only_approved_assessments_are_offered(client, world):
    approved_with_values(world, 2026, **{"1_2": "60"})
    draft = approved_with_values(world, 2027, **{"1_2": "85"})
    Assessment.objects.filter(pk=draft.pk).update(status=Assessment.Status.DRAFT)
    login(client, world.province_staff)
    page = client.get(url(world.commune_a1, 2028), {"prefill": "1"})
    assert page.context["previous"].year == 2026
    inds = indicators(world.cset)
    assert page.context["form"][indicator_field(inds["1.2"].pk, "value")].value() == Decimal(
        "60.00"
    )


def test_a_blank_form_marks_criteria_not_entered_rather_than_missed(client, world):
    login(client, world.province_staff)
    page = client.get(url(world.commune_a1, 2027))
    marks = [c.mark for g in page.context["groups"] for c in g.criteria]
    assert marks == [None, None, None]
    body = page.content.decode()
    assert 'criterion-missed" data-mark' not in body and body.count("— Chưa nhập") >= 6
    # One indicator missed is enough to say the criterion is missed.
    data = form_data(world.cset, 0, {"1.1": "0", "1.2": "x"})
    page = client.post(url(world.commune_a1, 2027), data)
    marks = [c.mark for g in page.context["groups"] for c in g.criteria]
    assert marks == [False, None, None]
