import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_province_staff_see_the_province_headline(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME, {"year": 2017})
    assert response.status_code == 200
    body = response.content.decode()
    assert '"certified">36/207<' in body
    assert '"average">8,65<' in body
    assert "Lạng Sơn" in body


def test_it_defaults_to_the_latest_year_with_data(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME)
    # The demo's illustrative 2026 baseline (51/2025/QĐ-TTg) is the latest.
    assert response.context["year"] == 2026
    assert response.context["years"] == [2026, 2018, 2017, 2016]
    assert '"certified">0/61<' in response.content.decode()


def test_district_official_sees_the_district_headline(client, django_user_model):
    from reports.figures import headline

    login(client, django_user_model, "district")
    response = client.get(HOME, {"year": 2017})
    expected = headline(2017, communes=Commune.objects.filter(district__code="187"))
    assert response.context["headline"] == expected
    assert expected.communes == 19
    assert f'"certified">{expected.certified}/19<' in response.content.decode()
    assert "Chi Lăng" in response.content.decode()


def test_admin_sees_every_province(client, django_user_model):
    login(client, django_user_model, "admin")
    response = client.get(HOME, {"year": 2017})
    assert response.context["headline"].communes >= 207


def test_english_uses_a_decimal_point(client, django_user_model):
    login(client, django_user_model, "province")
    client.cookies["django_language"] = "en"
    response = client.get(HOME, {"year": 2017})
    assert '"average">8.65<' in response.content.decode()


def test_a_user_without_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-y-z-123456")
    client.force_login(user)
    assert client.get(HOME).status_code == 403


def test_a_bad_year_is_not_found(client, django_user_model):
    login(client, django_user_model, "province")
    assert client.get(HOME, {"year": "abc"}).status_code == 404


def test_login_page_is_styled_and_works(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "bootstrap-5.3.8/bootstrap.min.css" in response.content.decode()
    response = client.post(reverse("login"), {"username": "province", "password": "demo12345"})
    assert response.status_code == 302 and response["Location"] == HOME


def test_logout_is_a_post(client, django_user_model):
    login(client, django_user_model, "province")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME, {"year": 2017}, headers={"accept-language": "en-US,en;q=0.9"})
    assert '"average">8,65<' in response.content.decode()


def test_home_links_the_reports_of_the_users_scope(client, django_user_model):
    login(client, django_user_model, "province")
    body = client.get(HOME, {"year": 2017}).content.decode()
    assert 'href="/reports/province/20/2017/"' in body
    assert 'href="/reports/province/20/2017.pdf"' in body
    assert 'href="/reports/province/20/2017.xlsx"' in body
    login(client, django_user_model, "district")
    body = client.get(HOME, {"year": 2017}).content.decode()
    assert 'href="/reports/district/187/2017.pdf"' in body
    assert "/reports/province/" not in body


def test_admin_gets_the_national_report_links(client, django_user_model):
    login(client, django_user_model, "admin")
    response = client.get(HOME, {"year": 2017})
    body = response.content.decode()
    assert response.context["report_links"] == [
        {
            "label": "Toàn quốc",
            "html": "/reports/national/2017/",
            "pdf": "/reports/national/2017.pdf",
            "xlsx": "/reports/national/2017.xlsx",
        }
    ]
    assert 'href="/reports/national/2017/"' in body
    assert 'href="/reports/national/2017.xlsx"' in body


def test_the_home_page_runs_a_fixed_number_of_queries(client, django_user_model):
    """Session, user and membership, the years and the headline, the work queue (five lists;
    the working year is after 01/07/2025, so its table is by commune group and reads the
    groups' names too), the plan of the year and the report links: the same count whatever
    the number of communes."""
    login(client, django_user_model, "province")
    client.get(HOME)  # warm the content-type and permission caches
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME, {"year": 2017})
    assert len(queries) == 15, [q["sql"][:80] for q in queries]
