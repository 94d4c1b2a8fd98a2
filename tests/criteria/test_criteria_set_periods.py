"""Which criteria set applies: CriteriaSet.objects.for_date / for_year and the services that
use them (the catalogues are loaded by the session's demo seed)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communes.models import Commune
from criteria import applicable, services
from criteria.models import CriteriaSet, PovertyStandard

pytestmark = pytest.mark.django_db


def codes(qs) -> list[str]:
    return [s.code for s in qs]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2016, 11, 30), ["xa-ntm-2011-2015"]),
        (datetime.date(2016, 12, 1), ["xa-ntm-2016-2020"]),
        (datetime.date(2022, 3, 7), ["xa-ntm-2016-2020"]),
        (datetime.date(2022, 3, 8), ["xa-ntm-2021-2025"]),
        (datetime.date(2026, 2, 14), ["xa-ntm-2021-2025"]),
        (datetime.date(2026, 2, 15), ["xa-ntm-2026-2030"]),
    ],
)
def test_the_set_in_force_on_a_day(day, expected):
    assert codes(CriteriaSet.objects.for_date(day)) == expected


def test_the_modern_commune_pilot_is_its_own_tier_from_15_february_2026():
    assert codes(CriteriaSet.objects.for_date(datetime.date(2026, 2, 14), level="modern")) == []
    assert codes(CriteriaSet.objects.for_date(datetime.date(2026, 2, 15), level="modern")) == [
        "xa-ntm-hien-dai-2026-2030"
    ]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2010, []),
        (2015, ["xa-ntm-2011-2015"]),
        (2016, ["xa-ntm-2016-2020", "xa-ntm-2011-2015"]),
        (2017, ["xa-ntm-2016-2020"]),
        (2020, ["xa-ntm-2016-2020"]),
        # 318/QĐ-TTg took effect on 08/03/2022: 2021 and early 2022 may be under 2016-2020.
        (2021, ["xa-ntm-2021-2025", "xa-ntm-2016-2020"]),
        (2022, ["xa-ntm-2021-2025", "xa-ntm-2016-2020"]),
        (2023, ["xa-ntm-2021-2025"]),
        # 51/2025/QĐ-TTg took effect on 15/02/2026.
        (2026, ["xa-ntm-2026-2030", "xa-ntm-2021-2025"]),
        (2030, ["xa-ntm-2026-2030"]),
        (2031, []),
    ],
)
def test_the_sets_an_assessment_of_a_year_may_use_default_first(year, expected):
    assert codes(CriteriaSet.objects.for_year(year)) == expected


def test_the_default_set_of_a_year_is_that_of_its_period():
    assert applicable.criteria_set_for_year(2017).code == "xa-ntm-2016-2020"
    assert applicable.criteria_set_for_year(2021).code == "xa-ntm-2021-2025"
    assert applicable.criteria_set_for_year(2015).code == "xa-ntm-2011-2015"
    assert applicable.criteria_set_for_year(2026).code == "xa-ntm-2026-2030"


def test_a_set_outside_the_year_cannot_be_chosen():
    with pytest.raises(ValidationError) as exc:
        applicable.criteria_set_for_year(2023, code="xa-ntm-2016-2020")
    assert exc.value.code == "criteria_set_not_in_year"


def test_a_2021_assessment_can_be_created_under_2016_2020():
    commune = Commune.objects.in_programme().valid_in(2021).get(code="06505")
    assessment = services.assessment_create(
        commune=commune, year=2021, criteria_set_code="xa-ntm-2016-2020"
    )
    assert assessment.criteria_set.code == "xa-ntm-2016-2020"
    assert assessment.criteria_set.criteria.count() == 19


def test_a_2021_assessment_defaults_to_2021_2025():
    commune = Commune.objects.in_programme().valid_in(2021).get(code="06505")
    assessment = services.assessment_create(commune=commune, year=2021)
    assert assessment.criteria_set.code == "xa-ntm-2021-2025"


def test_each_period_has_its_poverty_standard_as_data():
    by_code = {s.code: s for s in CriteriaSet.objects.all()}
    assert (
        by_code["xa-ntm-2016-2020"]
        .poverty_standard_for(2018)
        .legal_basis.startswith("Quyết định 59/2015/QĐ-TTg")
    )
    assert (
        by_code["xa-ntm-2021-2025"]
        .poverty_standard_for(2023)
        .legal_basis.startswith("Nghị định 07/2021/NĐ-CP")
    )
    new = by_code["xa-ntm-2026-2030"]
    assert "2021-2025" in new.poverty_standard_for(2026).name_vi
    assert "2,2 triệu" in new.poverty_standard_for(2027).name_vi
    unconfirmed = by_code["xa-ntm-2011-2015"].poverty_standard_for(2013)
    assert unconfirmed.confirmed is False and unconfirmed.legal_basis == ""
    assert PovertyStandard.objects.filter(criteria_set=by_code["xa-ntm-2026-2030"]).count() == 2
