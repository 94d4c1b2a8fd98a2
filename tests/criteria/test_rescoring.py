"""The re-scoring preview's computation (criteria.rescoring), in both worlds.

Expected results are worked out by hand below from the stored values and the chosen set's
levels (plain literals), not by the evaluation code under test. Years are explicit."""

import pytest

from criteria.evaluation import LATEST
from criteria.models import (
    Assessment,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Threshold,
)
from criteria.rescoring import CARRIED, MET, MISSING, NOT_MET, UNCOMPUTABLE, rescore_province
from tests.base import make_commune
from tests.criteria.conftest import group_target, lower_revision, record_values, stricter_set

pytestmark = pytest.mark.django_db

YEAR = 2027


def summary(result) -> dict:
    return {
        r.commune.code: {
            "now": r.now_met,
            "would": {c.number: c.status for c in r.criteria},
            "gained": r.gained,
            "lost": r.lost,
            "missing": r.missing_codes,
            "would_met": r.would_met,
            "carried_met": r.carried_met,
        }
        for r in result.rows
    }


def test_it_rescores_the_pre_reform_world_under_a_stricter_set(world):
    # Under world.cset (1.2 >= 70 in TDMNPB): A1 meets 1, 2 (3.1 no); A2 meets 1-3 (75 >= 70);
    # B1 meets 3 only (1.2 not entered, 2.1 no), its assessment only submitted.
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": False})
    record_values(world.commune_a2, YEAR, {"1.1": True, "1.2": "75", "2.1": True, "3.1": True})
    record_values(
        world.commune_b1,
        YEAR,
        {"1.1": True, "1.2": None, "2.1": False, "3.1": True},
        status=Assessment.Status.SUBMITTED,
    )
    make_commune(world.district_b, "98202", "Xã Chưa")  # never assessed
    target = stricter_set()

    result = rescore_province(world.province, YEAR, target)

    assert result.key_year == 2031  # the values of 2027 judged as in the set's first year
    assert summary(result) == {
        # 88 >= 80: criterion 1 kept; 3 kept as recorded (not met); 4.1 never stored.
        "98101": {
            "now": 2,
            "would": {1: MET, 2: MET, 3: CARRIED, 4: MISSING},
            "gained": [],
            "lost": [],
            "missing": ["4.1"],
            "would_met": 2,
            "carried_met": 0,
        },
        # 75 < 80: criterion 1 lost; 3 kept as recorded (met).
        "98102": {
            "now": 3,
            "would": {1: NOT_MET, 2: MET, 3: CARRIED, 4: MISSING},
            "gained": [],
            "lost": [1],
            "missing": ["4.1"],
            "would_met": 1,
            "carried_met": 1,
        },
        # 1.2 not entered: criterion 1 cannot be judged (not "not met"); 2.1 no.
        "98201": {
            "now": 1,
            "would": {1: MISSING, 2: NOT_MET, 3: CARRIED, 4: MISSING},
            "gained": [],
            "lost": [],
            "missing": ["1.2", "4.1"],
            "would_met": 0,
            "carried_met": 1,
        },
        "98202": {
            "now": 0,
            "would": {},
            "gained": [],
            "lost": [],
            "missing": [],
            "would_met": 0,
            "carried_met": 0,
        },
    }
    rows = {r.commune.code: r for r in result.rows}
    assert rows["98201"].assessment.status == Assessment.Status.SUBMITTED
    assert rows["98201"].criteria[0].label == "thiếu giá trị 1.2"
    assert rows["98102"].criteria[2].label == "Giữ kết quả đã ghi: đạt"
    assert result.whole == [3]
    assert result.lost == 1 and result.gained == 0
    # Nobody would keep every criterion: 4.1 is missing everywhere.
    assert result.would_meet_all == 0
    assert result.meets_all_now == 1  # A2 (3 of 3)


def test_it_rescores_under_a_revision_of_the_set(world):
    # A2's 75 fails the original 80 and meets the revised 74.
    record_values(world.commune_a2, YEAR, {"1.1": True, "1.2": "75", "2.1": True, "3.1": True})
    target = stricter_set()
    revision = lower_revision(target)

    def first(revision):
        row = rescore_province(world.province, YEAR, target, revision=revision).rows[1]
        assert row.commune.code == "98102"
        return row.criteria[0].status, row.lost

    assert first(None) == (NOT_MET, [1])  # the original text
    assert first(revision) == (MET, [])
    assert first(LATEST) == (MET, [])  # as it stands now: the revision applied


def test_a_criterion_judged_as_a_whole_without_a_recorded_result_is_not_computable(world):
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": True})
    target = stricter_set()
    # Criterion 4 judged as a whole too: the 3-criterion set has no criterion 4 to carry.
    fourth = target.criteria.get(number=4)
    fourth.indicators.all().delete()

    row = rescore_province(world.province, YEAR, target).rows[0]

    assert [(c.number, c.status, c.would) for c in row.criteria] == [
        (1, MET, True),
        (2, MET, True),
        (3, CARRIED, True),
        (4, UNCOMPUTABLE, None),
    ]
    assert row.criteria[3].label == "không tính được"
    assert (row.would_met, row.carried_met, row.uncomputable) == (2, 1, 1)
    assert row.would_meet_all is None  # undecided, never counted as met


