"""The progress chart's earlier points are kept under their year's data version (issue 27): a
save of the report's year computes only that year's points again; a change counted for an
earlier year computes that year's point again. In both worlds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, year_end
from communes.versions import bump_data_version
from criteria.models import Assessment
from reports.figures.counts import progress, progress_points
from tests.base import make_assessment

pytestmark = pytest.mark.django_db


def _chart_queries(context: CaptureQueriesContext) -> int:
    """The queries of the points themselves (the one with a subquery per point)."""
    return sum("criteria_met" in q["sql"] and "SUM(" in q["sql"].upper() for q in context)


def _points(year: int) -> list[tuple[int, datetime.date]]:
    return progress_points(year, year_end(year), list(range(year - 1, year + 1)))


def test_a_save_of_the_year_recomputes_only_its_points(report_world):
    w = report_world
    communes = Commune.objects.filter(district__province=w.province)
    points = _points(2027)
    first = progress(False, points, communes)
    assert [h.year for h in first] == [2026, 2027]
    assert first[0].criteria_total == 2 + 3 + 3  # A1, A2 and the commune merged away

    # A 2027 save: the 2026 point is kept, the 2027 point is computed again and shows it.
    Assessment.objects.filter(commune=w.commune_a1, year=2027).update(criteria_met=1)
    bump_data_version(province_ids={w.province.pk}, since_year=2027)
    with CaptureQueriesContext(connection) as context:
        again = progress(False, points, communes)
    assert again[0] == first[0]
    assert again[1].criteria_total == first[1].criteria_total - 2
    assert _chart_queries(context) == 1  # one query, for the 2027 point only

    # A change counted for 2026: its point is computed again.
    Assessment.objects.filter(commune=w.commune_a2, year=2026).update(criteria_met=1)
    bump_data_version(province_ids={w.province.pk}, since_year=2026)
    assert progress(False, points, communes)[0].criteria_total == first[0].criteria_total - 2


def test_another_provinces_change_keeps_this_provinces_points(report_world):
    w = report_world
    communes = Commune.objects.filter(district__province=w.province)
    points = _points(2027)
    first = progress(False, points, communes)
    Assessment.objects.filter(commune=w.commune_a2, year=2026).update(criteria_met=0)
    bump_data_version(province_ids={w.commune_other.province_id}, since_year=2026)
    # Not this province's version: the kept point stands (the change above was not counted
    # for this province, which no real writer does; here it shows what the key follows).
    assert progress(False, points, communes)[0] == first[0]


def test_after_the_reform_the_points_follow_the_units_of_each_day(reform_world):
    w = reform_world
    make_assessment(w.dong_tay, 2026, w.cset, met=4)
    communes = Commune.objects.filter(province=w.province)
    points = progress_points(2026, year_end(2026), [2024, 2026])
    first = progress(False, points, communes)
    assert [(h.year, h.as_at) for h in first] == [(2024, year_end(2024)), (2026, year_end(2026))]
    old_units = Commune.objects.filter(district=w.old_district, in_programme=True).count()
    assert (first[0].communes, first[1].communes) == (old_units, 2)  # then Đông Tây, Bắc Sơn
    assert (first[0].criteria_total, first[1].criteria_total) == (0, 4)
    Assessment.objects.filter(commune=w.dong_tay, year=2026).update(criteria_met=6)
    bump_data_version(province_ids={w.province.pk}, since_year=2026)
    again = progress(False, points, communes)
    assert again[0] == first[0] and again[1].criteria_total == 6
