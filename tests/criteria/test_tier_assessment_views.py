"""The advanced, model and modern assessments on the web: their own pages under
/communes/<code>/<year>/<tier-slug>/, the same workflow and access rules as the standard one,
and the commune page listing them and offering to start one where the commune may have one."""

import datetime

import pytest
from django.urls import resolve, reverse

from criteria.models import Assessment, CriteriaSet
from tests.base import make_assessment, make_certification
from tests.criteria.conftest import login
from tests.criteria.test_tiers import give_the_modern_set_criteria, make_advanced_set

pytestmark = pytest.mark.django_db

ADVANCED = "/communes/98101/2027/nang-cao/"


def post_flags(cset, version: int, met: int, note: str = "Thẩm tra của huyện") -> dict:
    """The form of a set judged criterion by criterion: criteria 1..met met."""
    data = {"version": str(version), "note": ""}
    for c in cset.criteria.all():
        data[f"c{c.pk}_met"] = "1" if c.number <= met else "0"
        data[f"c{c.pk}_note"] = note
    return data


@pytest.fixture
def advanced_set(world):
    return make_advanced_set()


def test_the_standard_paths_are_unchanged_and_each_tier_has_its_own():
    assert reverse("pages:assessment_edit", args=["98101", 2027]) == "/communes/98101/2027/"
    assert reverse("pages:assessment_submit", args=["98101", 2027]) == (
        "/communes/98101/2027/submit/"
    )
    paths = {
        tier: reverse("pages:tier_assessment_edit", args=["98101", 2027, tier])
        for tier in ("advanced", "model", "modern")
    }
    assert paths == {
        "advanced": ADVANCED,
        "model": "/communes/98101/2027/kieu-mau/",
        "modern": "/communes/98101/2027/hien-dai/",
    }
    assert resolve("/communes/98101/2027/hien-dai/reopen/").kwargs["tier"] == "modern"
    assert resolve("/communes/98101/2027/approve/").url_name == "assessment_approve"


def test_province_staff_enter_an_advanced_assessment_beside_the_standard_one(
    client, world, advanced_set
):
    standard = make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.province_staff)
    page = client.get(ADVANCED)
    assert page.status_code == 200
    assert page.context["criteria_set"] == advanced_set
    assert page.context["n_criteria"] == 2
    body = page.content.decode()
    assert "Hạng: Xã nông thôn mới nâng cao" in body
    response = client.post(ADVANCED, post_flags(advanced_set, 0, met=1))
    assert response.status_code == 302 and response["Location"] == ADVANCED
    advanced = Assessment.objects.get(commune=world.commune_a1, year=2027, tier="advanced")
    assert (advanced.criteria_set, advanced.criteria_met) == (advanced_set, 1)
    assert advanced.get_absolute_url() == ADVANCED
    standard.refresh_from_db()
    assert (standard.tier, standard.criteria_met, standard.criteria_set) == ("ntm", 3, world.cset)
    # The standard page still shows the standard assessment.
    assert client.get("/communes/98101/2027/").context["assessment"] == standard


def test_the_workflow_runs_on_the_tier_pages(client, world, advanced_set):
    login(client, world.province_staff)
    client.post(ADVANCED, post_flags(advanced_set, 0, met=2))
    advanced = Assessment.objects.get(tier="advanced", commune=world.commune_a1)
    body = client.get(ADVANCED).content.decode()
    assert f'action="{ADVANCED}submit/"' in body
    assert client.post(ADVANCED + "submit/")["Location"] == ADVANCED
    advanced.refresh_from_db()
    assert advanced.status == "submitted"
    client.post(ADVANCED + "return/", {"reason": "Thiếu biên bản"})
    advanced.refresh_from_db()
    assert (advanced.status, advanced.return_reason) == ("draft", "Thiếu biên bản")
    client.post(ADVANCED + "submit/")
    client.post(ADVANCED + "approve/")
    advanced.refresh_from_db()
    assert advanced.status == "approved"
    client.post(ADVANCED + "reopen/", {"reason": "Sửa số liệu"})
    advanced.refresh_from_db()
    assert advanced.status == "draft"
    # The standard assessment of the year was never touched (there is none).
    assert not Assessment.objects.filter(tier="ntm", commune=world.commune_a1, year=2027)


@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_the_tier_workflow_urls_reject_get(client, world, advanced_set, action):
    login(client, world.province_staff)
    assert client.get(f"{ADVANCED}{action}/").status_code == 405


