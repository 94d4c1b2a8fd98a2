import pytest
from django.urls import reverse

from communes.models import Commune
from reports.figures import headline
from tests.reports.conftest import login, without_csrf

pytestmark = pytest.mark.django_db

URL = reverse("reports:district_report", args=["187", 2017])


def test_the_urls_are_stable():
    assert URL == "/reports/district/187/2017/"
    assert (
        reverse("reports:district_report_pdf", args=["187", 2017])
        == "/reports/district/187/2017.pdf"
    )
    assert (
        reverse("reports:district_report_xlsx", args=["187", 2017])
        == "/reports/district/187/2017.xlsx"
    )


def test_district_official_sees_their_district(client, django_user_model):
    login(client, django_user_model, "district")
    response = client.get(URL)
    assert response.status_code == 200
    expected = headline(2017, communes=Commune.objects.filter(district__code="187"))
    figures = response.context["figures"]
    assert figures.headline == expected
    assert figures.areas == []  # no per-district table in a district report
    body = response.content.decode()
    assert f'"certified">{expected.certified}/19<' in body
    assert "Huyện Chi Lăng" in body
    assert len(figures.communes) == 19


def test_district_official_cannot_see_another_district(client, report_world):
    client.force_login(report_world.official_a)
    for name in ("district_report", "district_report_pdf", "district_report_xlsx"):
        url = reverse(f"reports:{name}", args=[report_world.district_b.code, 2027])
        assert client.get(url).status_code == 404
    url = reverse("reports:district_report", args=[report_world.district_a.code, 2027])
    assert client.get(url).status_code == 200


def test_province_staff_see_their_districts_only(client, report_world):
    client.force_login(report_world.province_staff)
    ok = reverse("reports:district_report", args=[report_world.district_b.code, 2027])
    assert client.get(ok).status_code == 200
    other = reverse("reports:district_report", args=["971", 2027])
    assert client.get(other).status_code == 404


def test_district_report_shows_carried_forward_and_not_assessed(client, report_world):
    client.force_login(report_world.official_a)
    url = reverse("reports:district_report", args=[report_world.district_a.code, 2027])
    body = client.get(url).content.decode()
    assert "1 xã chưa có đánh giá năm nay" in body
    assert "3*" in body  # A2's carried-forward result in the annex
    client.force_login(report_world.official_b)
    url = reverse("reports:district_report", args=[report_world.district_b.code, 2027])
    assert "Chưa đánh giá" in client.get(url).content.decode()


def test_query_count_is_fixed(client, django_user_model, django_assert_num_queries):
    login(client, django_user_model, "district")
    # session, user, membership + district + province, the district, its data version; then
    # 10 for the figures; the year's plans (1); the certified communes that ended since the
    # year before and the lineage of the units formed since (issue 12), one query each;
    # what the counted results rest on (1); the recognitions of the year decided later and the
    # units in scope by kind (issue 13), one query each.
    with django_assert_num_queries(26):
        response = client.get(URL)
    assert response.status_code == 200
    # Unchanged data: the access check, the version, the cached body (and, on the province
    # page, the practices query): nothing computed.
    with django_assert_num_queries(7):
        again = client.get(URL)
    assert without_csrf(again.content) == without_csrf(response.content)
