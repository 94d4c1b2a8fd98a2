"""Plans on the units and criteria of their year, in both worlds: the units a plan offers and
counts are those of its area on its day (31/12, or a former district's last day), its progress is
the report's figure for that area and year, and its targets are for the criteria of the set of
that year, typed as people type them ("6,5")."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from communes.models import Province
from criteria.applicable import criteria_set_for_year
from plans.models import Plan, year_criteria
from reports.areas import area_for
from reports.figures import report_figures
from reports.plan_progress import plan_progress
from tests.base import make_assessment, make_certification

pytestmark = pytest.mark.django_db


def offered(client, user, code: str, **query) -> set[str]:
    """The names of the units the new-plan form offers."""
    client.force_login(user)
    url = reverse("plans:plan_create", args=[code])
    response = client.get(url, query)
    assert response.status_code == 200
    return {c.name for c in response.context["form"].fields["target_communes"].queryset}


def posted(client, user, code: str, data: dict):
    client.force_login(user)
    return client.post(reverse("plans:plan_create", args=[code]), {"tier": "ntm", **data})


def error_codes(response, field: str) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


# --- The units offered and counted -----------------------------------------------------------


def test_a_2027_plan_of_the_reform_province_offers_its_units_of_2027(client, reform_world):
    w = reform_world
    # Not the old units (ended 30/06/2025, two of whose codes were reused), not the ward.
    assert offered(client, w.province_staff, "96", year=2027) == {"Xã Đông Tây", "Xã Bắc Sơn"}


def test_a_2024_plan_offers_the_units_of_2024(client, reform_world):
    w = reform_world
    # The programme xã of then: not the thị trấn, not the units formed in 2025.
    assert offered(client, w.province_staff, "96", year=2024) == {"Xã Đông", "Xã Tây", "Xã Bắc"}


def test_a_plan_of_the_former_district_of_2024_counts_its_units_then(reform_world):
    w = reform_world
    plan = Plan(province=w.province, district=w.old_district, year=2024)
    assert plan.day == datetime.date(2024, 12, 31)
    assert set(plan.communes().in_programme()) == {w.old_dong, w.old_tay, w.old_bac}


def test_a_plan_of_the_former_district_of_2025_takes_its_units_on_its_last_day(reform_world):
    w = reform_world
    plan = Plan(province=w.province, district=w.old_district, year=2025)
    assert plan.day == datetime.date(2025, 6, 30)  # as the district's report of 2025
    assert set(plan.communes()) == {w.old_dong, w.old_tay, w.old_bac, w.old_township}


def test_a_2027_province_plan_counts_the_units_of_2027(reform_world):
    w = reform_world
    plan = Plan(province=w.province, year=2027)
    assert set(plan.communes()) == {w.dong_tay, w.bac_son, w.ward}


def test_the_posted_former_district_narrows_what_is_offered(client, reform_world):
    w = reform_world
    client.force_login(w.province_staff)
    response = posted(
        client,
        w.province_staff,
        "96",
        {"year": 2024, "district": w.old_district.pk, "target_communes": [w.dong_tay.pk]},
    )
    assert response.status_code == 400  # xã Đông Tây did not exist in 2024
    queryset = response.context["form"].fields["target_communes"].queryset
    assert set(queryset) == {w.old_dong, w.old_tay, w.old_bac}


def test_a_2027_plan_names_current_units_and_refuses_old_ones(client, reform_world):
    w = reform_world
    response = posted(
        client, w.province_staff, "96", {"year": 2027, "target_communes": [w.old_dong.pk]}
    )
    assert response.status_code == 400
    assert error_codes(response, "target_communes") == ["invalid_choice"]
    response = posted(
        client,
        w.province_staff,
        "96",
        {"year": 2027, "target_communes": [w.dong_tay.pk, w.bac_son.pk]},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(province=w.province, year=2027)
    assert set(plan.target_communes.all()) == {w.dong_tay, w.bac_son}
    assert plan.target_certified == 2


def test_a_former_district_plans_only_for_its_years(client, reform_world):
    w = reform_world
    response = posted(
        client,
        w.province_staff,
        "96",
        {"year": 2027, "district": w.old_district.pk, "target_certified": 1},
    )
    assert response.status_code == 400
    assert error_codes(response, "district") == ["district_not_in_year"]
    assert "Huyện Huyện Cũ không tồn tại trong năm 2027." in response.content.decode()
    assert not Plan.objects.filter(province=w.province).exists()
    response = posted(
        client,
        w.province_staff,
        "96",
        {"year": 2024, "district": w.old_district.pk, "target_certified": 1},
    )
    assert response.status_code == 302


def test_the_pre_reform_world_offers_the_communes_of_the_province(client, world):
    names = offered(client, world.province_staff, "98", year=2027)
    assert names == {"Xã Một", "Xã Hai", "Xã Ba"}  # not the other province's


def test_a_district_plan_of_the_pre_reform_world_offers_its_communes(client, world):
    response = posted(
        client,
        world.province_staff,
        "98",
        {"year": 2024, "district": world.district_a.pk, "target_communes": [world.commune_b1.pk]},
    )
    assert response.status_code == 400
    assert error_codes(response, "target_communes") == ["invalid_choice"]
    queryset = response.context["form"].fields["target_communes"].queryset
    assert set(queryset) == {world.commune_a1, world.commune_a2}


# --- Progress is the report's figure -----------------------------------------------------------


@pytest.fixture
def reform_plan(reform_world):
    """Province 96 in 2027: xã Đông Tây meets 7 of the 10 criteria and is certified on
    01/05/2027, xã Bắc Sơn meets 4; the plan: 2 communes, 6,50 criteria, criterion 1 by 2."""
    w = reform_world
    make_assessment(w.dong_tay, 2027, w.cset, met=7)
    make_assessment(w.bac_son, 2027, w.cset, met=4)
    make_certification(w.dong_tay, w.cset, datetime.date(2027, 5, 1))
    w.plan = Plan.objects.create(
        province=w.province,
        year=2027,
        target_certified=2,
        target_average=Decimal("6.50"),
        criterion_targets={"1": 2, "8": 2},
    )
    return w


def test_progress_of_the_reform_province_is_the_reports_figure(reform_plan):
    w = reform_plan
    area = area_for("province", "96")
    figures = report_figures(2027, grouping=area.grouping, communes=area.communes)
    progress = plan_progress(w.plan)
    assert progress.average == figures.headline.average == Decimal("5.50")  # (7 + 4) / 2
    per_criterion = {r.number: r.count for r in figures.per_criterion}
    assert {c.number: c.actual for c in progress.criteria} == {1: 2, 8: 0}
    assert {c.number: c.actual for c in progress.criteria} == {n: per_criterion[n] for n in (1, 8)}
    assert progress.certified == 1 and progress.certified_names == ["Xã Đông Tây"]


def test_the_plan_page_of_the_reform_province_shows_the_reports_figures(client, reform_plan):
    client.force_login(reform_plan.province_staff)
    response = client.get(reverse("plans:plan_list", args=["96"]) + "?year=2027")
    row = response.context["rows"][0]
    assert (row.certified, row.average) == (1, Decimal("5.50"))
    assert "TC 1: 2/2" in response.content.decode()


def test_the_report_and_the_home_page_show_the_same_progress(client, reform_plan, monkeypatch):
    from django.utils import timezone

    line = "Bình quân tiêu chí/xã: kế hoạch 6,50, thực hiện 5,50"
    client.force_login(reform_plan.province_staff)
    report = client.get(reverse("reports:province_report", args=["96", 2027])).content.decode()
    assert "Kế hoạch 2 xã, thực hiện 1 xã, đạt 50 %" in report and line in report
    monkeypatch.setattr(timezone, "localdate", lambda *a: datetime.date(2027, 11, 1))
    home = client.get(reverse("home")).content.decode()
    assert "Kế hoạch 2 xã, thực hiện 1 xã, đạt 50 %" in home and line in home


def test_progress_of_a_former_districts_2024_plan_is_its_reports_figure(reform_world):
    w = reform_world
    cset = criteria_set_for_year(2024)
    make_assessment(w.old_dong, 2024, cset, met=12)
    make_assessment(w.old_tay, 2024, cset, met=9)
    make_assessment(w.old_township, 2024, cset, met=19)  # outside the programme: not counted
    plan = Plan.objects.create(
        province=w.province, district=w.old_district, year=2024, target_average=Decimal(12)
    )
    area = area_for("district", "961")
    figures = report_figures(2024, grouping=area.grouping, communes=area.communes)
    # (12 + 9 + 0) / 3 programme xã of 2024
    assert plan_progress(plan).average == figures.headline.average == Decimal("7.00")


def test_progress_of_the_pre_reform_world_is_the_reports_figure(plan_world):
    w = plan_world
    for kind, code, plan in (
        ("province", "98", w.plan),
        (
            "district",
            "981",
            Plan.objects.create(
                province=w.province, district=w.district_a, year=2027, criterion_targets={"1": 2}
            ),
        ),
    ):
        area = area_for(kind, code)
        figures = report_figures(2027, grouping=area.grouping, communes=area.communes)
        progress = plan_progress(plan)
        assert progress.average == figures.headline.average
        per_criterion = {r.number: r.count for r in figures.per_criterion}
        assert {c.number: c.actual for c in progress.criteria} == {
            c.number: per_criterion[c.number] for c in progress.criteria
        }


# --- Targets for the criteria of the year's set ---------------------------------------------


def test_criterion_17_is_refused_for_the_10_criteria_set(client, reform_world):
    w = reform_world
    response = posted(
        client, w.province_staff, "96", {"year": 2027, "criterion_targets": "1: 2, 17: 1"}
    )
    assert response.status_code == 400
    assert error_codes(response, "criterion_targets") == ["criterion_not_in_set"]
    assert "có 10 tiêu chí, không có tiêu chí 17" in response.content.decode()
    assert not Plan.objects.filter(province=w.province).exists()
    response = posted(
        client, w.province_staff, "96", {"year": 2027, "criterion_targets": "1: 2, 10: 1"}
    )
    assert response.status_code == 302
    assert Plan.objects.get(province=w.province).criterion_targets == {"1": 2, "10": 1}


def test_criterion_4_is_refused_for_the_3_criteria_set(client, world):
    response = posted(
        client, world.province_staff, "98", {"year": 2028, "criterion_targets": "4: 1"}
    )
    assert response.status_code == 400
    assert error_codes(response, "criterion_targets") == ["criterion_not_in_set"]
    # 2024: the 19 criteria of 2021-2025.
    response = posted(
        client, world.province_staff, "98", {"year": 2024, "criterion_targets": "17: 1"}
    )
    assert response.status_code == 302


def test_a_year_without_a_set_takes_no_criterion_target(client, world):
    assert year_criteria(2031) is None  # the test set ends in 2030, the real one moved away
    response = posted(
        client, world.province_staff, "98", {"year": 2031, "criterion_targets": "1: 1"}
    )
    assert response.status_code == 400
    assert error_codes(response, "criterion_targets") == ["no_criteria_set"]


def test_an_average_above_the_number_of_criteria_is_refused(client, reform_world):
    w = reform_world
    response = posted(client, w.province_staff, "96", {"year": 2027, "target_average": "11"})
    assert response.status_code == 400
    assert error_codes(response, "target_average") == ["average_above_criteria"]


# --- The decimal comma -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["6,5", "6.5", " 6,50 "])
def test_the_average_is_read_with_a_decimal_comma(client, reform_world, language, typed):
    w = reform_world
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = posted(client, w.province_staff, "96", {"year": 2027, "target_average": typed})
    assert response.status_code == 302
    assert Plan.objects.get(province=w.province).target_average == Decimal("6.5")


def test_the_average_is_shown_as_typed_and_saved_unchanged(client, plan_world):
    w = plan_world
    client.force_login(w.province_staff)
    url = reverse("plans:plan_edit", args=["98", w.plan.pk])
    page = client.get(url).content.decode()
    assert 'value="2,5"' in page
    data = {"year": 2027, "tier": "ntm", "target_certified": 3, "target_average": "2,5"}
    assert client.post(url, {**data, "criterion_targets": "1: 3, 3: 2"}).status_code == 302
    w.plan.refresh_from_db()
    assert w.plan.target_average == Decimal("2.50")


@pytest.mark.parametrize("typed", ["1e1", "NaN", "inf", "6,5,1", "1.000,5"])
def test_what_is_not_a_decimal_is_refused(client, world, typed):
    response = posted(client, world.province_staff, "98", {"year": 2024, "target_average": typed})
    assert response.status_code == 400
    assert error_codes(response, "target_average") == ["invalid"]
    assert not Plan.objects.exists()


def test_a_2026_plan_of_the_demo_province_counts_its_61_xa_as_the_report_does():
    """Lạng Sơn (the demo): the 2026 plan once counted the 237 old units and none of the 61 xã
    of 01/07/2025, and showed "thực hiện 0,00" and criterion 1 "40/0" next to the report."""
    province = Province.objects.with_code("20").get()
    plan = Plan.objects.create(
        province=province,
        year=2026,
        target_average=Decimal("6.5"),
        criterion_targets={"1": 40},
    )
    assert plan.communes().in_programme().count() == 61
    area = area_for("province", "20")
    figures = report_figures(2026, grouping=area.grouping, communes=area.communes)
    progress = plan_progress(plan)
    assert progress.average == figures.headline.average > 0
    criterion_1 = next(r.count for r in figures.per_criterion if r.number == 1)
    assert [(c.number, c.actual) for c in progress.criteria] == [(1, criterion_1)]
    assert criterion_1 > 0


def test_an_edit_keeps_the_units_a_plan_already_names(client, reform_world):
    """A plan naming a unit outside its area and year (entered before the rule) is saved
    unchanged: its named communes are not dropped behind the user's back."""
    w = reform_world
    plan = Plan.objects.create(province=w.province, year=2027, target_certified=2)
    plan.target_communes.set([w.old_dong, w.dong_tay])
    client.force_login(w.province_staff)
    url = reverse("plans:plan_edit", args=["96", plan.pk])
    form = client.get(url).context["form"]
    assert set(form.fields["target_communes"].queryset) == {w.dong_tay, w.bac_son, w.old_dong}
    data = {"year": 2027, "tier": "ntm", "target_certified": 2}
    response = client.post(url, {**data, "target_communes": [w.old_dong.pk, w.dong_tay.pk]})
    assert response.status_code == 302
    assert set(plan.target_communes.all()) == {w.old_dong, w.dong_tay}


def test_the_former_districts_2025_report_shows_its_plan_on_its_last_day(client, reform_world):
    """2025: the district's report is taken on 30/06/2025, its last day; so is its plan (the
    assessments of 2024 carried forward: its xã no longer exist on 31/12/2025)."""
    w = reform_world
    cset = criteria_set_for_year(2024)
    assert criteria_set_for_year(2025) == cset
    make_assessment(w.old_dong, 2024, cset, met=15)
    make_assessment(w.old_bac, 2024, cset, met=12)
    plan = Plan.objects.create(
        province=w.province, district=w.old_district, year=2025, target_average=Decimal(14)
    )
    area = area_for("district", "961")
    figures = report_figures(
        2025, grouping=area.grouping, communes=area.communes, as_at=datetime.date(2025, 6, 30)
    )
    assert figures.headline.average == Decimal("9.00")  # (15 + 0 + 12) / 3 programme xã
    assert plan_progress(plan).average == figures.headline.average  # the plan page's, alone
    client.force_login(w.province_staff)
    page = client.get(reverse("reports:district_report", args=["961", 2025])).content.decode()
    assert "Bình quân tiêu chí/xã: kế hoạch 14,00, thực hiện 9,00" in page
