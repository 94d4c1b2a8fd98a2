from decimal import Decimal as D

import pytest

from communes.models import Region
from criteria.evaluation import (
    Catalogue,
    IndicatorEntry,
    ThresholdKey,
    evaluate_assessment,
    evaluate_value,
    select_threshold,
)
from criteria.models import CriteriaSet, Indicator, Threshold

pytestmark = pytest.mark.django_db

CSET_REGION = CriteriaSet(threshold_basis="region")
CSET_GROUP = CriteriaSet(threshold_basis="commune_group")


def ind(kind="percent", comparison=">=", secondary=""):
    return Indicator(kind=kind, comparison=comparison, secondary_label=secondary)


def th(value, second=None, **kw):
    return Threshold(value=None if value is None else D(value), value_secondary=second, **kw)


@pytest.mark.parametrize(
    ("comparison", "value", "level", "met"),
    [
        (">=", "80", "80", True),
        (">=", "79.9", "80", False),
        ("<=", "12", "12", True),
        ("<=", "12.1", "12", False),
        ("=", "0", "0", True),
        ("=", "1", "0", False),
    ],
)
def test_it_compares_numeric_values(comparison, value, level, met):
    assert evaluate_value(ind(comparison=comparison), th(level), D(value)) is met


def test_number_kind_compares_like_percent():
    assert evaluate_value(ind(kind="number"), th("36"), D("36.5")) is True
    assert evaluate_value(ind(kind="number"), th("36"), D("35.9")) is False


def test_it_cannot_compute_without_value_or_known_threshold():
    assert evaluate_value(ind(), th("80"), None) is None
    assert evaluate_value(ind(), None, D(90)) is None
    assert evaluate_value(ind(), th(None, status="unknown"), D(90)) is None


def test_boolean_and_level_indicators_are_not_computed():
    assert evaluate_value(ind(kind="boolean", comparison=""), th("1"), D(1)) is None
    assert evaluate_value(ind(kind="level", comparison=""), None, D(1)) is None


def test_a_pair_needs_both_values():
    water = ind(secondary="trong đó nước sạch")
    level = th("95", D(60))
    assert evaluate_value(water, level, D(96), D(61)) is True
    assert evaluate_value(water, level, D(96), D(59)) is False
    assert evaluate_value(water, level, D(96), None) is False


def test_the_most_specific_threshold_wins():
    north = Region(pk=1, code="TDMNPB")
    delta = Region(pk=2, code="DBSH")
    national = th("80")
    regional = th("70", region=north)
    delta_level = th("90", region=delta)
    provincial = th("75", region=north, province_id=20)
    dated = th("60", region=north, year_from=2016, year_to=2019)
    pool = [national, regional, delta_level, provincial, dated]
    assert select_threshold(pool, ThresholdKey(2020, region_id=1), CSET_REGION) is regional
    assert select_threshold(pool, ThresholdKey(2020, region_id=2), CSET_REGION) is delta_level
    assert select_threshold(pool, ThresholdKey(2020, region_id=9), CSET_REGION) is national
    assert (
        select_threshold(pool, ThresholdKey(2020, province_id=20, region_id=1), CSET_REGION)
        is provincial
    )
    assert (
        select_threshold(pool[:2] + [dated], ThresholdKey(2017, region_id=1), CSET_REGION) is dated
    )


def test_group_based_sets_ignore_regions():
    north = Region(pk=1, code="TDMNPB")
    pool = [th("80"), th("70", region=north), th("50", commune_group_id=3)]
    assert select_threshold(pool, ThresholdKey(2027, region_id=1), CSET_GROUP) is pool[0]
    key = ThresholdKey(2027, region_id=1, commune_group_id=3)
    assert select_threshold(pool, key, CSET_GROUP) is pool[2]


def test_langson_uses_the_northern_mountain_column():
    """Indicator 4.2 of 1980/QĐ-TTg: 95% for TDMNPB, 99% for the Red River Delta."""
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    catalogue = Catalogue.load(cset)
    electricity = Indicator.objects.get(criterion__criteria_set=cset, code="4.2")
    key = ThresholdKey(2017, province_id=None, region_id=Region.objects.get(code="TDMNPB").pk)
    assert catalogue.threshold_for(electricity, key).value == D(95)
    delta = ThresholdKey(2017, region_id=Region.objects.get(code="DBSH").pk)
    assert catalogue.threshold_for(electricity, delta).value == D(99)


def test_the_catalogue_chooses_each_threshold_once_per_key(monkeypatch):
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    catalogue = Catalogue.load(cset)
    electricity = Indicator.objects.get(criterion__criteria_set=cset, code="4.2")
    north = ThresholdKey(2017, region_id=Region.objects.get(code="TDMNPB").pk)
    delta = ThresholdKey(2017, region_id=Region.objects.get(code="DBSH").pk)
    calls = []
    real = select_threshold

    def counting(*args):
        calls.append(args[1])
        return real(*args)

    monkeypatch.setattr("criteria.evaluation.select_threshold", counting)
    first = catalogue.threshold_for(electricity, north)
    assert catalogue.threshold_for(electricity, north) is first
    assert catalogue.threshold_for(electricity, delta).value == D(99)
    assert calls == [north, delta]


