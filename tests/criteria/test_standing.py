"""criteria.standing: which assessment counts for a year (the figures) and which one a commune
last stated (the practices to learn from), and the bands of criteria met (reports and the
commune list)."""

import pytest

from criteria.models import Assessment
from criteria.standing import Band, bands_for, counted_assessments, latest_assessments
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db


def years(assessments) -> list[int]:
    return list(assessments.values_list("year", flat=True))


def test_an_earlier_assessment_under_another_set_is_latest_but_not_counted(world):
    commune = world.commune_a1
    older = make_criteria_set(code="older-set", first_year=2021, last_year=2025)
    make_assessment(commune, 2024, older, met=2)
    make_assessment(commune, 2026, world.cset, met=1, status=Assessment.Status.SUBMITTED)
    # 2027 falls in the period of world.cset (2026-2030): the 2024 one was made under another.
    assert years(latest_assessments(2027, commune=commune)) == [2024]
    assert years(counted_assessments(2027, commune=commune)) == []
    # Provisionally, the submitted 2026 one counts and comes first.
    assert years(latest_assessments(2027, True, commune=commune)) == [2026, 2024]
    assert years(counted_assessments(2027, True, commune=commune)) == [2026]
    # An assessment of the year itself counts whatever its set.
    assert years(counted_assessments(2024, commune=commune)) == [2024]


def test_the_bands_of_19_criteria_are_the_reports():
    assert bands_for(19) == [
        Band(19, 19, is_top=True),
        Band(15, 18),
        Band(10, 14),
        Band(5, 9),
        Band(0, 4),
    ]
    assert [b.label for b in bands_for(19)] == ["19", "15–18", "10–14", "5–9", "dưới 5"]


def test_a_smaller_set_is_cut_below_its_top():
    assert bands_for(3) == [Band(3, 3, is_top=True), Band(0, 2)]
    assert bands_for(12) == [Band(12, 12, is_top=True), Band(10, 11), Band(5, 9), Band(0, 4)]


def test_the_19_criteria_sets_near_the_standard_at_4_missing_keep_their_bands():
    # 2016-2020 and 2021-2025 (criteria/data/*.yaml): near the standard at 4 missing, 15-18.
    assert bands_for(19, 4) == bands_for(19) == bands_for(19, None)


@pytest.mark.parametrize(
    ("count", "missing", "expected"),
    [
        (10, 2, [(10, 10), (8, 9), (5, 7), (0, 4)]),
        (10, 4, [(10, 10), (6, 9), (5, 5), (0, 4)]),
        (19, 2, [(19, 19), (17, 18), (15, 16), (10, 14), (5, 9), (0, 4)]),
        (3, 4, [(3, 3), (1, 2), (0, 0)]),  # near the standard needs one criterion met
        (10, 0, [(10, 10), (5, 9), (0, 4)]),  # nobody is near: the fixed cuts
    ],
)
def test_the_band_below_the_top_is_the_sets_near_standard(count, missing, expected):
    assert [(b.low, b.high) for b in bands_for(count, missing)] == expected
