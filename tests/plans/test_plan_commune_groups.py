"""A commune group's plan counts the communes whose group in the plan's year is that group, by
the one definition (communes.models.CommuneGroupAssignmentQuerySet: the latest start wins)."""

import pytest

from communes.models import CommuneGroupAssignment
from plans.models import Plan
from tests.base import make_commune_group

pytestmark = pytest.mark.django_db


def _plan(world, group: str, year: int) -> Plan:
    return Plan(province=world.province, commune_group=make_commune_group(group), year=year)


def test_a_commune_with_overlapping_assignments_counts_in_one_groups_plan(reform_world):
    w = reform_world
    # Xã Đông Tây is N2 from 2026 (open); a later decision makes it N3 from 2027 without
    # closing the first assignment: in 2027 both are in force, the later one gives its group.
    CommuneGroupAssignment.objects.create(
        commune=w.dong_tay, group=make_commune_group("N3"), year_from=2027, note="Thử"
    )
    assert set(_plan(w, "N3", 2027).communes()) == {w.dong_tay, w.bac_son}
    assert set(_plan(w, "N2", 2027).communes()) == set()
    # In 2026 only the first assignment is in force.
    assert set(_plan(w, "N2", 2026).communes()) == {w.dong_tay}
    assert set(_plan(w, "N3", 2026).communes()) == {w.bac_son}


def test_a_group_plan_without_overlap_counts_the_groups_communes(reform_world):
    w = reform_world
    assert set(_plan(w, "N2", 2027).communes()) == {w.dong_tay}
    assert set(_plan(w, "N1", 2027).communes()) == set()