def test_the_same_access_rules_apply(client, world, advanced_set):
    login(client, world.commune_official)
    assert client.post(ADVANCED, post_flags(advanced_set, 0, met=2)).status_code == 302
    assert client.post(ADVANCED + "submit/").status_code == 302
    assert client.post(ADVANCED + "approve/").status_code == 403  # the province approves
    login(client, world.official_a)  # the district reads and submits only
    page = client.get(ADVANCED)
    assert page.status_code == 200 and not page.context["editable"]
    for persona in ("official_b", "other_province_staff"):
        login(client, getattr(world, persona))
        assert client.get(ADVANCED).status_code == 404
        assert client.post(ADVANCED + "approve/").status_code == 404
    login(client, world.province_staff)
    assert client.post(ADVANCED + "approve/").status_code == 302
    assert Assessment.objects.get(tier="advanced").status == "approved"


def test_a_tier_without_a_set_that_year_says_so(client, world):
    """No model set covers 2027 (2026-2030 has no national model set, ntm-reference §16.5)."""
    assert not CriteriaSet.objects.for_year(2027, CriteriaSet.Level.MODEL).exists()
    login(client, world.province_staff)
    response = client.get("/communes/98101/2027/kieu-mau/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không có bộ tiêu chí “Xã nông thôn mới kiểu mẫu” nào áp dụng cho năm 2027" in body
    assert 'id="standard-assessment" href="/communes/98101/2027/"' in body or (
        'href="/communes/98101/2027/" id="standard-assessment"' in body
    )
    assert client.post("/communes/98101/2027/kieu-mau/", {"version": "0"}).status_code == 404
    assert not Assessment.objects.filter(tier="model").exists()


def test_the_modern_page_uses_the_pilot_set(client, world):
    cset = give_the_modern_set_criteria(criteria=3)
    login(client, world.province_staff)
    page = client.get("/communes/98101/2027/hien-dai/")
    assert page.status_code == 200
    assert page.context["criteria_set"] == cset and page.context["n_criteria"] == 3
    client.post("/communes/98101/2027/hien-dai/", post_flags(cset, 0, met=3))
    modern = Assessment.objects.get(tier="modern", commune=world.commune_a1)
    assert (modern.year, modern.criteria_met) == (2027, 3)


def test_the_tier_page_keeps_a_fixed_number_of_queries(
    client, world, advanced_set, django_assert_num_queries
):
    login(client, world.province_staff)
    client.post(ADVANCED, post_flags(advanced_set, 0, met=1))
    # The standard page's 16 for the form and 1 for the revision in force (a draft), without
    # the practices (they help standard criteria).
    with django_assert_num_queries(17):
        assert client.get(ADVANCED).status_code == 200


# --- The commune page -----------------------------------------------------------------------


def test_the_commune_page_lists_the_tier_assessments_with_links(client, world, advanced_set):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.province_staff)
    client.post(ADVANCED, post_flags(advanced_set, 0, met=1))
    response = client.get("/communes/98101/")
    rows = response.context["tier_rows"]
    assert [(a.year, a.tier, a.criteria_met, a.n_criteria) for a in rows] == [
        (2027, "advanced", 1, 2)
    ]
    body = response.content.decode()
    assert f'<a href="{ADVANCED}">' in body
    assert [r["assessment"].year for r in response.context["years"]] == [2027]  # standard only


def test_a_certified_commune_is_offered_the_tiers_that_have_a_set(client, world, advanced_set):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    login(client, world.province_staff)
    assert client.get("/communes/98101/").context["tier_offers"] == []  # not certified
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 6, 1))
    offers = client.get("/communes/98101/").context["tier_offers"]
    # Advanced (the test set) and the modern pilot; no model set covers 2027.
    assert [(o["url"], o["year"]) for o in offers] == [
        (ADVANCED, 2027),
        ("/communes/98101/2027/hien-dai/", 2027),
    ]
    body = client.get("/communes/98101/").content.decode()
    assert "Nhập đánh giá Xã nông thôn mới nâng cao năm 2027" in body
    # After an advanced assessment of 2027 the next one offered is 2028.
    client.post(ADVANCED, post_flags(advanced_set, 0, met=1))
    offers = client.get("/communes/98101/").context["tier_offers"]
    assert offers[0]["url"] == "/communes/98101/2028/nang-cao/"
    # A district official reads only: nothing offered.
    login(client, world.official_a)
    assert client.get("/communes/98101/").context["tier_offers"] == []


def test_the_empty_pilot_set_is_said_to_be_empty(client, world):
    """As loaded, the modern pilot has no criteria (its content is not known, §16.8)."""
    login(client, world.province_staff)
    page = client.get("/communes/98101/2027/hien-dai/")
    assert page.status_code == 200 and page.context["n_criteria"] == 0
    assert 'id="empty-set"' in page.content.decode()
    give_the_modern_set_criteria()
    assert 'id="empty-set"' not in client.get("/communes/98101/2027/hien-dai/").content.decode()
