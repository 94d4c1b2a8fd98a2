"""One date format (dd/mm/yyyy) and thousands separators ("1.790" in Vietnamese, "1,790" in
English) on the main pages, with years, codes and ids never grouped (ntm/formats)."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from communes.models import Commune

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME
# A year printed with a separator: "2.017", "2,019" (and "2.017" inside a URL or an attribute).
GROUPED_YEAR = re.compile(r"(?<![\d.,])20[.,]\d{2}\d(?![\d.,])|(?<![\d.,])2[.,]0[12]\d(?!\d)")
MAIN_PAGES = [
    reverse("home") + "?year=2017",
    reverse("pages:commune_list") + "?year=2017",
    reverse("pages:commune_detail", args=["06622"]),
    reverse("pages:assessment_edit", args=["06622", 2017]),
    reverse("reports:province_report", args=["20", 2017]),
    reverse("reports:district_report", args=["187", 2017]),
    reverse("practices:practice_list"),
    reverse("practices:practice_list") + "?year=2018",
    reverse("imports:import_upload"),
]


@pytest.fixture
def province_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    return client


def html(client, url: str, language: str = "vi") -> str:
    client.cookies[COOKIE] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_vietnamese_home_groups_thousands_with_a_dot(province_client):
    assert "1.790 tiêu chí đạt" in html(province_client, MAIN_PAGES[0])


def test_the_english_home_groups_thousands_with_a_comma(province_client):
    assert "1,790 criteria met" in html(province_client, MAIN_PAGES[0], "en")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_commune_page_writes_dates_dd_mm_yyyy(province_client, language):
    dissolved = Commune.objects.filter(
        province__code="20", valid_to=datetime.date(2019, 12, 31)
    ).first()
    page = html(province_client, dissolved.get_dated_url(), language)
    assert "31/12/2019" in page
    assert "31-12-2019" not in page


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("url", MAIN_PAGES)
def test_no_year_gets_a_thousands_separator(province_client, url, language):
    page = html(province_client, url, language)
    assert GROUPED_YEAR.findall(page) == []