@pytest.mark.parametrize("code", ["xa-ntm-2016-2020", "xa-ntm-2021-2025"])
def test_a_catalogue_loaded_for_a_key_chooses_what_the_whole_catalogue_chooses(code):
    """For every indicator, region, group and the province of Lạng Sơn with its own levels:
    the thresholds of one key give the same choice as all of them; asked about another key,
    the catalogue loads the rest and still answers right."""
    from communes.models import CommuneGroup, Province

    cset = CriteriaSet.objects.get(code=code)
    whole = Catalogue.load(cset)
    langson = Province.objects.get(code="20").pk
    keys = [
        ThresholdKey(y, province_id=langson, region_id=r.pk)
        for r in Region.objects.all()
        for y in (2017, 2023, 2027)
    ]
    keys += [
        ThresholdKey(2027, province_id=langson, commune_group_id=g.pk)
        for g in CommuneGroup.objects.all()
    ]
    indicators = whole.all_indicators()
    assert indicators and whole.thresholds
    for key in keys:
        one = Catalogue.load(cset, for_key=key)
        assert sum(map(len, one.thresholds.values())) <= sum(map(len, whole.thresholds.values()))
        for indicator in indicators:
            assert one.threshold_for(indicator, key) == whole.threshold_for(indicator, key)
    other = Catalogue.load(cset, for_key=keys[0])
    for indicator in indicators:
        assert other.threshold_for(indicator, keys[-1]) == whole.threshold_for(indicator, keys[-1])
    assert other.for_key is None  # it holds every threshold now


def test_an_unknown_regional_level_does_not_hide_a_known_national_one():
    north = Region(pk=1, code="TDMNPB")
    national = th("95", D(60))
    unknown = th("95", region=north)
    unknown.value = unknown.value_secondary = None
    unknown.status = Threshold.Status.UNKNOWN
    assert select_threshold([unknown, national], ThresholdKey(2017, region_id=1), CSET_REGION) is (
        national
    )


def test_17_1_uses_the_national_level_when_the_regional_one_is_unknown():
    """1980/QĐ-TTg 17.1: every regional row is unknown, the national 95/60 is confirmed."""
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    catalogue = Catalogue.load(cset)
    water = Indicator.objects.get(criterion__criteria_set=cset, code="17.1")
    key = ThresholdKey(2017, region_id=Region.objects.get(code="TDMNPB").pk)
    level = catalogue.threshold_for(water, key)
    assert (level.value, level.value_secondary, level.status) == (D(95), D(60), "confirmed")
    assert evaluate_value(water, level, D(96), D(61)) is True
    assert evaluate_value(water, level, D(96), D(50)) is False


def test_income_before_2020_has_no_level_copied_backwards():
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    catalogue = Catalogue.load(cset)
    income = Indicator.objects.get(criterion__criteria_set=cset, code="10")
    north = Region.objects.get(code="TDMNPB").pk
    assert catalogue.threshold_for(income, ThresholdKey(2017, region_id=north)) is None
    assert catalogue.threshold_for(income, ThresholdKey(2020, region_id=north)).value == D(36)


def test_a_criterion_is_met_when_all_its_indicators_are(world):
    catalogue = Catalogue.load(world.cset)
    c1 = world.cset.criteria.get(number=1)
    boolean, percent = c1.indicators.order_by("order")
    key = ThresholdKey(2027, province_id=world.province.pk, region_id=world.province.region_id)
    ok = evaluate_assessment(
        catalogue, key, {boolean.pk: IndicatorEntry(met=True), percent.pk: IndicatorEntry(D(70))}
    )
    assert ok.criteria_met[c1.pk] is True and ok.total == 1
    low = evaluate_assessment(
        catalogue, key, {boolean.pk: IndicatorEntry(met=True), percent.pk: IndicatorEntry(D(69))}
    )
    assert low.criteria_met[c1.pk] is False and low.total == 0


def test_it_reports_out_of_range_and_unreasoned_manual_values(world):
    catalogue = Catalogue.load(world.cset)
    percent = Indicator.objects.get(criterion__criteria_set=world.cset, code="1.2")
    key = ThresholdKey(2027, region_id=world.province.region_id)
    result = evaluate_assessment(catalogue, key, {percent.pk: IndicatorEntry(D(101))})
    assert "1.2" in result.errors
    Threshold.objects.filter(indicator=percent).update(value=None, status="unknown")
    catalogue = Catalogue.load(world.cset)
    manual = evaluate_assessment(catalogue, key, {percent.pk: IndicatorEntry(D(50), met=True)})
    assert "lý do" in manual.errors["1.2"]
    reasoned = evaluate_assessment(
        catalogue, key, {percent.pk: IndicatorEntry(D(50), met=True, manual_reason="Theo HD 1")}
    )
    assert not reasoned.errors
    assert reasoned.outcomes[percent.pk].manual is True


def test_a_manual_decision_needs_a_reason_and_nothing_else_does():
    from criteria.evaluation import manual_reason_missing

    message = "Chưa có ngưỡng số cho chỉ tiêu này: cần ghi lý do khi tự đánh giá."
    assert manual_reason_missing(True, "") == message
    assert manual_reason_missing(False, "   ") == message
    assert manual_reason_missing(True, "Theo hướng dẫn") is None
    assert manual_reason_missing(None, "") is None  # nothing decided yet
