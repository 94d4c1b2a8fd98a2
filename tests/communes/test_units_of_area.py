"""`Commune.objects.of_area`: the units of a province or former district on a day, in the
world before the reform (districts) and after it (no district, reused codes)."""

import datetime

import pytest

from communes.models import Commune

pytestmark = pytest.mark.django_db

BEFORE = datetime.date(2025, 6, 30)
AFTER = datetime.date(2025, 7, 1)


def names(qs) -> list[str]:
    return sorted(qs.values_list("name", flat=True))


def test_a_province_before_the_reform_is_its_districts_units(reform_world):
    w = reform_world
    units = Commune.objects.of_area(province=w.province, on=BEFORE)
    assert names(units) == ["Thị trấn Chợ", "Xã Bắc", "Xã Tây", "Xã Đông"]
    assert names(Commune.objects.of_area(district=w.old_district, on=BEFORE)) == names(units)


def test_a_province_after_the_reform_is_its_units_without_a_district(reform_world):
    w = reform_world
    units = Commune.objects.of_area(province=w.province, on=AFTER)
    assert names(units) == ["Phường Chợ", "Xã Bắc Sơn", "Xã Đông Tây"]
    assert set(units.values_list("district", flat=True)) == {None}
    assert names(units.in_programme()) == ["Xã Bắc Sơn", "Xã Đông Tây"]


def test_a_former_district_has_no_unit_after_the_reform(reform_world):
    assert not Commune.objects.of_area(district=reform_world.old_district, on=AFTER).exists()


def test_a_reused_code_names_one_unit_on_each_day(reform_world):
    w = reform_world
    area = Commune.objects.of_area(province=w.province, on=BEFORE)
    assert area.get(code="96101") == w.old_dong
    area = Commune.objects.of_area(province=w.province, on=AFTER)
    assert area.get(code="96101") == w.dong_tay


def test_the_world_before_the_reform_keeps_its_districts(world):
    day = datetime.date(2020, 12, 31)
    assert names(Commune.objects.of_area(district=world.district_a, on=day)) == [
        "Xã Hai",
        "Xã Một",
    ]
    assert len(Commune.objects.of_area(province=world.province, on=day)) == 3


def test_it_is_one_query(reform_world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(Commune.objects.of_area(province=reform_world.province, on=AFTER))
