import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from criteria.models import Assessment
from practices.learning import practices_for_commune, practices_for_missed_criteria
from tests.base import make_assessment
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db


def render(commune, year):
    """The commune page's and the assessment form's block, as their views fill it."""
    return render_to_string(
        "practices/includes/learn_from.html", {"practices": practices_for_commune(commune, year)}
    )


@pytest.fixture
def setup(world):
    w = world
    crit3 = w.cset.criteria.get(number=3)
    practice = make_practice(w.province, "Học tiêu chí ba", criteria=[crit3], year=2026)
    make_practice(w.province, "Chưa công bố", criteria=[crit3], status="draft")
    make_practice(w.other_province, "Của tỉnh khác", criteria=[crit3])
    make_assessment(w.commune_a1, 2026, w.cset, met=2)  # misses criterion 3
    make_assessment(w.commune_a2, 2026, w.cset, met=3)  # meets all three
    return practice


def test_links_appear_for_a_commune_that_misses_the_criterion(world, setup):
    html = render(world.commune_a1, 2026)
    assert setup.get_absolute_url() in html and "Học tiêu chí ba" in html
    assert "tiêu chí 3" in html
    assert "Chưa công bố" not in html and "Của tỉnh khác" not in html


def test_no_links_for_a_commune_that_meets_it(world, setup):
    html = render(world.commune_a2, 2026)
    assert "Học tiêu chí ba" not in html and html.strip() == ""


def test_it_uses_the_latest_approved_assessment_up_to_the_year(world, setup):
    # A later submitted (not approved) assessment meeting everything does not count...
    make_assessment(world.commune_a1, 2027, world.cset, met=3, status=Assessment.Status.SUBMITTED)
    assert "Học tiêu chí ba" in render(world.commune_a1, 2027)
    # ...an approved one does.
    Assessment.objects.filter(commune=world.commune_a1, year=2027).update(status="approved")
    assert "Học tiêu chí ba" not in render(world.commune_a1, 2027)


def test_a_commune_never_assessed_gets_no_links(world, setup):
    assert render(world.commune_b1, 2026).strip() == ""


def test_a_practice_from_a_later_year_is_not_offered(world, setup):
    make_practice(
        world.province, "Năm sau", criteria=[world.cset.criteria.get(number=3)], year=2027
    )
    titles = [p.title for p in practices_for_commune(world.commune_a1, 2026)]
    assert titles == ["Học tiêu chí ba"]


def test_it_takes_two_queries(world, setup, django_assert_num_queries):
    commune = type(world.commune_a1).objects.get(pk=world.commune_a1.pk)
    with django_assert_num_queries(2):
        render(commune, 2026)


def test_practices_for_missed_criteria_ranks_the_most_missed(
    world, setup, django_assert_num_queries
):
    w = world
    crit1 = w.cset.criteria.get(number=1)
    make_practice(w.province, "Học tiêu chí một", criteria=[crit1])
    make_assessment(w.commune_b1, 2026, w.cset, met=0)  # misses 1, 2, 3
    with django_assert_num_queries(3):
        rows = practices_for_missed_criteria(w.province, 2026, limit=5)
    # criterion 3: a1 and b1 miss it; criterion 1: only b1; criterion 2 has no practice.
    assert [(r.criterion.number, r.communes_missing) for r in rows] == [(3, 2), (1, 1)]
    assert [p.title for p in rows[0].practices] == ["Học tiêu chí ba"]
    assert practices_for_missed_criteria(w.province, 2026, limit=1)[0].criterion.number == 3
    assert practices_for_missed_criteria(w.other_province, 2026) == []


def test_the_report_block_renders_the_table(world, setup):
    html = render_to_string(
        "practices/includes/missed_criteria.html",
        {"rows": practices_for_missed_criteria(world.province, 2026)},
    )
    assert "Học tiêu chí ba" in html and "Số xã chưa đạt" in html


def test_demo_communes_get_links_to_the_examples():
    from communes.models import Commune

    langson = Commune.objects.filter(district__province__code="20").select_related("district")
    # Criterion 17 (environment) is among the hardest in the demo: someone misses it in 2018.
    linked = {p.title for c in langson[:40] for p in practices_for_commune(c, 2018)}
    assert any("Ví dụ minh họa" in t for t in linked)


def test_a_commune_without_a_district_gets_its_provinces_practices(world, setup):
    # Since 01/07/2025 communes sit directly under their province.
    type(world.commune_a1).objects.filter(pk=world.commune_a1.pk).update(district=None)
    commune = type(world.commune_a1).objects.get(pk=world.commune_a1.pk)
    assert [p.title for p in practices_for_commune(commune, 2026)] == ["Học tiêu chí ba"]


def test_the_commune_page_and_the_assessment_form_are_given_the_practices(client, world, setup):
    client.force_login(world.province_staff)
    code = world.commune_a1.code
    for url in (
        reverse("pages:commune_detail", args=[code]),
        reverse("pages:assessment_edit", args=[code, 2026]),
    ):
        response = client.get(url)
        assert [p.title for p in response.context["learn_from"]] == ["Học tiêu chí ba"]
        assert setup.get_absolute_url() in response.content.decode()
