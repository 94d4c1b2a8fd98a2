import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from communes.models import Commune, CommuneGroupAssignment, District
from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue
from demo import services
from reports.figures import headline

pytestmark = pytest.mark.django_db

LANGSON = {"district__province__code": "20"}


def test_it_reproduces_the_reported_2017_figures():
    h = headline(2017, communes=Commune.objects.filter(**LANGSON))
    assert (h.certified, h.communes) == (36, 207)
    assert str(h.average) == "8.65"
    assert h.carried_forward == 0 and h.not_assessed == 0


def test_it_shows_progress_from_year_to_year():
    years = [headline(y, communes=Commune.objects.filter(**LANGSON)) for y in (2016, 2017, 2018)]
    assert [h.certified for h in years] == sorted(h.certified for h in years)
    assert years[0].average < years[1].average < years[2].average


def test_every_assessment_is_consistent_with_its_results_and_values():
    assessments = Assessment.objects.filter(commune__district__province__code="20").annotate(
        n_met=Count("results", filter=Q(results__met=True)), n_results=Count("results")
    )
    assert assessments.count() == 207 * 3
    assert all(a.criteria_met == a.n_met and a.n_results == 19 for a in assessments)
    # A met criterion has only met indicators; an unmet one has at least one unmet indicator.
    all_met = {}
    for assessment_id, criterion_id, met in IndicatorValue.objects.filter(
        assessment__commune__district__province__code="20"
    ).values_list("assessment_id", "indicator__criterion_id", "met"):
        key = (assessment_id, criterion_id)
        all_met[key] = all_met.get(key, True) and met is True
    results = CriterionResult.objects.filter(assessment__commune__district__province__code="20")
    assert len(all_met) == results.count()
    for assessment_id, criterion_id, met in results.values_list(
        "assessment_id", "criterion_id", "met"
    ):
        assert all_met[(assessment_id, criterion_id)] is met


def test_certified_communes_met_all_criteria_that_year():
    # Not the decisions transcribed without an assessment (99, 103, 105/QĐ-UBND of 2023).
    for cert in Certification.objects.filter(
        commune__district__province__code="20", kind=Certification.Kind.ASSESSMENT
    ):
        assessment = Assessment.objects.get(commune=cert.commune, year=cert.decision_date.year)
        assert assessment.criteria_met == 19


def test_it_is_idempotent():
    before = (
        Assessment.objects.count(),
        Certification.objects.count(),
        headline(2017, communes=Commune.objects.filter(**LANGSON)),
    )
    call_command("seed_demo", force=True, verbosity=0)
    assert (
        Assessment.objects.count(),
        Certification.objects.count(),
        headline(2017, communes=Commune.objects.filter(**LANGSON)),
    ) == before


def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        call_command("seed_demo", verbosity=0)


def test_it_creates_one_account_per_role(django_user_model):
    province = django_user_model.objects.get(username="province")
    district = django_user_model.objects.get(username="district")
    assert django_user_model.objects.get(username="admin").is_superuser
    assert province.membership.province.code == "20"
    assert district.membership.district.code == "187"
    assert province.check_password("demo12345")
    assert district.has_perm("criteria.submit_assessment")
    assert not district.has_perm("criteria.approve_assessment")
    assert province.has_perm("criteria.approve_assessment")


def _bang_mac_2025():
    """Xã Bằng Mạc of 01/07/2025: loaded by the unit loader when it is there, else made here
    on the old district (before the dated hierarchy a commune needs one)."""
    found = services.commune_of_two_tiers("06475")
    if found is not None:
        return found
    Commune.objects.filter(code="06475", valid_to__isnull=True).update(
        valid_to=datetime.date(2025, 6, 30)
    )
    return Commune.objects.create(
        code="06475",
        name="Bằng Mạc",
        kind=Commune.Kind.COMMUNE,
        district=District.objects.get(code="187"),
        valid_from=datetime.date(2025, 7, 1),
    )


def test_it_creates_the_commune_official_of_bang_mac(django_user_model):
    commune = _bang_mac_2025()
    services.ensure_users(services.SeedReport())
    xa = django_user_model.objects.get(username="xa")
    assert xa.membership.role == "commune"
    assert xa.membership.commune == commune
    assert xa.check_password("demo12345")
    assert xa.has_perm("criteria.change_assessment")
    assert not xa.has_perm("criteria.approve_assessment")


