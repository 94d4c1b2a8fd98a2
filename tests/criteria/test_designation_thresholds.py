"""318/QĐ-TTg's rule (ntm-reference §3, §15.1): under the 2021-2025 standard and advanced
sets, an especially disadvantaged (ĐBKK) or safe-zone (ATK) commune of a poor district (or one
that left poverty in 2018-2020) is judged against the northern-mountain (TDMNPB) levels
wherever it is. Modelled through a dated designation (communes.CommuneDesignation)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from communes.models import CommuneDesignation, Region
from criteria.applicable import threshold_key
from criteria.evaluation import Catalogue, IndicatorEntry
from criteria.models import CriteriaSet, Indicator, IndicatorValue, Threshold
from criteria.services import (
    AssessmentInput,
    assessment_create,
    assessment_save,
    assessments_bulk_create,
)
from imports.services import import_assessments
from tests.base import make_commune, make_district, make_province, make_user

pytestmark = pytest.mark.django_db

YEAR = 2023
NORTH, DELTA = Decimal(85), Decimal(95)  # test levels of 15.1 (health insurance, %)


@pytest.fixture
def delta_commune(db):
    """A commune of a Red River Delta province, and levels of indicator 15.1 of the 2021-2025
    set that differ between that region and the northern mountains (set here: the loaded
    catalogue does not know them)."""
    cset = CriteriaSet.objects.get(code="xa-ntm-2021-2025")
    indicator = Indicator.objects.get(criterion__criteria_set=cset, code="15.1")
    for code, value in (("TDMNPB", NORTH), ("DBSH", DELTA)):
        Threshold.objects.create(
            indicator=indicator,
            region=Region.objects.get(code=code),
            value=value,
            status=Threshold.Status.CONFIRMED,
            source="test",
        )
    province = make_province(
        code="96", name="Tỉnh Đồng Bằng", region=Region.objects.get(code="DBSH")
    )
    district = make_district(province, "961", "Huyện Đồng Bằng")
    return make_commune(district, "96101", "Xã Đồng Bằng")


def designate(commune, *, valid_from, valid_to=None, poor_district=True, kind="dbkk"):
    return CommuneDesignation.objects.create(
        commune=commune,
        kind=kind,
        poor_district=poor_district,
        valid_from=valid_from,
        valid_to=valid_to,
        source="Quyết định thử 1/QĐ-TTg",
    )


def judge_15_1(commune, value: int = 90) -> bool | None:
    """Save a 2023 assessment with 15.1 at `value` through the one writer; whether 15.1 is met."""
    assessment = assessment_create(commune=commune, year=YEAR)
    indicator = Indicator.objects.get(criterion__criteria_set=assessment.criteria_set, code="15.1")
    assessment_save(
        assessment=assessment,
        data=AssessmentInput(entries={indicator.pk: IndicatorEntry(value=Decimal(value))}),
    )
    return IndicatorValue.objects.get(assessment=assessment, indicator=indicator).met


def test_the_318_sets_carry_the_rule():
    for code in ("xa-ntm-2021-2025", "xa-ntm-nang-cao-2021-2025"):
        assert CriteriaSet.objects.get(code=code).designated_region.code == "TDMNPB"
    for code in ("xa-ntm-2016-2020", "xa-ntm-2026-2030", "xa-ntm-hien-dai-2026-2030"):
        assert CriteriaSet.objects.get(code=code).designated_region is None
    assert not CommuneDesignation.objects.exists()  # nothing loaded: no figure changed


def test_without_a_designation_the_commune_is_judged_by_its_own_region(delta_commune):
    assert judge_15_1(delta_commune) is False  # 90 < 95 (Red River Delta)


def test_a_designation_valid_on_the_assessment_date_brings_the_northern_mountain_level(
    delta_commune,
):
    designate(delta_commune, valid_from=datetime.date(2022, 5, 1))
    assert judge_15_1(delta_commune) is True  # 90 >= 85 (northern mountains)
    cset = CriteriaSet.objects.get(code="xa-ntm-2021-2025")
    north = Region.objects.get(code="TDMNPB")
    assert threshold_key(delta_commune, YEAR, cset).region_id == north.pk


@pytest.mark.parametrize(
    ("valid_from", "valid_to"),
    [
        (datetime.date(2024, 1, 1), None),  # starts after the assessed year
        (datetime.date(2017, 1, 1), datetime.date(2022, 12, 31)),  # ended before its end
    ],
)
def test_outside_its_validity_dates_it_is_not(delta_commune, valid_from, valid_to):
    designate(delta_commune, valid_from=valid_from, valid_to=valid_to)
    assert judge_15_1(delta_commune) is False


def test_a_designation_outside_a_poor_district_does_not_count(delta_commune):
    designate(delta_commune, valid_from=datetime.date(2022, 5, 1), poor_district=False)
    assert judge_15_1(delta_commune) is False


def test_a_set_without_the_rule_ignores_the_designation(delta_commune):
    designate(delta_commune, valid_from=datetime.date(2010, 1, 1), kind="atk")
    old = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    delta = Region.objects.get(code="DBSH")
    assert threshold_key(delta_commune, 2019, old).region_id == delta.pk


def test_the_bulk_writer_and_the_import_apply_it_too(delta_commune):
    designate(delta_commune, valid_from=datetime.date(2022, 5, 1))
    cset = CriteriaSet.objects.get(code="xa-ntm-2021-2025")
    indicator = Indicator.objects.get(criterion__criteria_set=cset, code="15.1")
    other = make_commune(delta_commune.district, "96102", "Xã Không Phân Loại")
    data = AssessmentInput(entries={indicator.pk: IndicatorEntry(value=Decimal(90))})
    created = assessments_bulk_create(
        rows=[(delta_commune, YEAR, "draft", data), (other, YEAR, "draft", data)],
        catalogue=Catalogue.load(cset),
    )
    met = dict(
        IndicatorValue.objects.filter(assessment__in=created, indicator=indicator).values_list(
            "assessment__commune__code", "met"
        )
    )
    assert met == {"96101": True, "96102": False}
    # The import writes 2024 the same way.
    row = {"Mã xã": "96101", "Năm": 2024, "15.1": 90}
    row |= {f"TC{n}": "" for n in range(1, 20) if n != 15}
    report = import_assessments(rows=[row], user=None, dry_run=False)
    assert report.ok, report.lines()[:3]
    imported = IndicatorValue.objects.get(
        assessment__commune=delta_commune, assessment__year=2024, indicator=indicator
    )
    assert imported.met is True


def test_the_form_says_which_levels_apply(client, delta_commune):
    designate(delta_commune, valid_from=datetime.date(2022, 5, 1))
    admin = make_user("admin-318", superuser=True)
    client.force_login(admin)
    body = client.get(reverse("pages:assessment_edit", args=["96101", YEAR])).content.decode()
    assert 'id="designation"' in body and "Quyết định thử 1/QĐ-TTg" in body
    assert "Trung du" in body and "≥ 85%" in body
