"""A commune's group in year N, defined once (`CommuneGroupAssignment.objects`): the
assignment in force in N that started last. Before the reform no unit has a group (the
2021-2025 sets key by region); after it the reform world's units are in N2 and N3 from 2026."""

import pytest
from django.db.models import OuterRef

from communes.models import Commune, CommuneGroupAssignment
from tests.base import make_commune_group

pytestmark = pytest.mark.django_db


def group_codes(communes, year: int) -> dict[str, str | None]:
    """The three forms of the rule, which must agree: one commune, the subquery, the bulk."""
    one = {}
    for c in communes:
        found = CommuneGroupAssignment.objects.select_related("group").for_commune_in_year(c, year)
        one[c.code] = found.group.code if found else None
    column = dict(
        Commune.objects.filter(pk__in=[c.pk for c in communes]).values_list(
            "code",
            CommuneGroupAssignment.objects.group_in_year(
                year, commune=OuterRef("pk"), field="group__code"
            ),
        )
    )
    bulk = CommuneGroupAssignment.objects.groups_in_year(communes, year, "group__code")
    assert column == one
    assert {c.code: bulk.get(c.pk) for c in communes} == one
    return one


def test_no_unit_has_a_group_before_the_reform(reform_world):
    w = reform_world
    units = [w.old_dong, w.old_tay, w.old_bac, w.dong_tay, w.bac_son]
    assert set(group_codes(units, 2025).values()) == {None}


def test_the_reformed_units_are_in_their_groups_from_2026(reform_world):
    w = reform_world
    assert group_codes([w.dong_tay, w.bac_son], 2026) == {"96101": "N2", "96104": "N3"}
    assert group_codes([w.dong_tay, w.bac_son], 2030) == {"96101": "N2", "96104": "N3"}


def test_the_assignment_that_started_last_wins_and_an_ended_one_is_gone(reform_world):
    w = reform_world
    CommuneGroupAssignment.objects.create(
        commune=w.dong_tay, group=make_commune_group("N1"), year_from=2028, year_to=2029
    )
    assert group_codes([w.dong_tay], 2027) == {"96101": "N2"}
    assert group_codes([w.dong_tay], 2028) == {"96101": "N1"}
    assert group_codes([w.dong_tay], 2029) == {"96101": "N1"}
    assert group_codes([w.dong_tay], 2030) == {"96101": "N2"}
