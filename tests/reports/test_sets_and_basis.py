"""Reports name the sets they used, never carry an assessment across a change of set, and say
how many criterion results rest on a manual decision or an unconfirmed threshold."""

import io

import pytest
from openpyxl import load_workbook

from communes.models import Commune
from criteria.models import Assessment, CriterionResult, IndicatorValue, Threshold
from reports.figures import report_figures
from tests.base import make_assessment, make_criteria_set
from tests.reports.conftest import login

pytestmark = pytest.mark.django_db


def independent_basis(year: int, province_code: str) -> tuple[int, int]:
    """(manual, unconfirmed) counted the slow and obvious way, commune by commune."""
    manual = unconfirmed = 0
    for commune in Commune.objects.filter(in_programme=True, province__code=province_code):
        if not commune.exists_in(year):
            continue
        approved = [
            a
            for a in Assessment.objects.filter(commune=commune, tier="ntm", status="approved")
            if a.year <= year
        ]
        latest = max(approved, key=lambda a: a.year, default=None)
        if latest is None:
            continue
        values = list(IndicatorValue.objects.filter(assessment=latest).select_related("indicator"))
        for result in CriterionResult.objects.filter(assessment=latest):
            mine = [v for v in values if v.indicator.criterion_id == result.criterion_id]
            if not mine or any(v.manual for v in mine):
                manual += 1
            if any(not v.manual and v.threshold_status == "unconfirmed" for v in mine):
                unconfirmed += 1
    return manual, unconfirmed


def test_manual_and_unconfirmed_counts_equal_an_independent_count(client, django_user_model):
    figures = report_figures(2017, communes=Commune.objects.filter(district__province__code="20"))
    manual, unconfirmed = independent_basis(2017, "20")
    assert (figures.judgements.manual, figures.judgements.unconfirmed) == (manual, unconfirmed)
    # 2017 income has no level (none is copied back from 2020), and 1980's levels are mostly
    # unconfirmed: both kinds occur in the demo.
    assert manual > 0 and unconfirmed > 0
    # The annex lists them commune by commune.
    assert sum(len(c.manual) for c in figures.communes) == manual
    assert sum(len(c.unconfirmed) for c in figures.communes) == unconfirmed
    login(client, django_user_model, "province")
    body = client.get("/reports/province/20/2017/").content.decode()

    def vi(n: int) -> str:  # Vietnamese thousands separator: 1.035
        return f"{n:,}".replace(",", ".")

    assert f'<strong data-figure="manual">{vi(manual)}</strong>' in body
    assert f'<strong data-figure="unconfirmed">{vi(unconfirmed)}</strong>' in body
    assert 'data-set="xa-ntm-2016-2020"' in body
    # The workbook says the same on its summary sheet and lists them in its annex.
    wb = load_workbook(io.BytesIO(client.get("/reports/province/20/2017.xlsx").content))
    summary = " ".join(str(c.value) for row in wb["Tổng hợp"].iter_rows() for c in row if c.value)
    assert f"quyết định thủ công: {manual}; dựa trên ngưỡng chưa xác nhận: {unconfirmed}" in summary
    assert "xa-ntm-2016-2020" not in summary and "207 xã được đánh giá" in summary
    annex = wb["Phụ lục theo xã"]
    listed = [annex.cell(row=r, column=10).value for r in range(2, annex.max_row + 1)]
    assert sum(len(v.split(", ")) for v in listed if v) == manual


def test_the_2017_report_names_its_one_set_and_keeps_its_figures():
    figures = report_figures(2017, communes=Commune.objects.filter(district__province__code="20"))
    assert [(u.criteria_set.code, u.communes) for u in figures.sets_used] == [
        ("xa-ntm-2016-2020", 207)
    ]
    assert (figures.headline.certified, figures.headline.communes) == (36, 207)
    assert str(figures.headline.average) == "8.65"


def test_the_national_summary_counts_the_basis_without_the_rows():
    figures = report_figures(
        2017,
        with_communes=False,
        grouping=None,
        communes=Commune.objects.filter(province__code="20"),
    )
    assert (figures.judgements.manual, figures.judgements.unconfirmed) == independent_basis(
        2017, "20"
    )


def test_an_unconfirmed_threshold_is_recorded_with_the_value(world):
    """The percent indicator of criterion 1 is judged against a confirmed level; made
    unconfirmed, the next save records that."""
    from criteria.evaluation import IndicatorEntry
    from criteria.services import AssessmentInput, assessment_create, assessment_save

    percent = world.cset.criteria.get(number=1).indicators.get(code="1.2")
    Threshold.objects.filter(indicator=percent).update(status="unconfirmed")
    assessment = assessment_create(commune=world.commune_a1, year=2027)
    boolean = world.cset.criteria.get(number=1).indicators.get(code="1.1")
    entries = {percent.pk: IndicatorEntry(value=90), boolean.pk: IndicatorEntry(met=True)}
    assessment_save(assessment=assessment, data=AssessmentInput(entries=entries))
    value = IndicatorValue.objects.get(assessment=assessment, indicator=percent)
    assert (value.met, value.manual, value.threshold_status) == (True, False, "unconfirmed")
    boolean_value = IndicatorValue.objects.get(assessment=assessment, indicator=boolean)
    assert boolean_value.threshold_status == ""


def test_an_assessment_is_not_carried_across_a_change_of_set(report_world):
    """B1's only approved assessment is of 2025 under the 2021-2025 set: for 2027 (set
    2026-2030) it is "chưa đánh giá theo bộ tiêu chí mới", not carried forward."""
    w = report_world
    old = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    make_assessment(w.commune_b1, 2025, old, met=3)
    figures = report_figures(2027, communes=Commune.objects.filter(district__province=w.province))
    b1 = next(c for c in figures.communes if c.code == w.commune_b1.code)
    assert (b1.met, b1.met_year) == (0, None)
    assert figures.headline.not_reassessed == 1
    assert [u.criteria_set.code for u in figures.sets_used] == [w.cset.code]
    # Per-criterion rows count only assessments under the year's set.
    assert [r.count for r in figures.per_criterion] == [2, 2, 2]  # A1 2027, A2 2026 carried
    # In 2025, the year of its set, B1 counts.
    in_2025 = report_figures(2025, communes=Commune.objects.filter(district__province=w.province))
    assert [(u.criteria_set.code, u.communes) for u in in_2025.sets_used] == [("test-2021-2025", 1)]


def test_a_year_judged_under_two_sets_has_a_table_for_each(report_world, client, django_user_model):
    """2026 assessed under the 2021-2025 set (chosen where periods overlap) counts for 2026,
    in its own per-criterion rows."""
    w = report_world
    old = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    assessment = Assessment.objects.create(
        commune=w.commune_b1, year=2026, criteria_set=old, status="approved", criteria_met=1
    )
    for criterion in old.criteria.all():
        CriterionResult.objects.create(
            assessment=assessment, criterion=criterion, met=criterion.number == 1
        )
    figures = report_figures(2026, communes=Commune.objects.filter(district__province=w.province))
    assert {u.criteria_set.code: u.communes for u in figures.sets_used} == {
        w.cset.code: 3,  # A1, A2 and the commune merged away at the end of 2026
        "test-2021-2025": 1,
    }
    old_rows = next(u for u in figures.sets_used if u.criteria_set.code == "test-2021-2025")
    assert [r.count for r in old_rows.per_criterion] == [1, 0, 0]
    new_rows = figures.sets_used[0]
    assert new_rows.criteria_set == w.cset
    assert [r.count for r in new_rows.per_criterion] == [3, 3, 2]
