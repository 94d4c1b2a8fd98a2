"""Pages after 01/07/2025 on the demo: the new units have no district (issue 12)."""

import pytest

from communes.models import Commune
from criteria.lineage import lineage_profile
from criteria.models import Certification

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    return client


def test_province_staff_see_the_65_units_for_2026(province_client):
    response = province_client.get("/communes/", {"year": 2026})
    assert response.status_code == 200
    # The list shows programme units: the 61 new xã, not the 4 wards.
    assert response.context["page"].paginator.count == 61


@pytest.mark.parametrize("year", [2025, 2026])
def test_reports_after_the_reform_do_not_fail(province_client, year):
    response = province_client.get(f"/reports/province/20/{year}/")
    assert response.status_code == 200
    figures = response.context["figures"]
    # No table by district: the units are grouped by former district (issue 12).
    assert figures.grouping.kind == "former_district"
    assert sum(a.headline.communes for a in figures.areas) == figures.headline.communes == 61


def test_home_page_for_2026_does_not_fail(province_client):
    assert province_client.get("/", {"year": 2026}).status_code == 200


def test_the_2017_figures_stay(province_client):
    figures = province_client.get("/reports/province/20/2017/").context["figures"]
    assert (figures.headline.communes, figures.headline.certified) == (207, 36)
    assert len(figures.areas) == 11


def test_a_new_commune_page_shows_where_it_came_from(province_client):
    bang_mac = Commune.objects.with_code("06475", 2026).get()
    response = province_client.get(bang_mac.get_absolute_url())
    assert response.status_code == 200
    assert response.context["commune"] == bang_mac
    page = response.content.decode()
    gia_loc = Commune.objects.with_code("06475", 2024).get()
    assert gia_loc.get_dated_url() == "/communes/06475/?year=2024"
    assert f'href="{gia_loc.get_dated_url()}"' in page  # formed from, linked to its time
    old_page = province_client.get(gia_loc.get_dated_url())
    assert old_page.context["commune"] == gia_loc
    assert f'href="{bang_mac.get_dated_url()}"' in old_page.content.decode()  # now part of


def test_lineage_profile_counts_certified_predecessors():
    dinh_lap = Commune.objects.with_code("06613", 2026).get()  # took part of Bính Xá
    profile = lineage_profile(dinh_lap)
    by_name = {r.commune.name: r for r in profile.rows}
    # Bính Xá: certified NTM in 2018 (2165/QĐ-UBND), still in force on 30/06/2025.
    assert by_name["Bính Xá"].tier == Certification.Tier.NTM
    assert by_name["Bính Xá"].succession.is_partial
    assert profile.certified == sum(1 for r in profile.rows if r.tier)
    assert profile.certified >= 1
    assert profile.population is None  # a partial transfer: no sum
    # The new commune itself inherits nothing.
    assert not dinh_lap.certifications.exists()