def test_the_same_set_gives_back_the_recorded_results(world):
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": False})
    record_values(world.commune_a2, YEAR, {"1.1": True, "1.2": "65", "2.1": True, "3.1": True})

    result = rescore_province(world.province, YEAR, world.cset)

    for row in result.assessed:
        assert row.would_met == row.now_met
        assert row.gained == row.lost == []
    assert [r.would_meet_all for r in result.assessed] == [False, False]


def test_a_manual_decision_is_not_carried_to_a_set_with_a_level(world):
    """1.2 decided by hand (no known level then): under a set that has a level, the value is
    needed; the old decision is not a value."""
    assessment = record_values(world.commune_a1, YEAR, {"1.1": True, "2.1": True, "3.1": True})
    ind = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    IndicatorValue.objects.filter(assessment=assessment, indicator=ind).update(
        met=True, manual=True, manual_reason="Theo biên bản"
    )
    IndicatorValue.objects.get_or_create(
        assessment=assessment,
        indicator=ind,
        defaults={"met": True, "manual": True, "manual_reason": "Theo biên bản"},
    )
    row = rescore_province(world.province, YEAR, stricter_set()).rows[0]
    assert (row.criteria[0].status, row.criteria[0].missing) == (MISSING, ("1.2",))


def test_it_rescores_the_reformed_province_by_commune_group(reform_world):
    w = reform_world
    # Under the group set (N2 >= 80, N3 >= 70): Đông Tây (N2) 82 meets 1; Bắc Sơn (N3) 65 not.
    yes = {f"{n}.1": True for n in range(1, 11)}
    record_values(w.dong_tay, YEAR, yes | {"1.2": "82"})
    record_values(w.bac_son, YEAR, yes | {"1.2": "65"}, status=Assessment.Status.DRAFT)

    result = rescore_province(w.province, YEAR, group_target())

    # The units of 31/12/2027: Đông Tây holds 96101 (xã Đông's old code), the ward is outside
    # the programme, the units that ended on 30/06/2025 are gone.
    assert [r.commune.pk for r in result.rows] == [w.dong_tay.pk, w.bac_son.pk]
    assert summary(result) == {
        # N2: 82 < 85, criterion 1 lost.
        "96101": {
            "now": 10,
            "would": {1: NOT_MET, 2: MET, 3: MET},
            "gained": [],
            "lost": [1],
            "missing": [],
            "would_met": 2,
            "carried_met": 0,
        },
        # N3: 65 >= 60, criterion 1 gained.
        "96104": {
            "now": 9,
            "would": {1: MET, 2: MET, 3: MET},
            "gained": [1],
            "lost": [],
            "missing": [],
            "would_met": 3,
            "carried_met": 0,
        },
    }
    assert result.would_meet_all == 1  # Bắc Sơn
    assert result.meets_all_now == 1  # Đông Tây


def test_a_commune_without_a_group_has_no_level_to_be_judged_by(reform_world):
    w = reform_world
    yes = {f"{n}.1": True for n in range(1, 11)}
    record_values(w.dong_tay, YEAR, yes | {"1.2": "99"})
    w.dong_tay.group_assignments.all().delete()

    row = rescore_province(w.province, YEAR, group_target()).rows[0]

    assert (row.criteria[0].status, row.criteria[0].no_threshold) == (UNCOMPUTABLE, ("1.2",))
    assert row.criteria[0].label == "chưa có ngưỡng 1.2"


def test_it_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": False})
    target = stricter_set()
    # units, assessments, results, values, the catalogue (3); no designation rule, no groups.
    with django_assert_num_queries(7):
        small = rescore_province(world.province, YEAR, target)
    for n in range(3, 9):
        commune = make_commune(world.district_a, f"9810{n}", f"Xã {n}")
        record_values(commune, YEAR, {"1.1": True, "1.2": str(60 + n), "2.1": True, "3.1": True})
    with django_assert_num_queries(7):
        large = rescore_province(world.province, YEAR, target)
    assert (len(small.rows), len(large.rows)) == (3, 9)


def test_it_takes_a_fixed_number_of_queries_by_commune_group(
    reform_world, django_assert_num_queries
):
    w = reform_world
    yes = {f"{n}.1": True for n in range(1, 11)}
    record_values(w.dong_tay, YEAR, yes | {"1.2": "82"})
    target = group_target()
    # ... and the commune groups.
    with django_assert_num_queries(8):
        rescore_province(w.province, YEAR, target)
    record_values(w.bac_son, YEAR, yes | {"1.2": "65"})
    with django_assert_num_queries(8):
        assert len(rescore_province(w.province, YEAR, target).assessed) == 2


def test_it_writes_nothing(world):
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": False})

    def fingerprint():
        return [
            list(model.objects.order_by("pk").values_list())
            for model in (Assessment, CriterionResult, IndicatorValue, Criterion, Threshold)
        ]

    target = stricter_set()
    before = fingerprint()
    rescore_province(world.province, YEAR, target)
    assert fingerprint() == before