def test_it_creates_no_commune_official_before_the_2025_units(django_user_model, monkeypatch):
    django_user_model.objects.filter(username="xa").delete()
    monkeypatch.setattr(services, "commune_of_two_tiers", lambda code: None)
    report = services.SeedReport()
    services.ensure_users(report)
    assert not django_user_model.objects.filter(username="xa").exists()
    assert "xa" not in report.users_created


def test_it_adds_an_illustrative_2026_baseline_under_51_2025():
    from criteria.models import CriterionResult
    from reports.figures import report_figures

    baseline = Assessment.objects.filter(commune__province__code="20", year=2026)
    assert baseline.count() == 60  # the 61 xã of 01/07/2025 but Bằng Mạc, left to the journey
    assert set(baseline.values_list("criteria_set__code", "status", "tier")) == {
        ("xa-ntm-2026-2030", "approved", "ntm")
    }
    assert all("minh họa" in a.note for a in baseline)
    notes = set(
        CriterionResult.objects.filter(assessment__in=baseline).values_list("note", flat=True)
    )
    assert notes == {services.BASELINE_CRITERION_NOTE}
    assert not baseline.filter(commune__code="06475").exists()
    groups = CommuneGroupAssignment.objects.filter(commune__province__code="20", year_from=2026)
    assert groups.count() == 61 and set(groups.values_list("note", flat=True)) == {
        services.GROUP_NOTE
    }
    figures = report_figures(2026, communes=Commune.objects.filter(province__code="20"))
    assert figures.headline.communes == 61 and figures.headline.not_assessed == 1
    assert [(u.criteria_set.code, u.communes) for u in figures.sets_used] == [
        ("xa-ntm-2026-2030", 60)
    ]
    # Every 2026 criterion is judged as a whole: a manual decision.
    assert figures.judgements.manual == 600 and figures.judgements.unconfirmed == 0


def test_the_2026_form_of_bang_mac_shows_its_illustrative_group(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get("/communes/06475/2026/")
    body = response.content.decode()
    assert response.context["n_criteria"] == 10
    assert response.context["commune_group"] is not None
    assert "data-group-note" in body and "Minh họa (demo)" in body


def test_it_enters_the_three_real_advanced_decisions_of_2023():
    """99, 103 and 105/QĐ-UBND of 26/01/2023 (ntm-reference §18.3), by official code."""
    decisions = Certification.objects.filter(kind=Certification.Kind.TRANSCRIBED).order_by(
        "commune__code"
    )
    assert [(c.commune.code, c.commune.name, c.decision_number) for c in decisions] == [
        ("06034", "Chi Lăng", "99/QĐ-UBND"),
        ("06454", "Sơn Hà", "103/QĐ-UBND"),
        ("06646", "Bắc Lãng", "105/QĐ-UBND"),
    ]
    for c in decisions:
        assert (c.tier, c.recognised_year, c.decision_date) == (
            "advanced",
            2022,
            datetime.date(2023, 1, 26),
        )
        assert (c.authority, c.criteria_set.code) == (
            "UBND tỉnh Lạng Sơn",
            "xa-ntm-nang-cao-2021-2025",
        )
        assert c.basis == "Quyết định 318/QĐ-TTg, Phụ lục II"
        assert c.tier_below_not_recorded and c.no_assessment_reason


def test_it_draws_an_illustrative_map_of_the_units_of_2025(client):
    """Issue 29: an invented boundary file of Lạng Sơn's 65 units of 01/07/2025, labelled as
    such, so `make run` shows the province report's map."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from maps.models import BoundaryFile

    boundary = BoundaryFile.objects.get(province__code="20", is_illustrative=True)
    assert boundary.describes_on == datetime.date(2025, 7, 1)
    assert boundary.shapes.count() == 65 and boundary.report["unmatched"] == []
    client.force_login(get_user_model().objects.get(username="admin"))
    body = client.get(reverse("reports:province_report", args=["20", 2026])).content.decode()
    assert body.count("data-unit=") == 65
    assert "Minh họa — không phải ranh giới thật" in body
    svg = body[body.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart report-map-svg"') :]
    assert len(svg[: svg.index("</svg>")].encode()) < 100_000
