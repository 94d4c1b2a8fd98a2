from unittest import mock

import pytest
from django.contrib.auth.decorators import login_not_required
from django.db import DataError, IntegrityError, OperationalError
from django.test import Client
from django.urls import path, reverse

from criteria.models import Assessment
from ntm.lib.errors import server_error

pytestmark = pytest.mark.django_db


@login_not_required
def locked_view(request):
    raise OperationalError("database is locked")


@login_not_required
def broken_view(request):
    raise OperationalError("server closed the connection unexpectedly")


@login_not_required
def refused_value_view(request):
    raise DataError("integer out of range")


@login_not_required
def lost_race_view(request):
    raise IntegrityError("duplicate key value violates unique constraint")


# The URLs of the tests marked `@pytest.mark.urls(__name__)`.
urlpatterns = [
    path("locked/", locked_view),
    path("broken/", broken_view),
    path("refused/", refused_value_view),
    path("race/", lost_race_view),
]
handler500 = "ntm.lib.errors.server_error"


def test_not_found_page_is_styled_and_leaks_nothing(client, django_user_model, settings):
    settings.DEBUG = False
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get("/communes/does-not-exist/nothing/here/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Không tìm thấy trang" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_database_outage_answers_503(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    with mock.patch("reports.figures.headline", side_effect=OperationalError("down")):
        response = client.get(reverse("home"), {"year": 2017})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "tạm thời gián đoạn" in body and "down" not in body


def test_other_errors_answer_a_plain_500(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    with mock.patch("reports.figures.headline", side_effect=ValueError("secret detail")):
        response = client.get(reverse("home"), {"year": 2017})
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
def test_a_write_that_lost_the_sqlite_lock_answers_503_and_says_nothing_was_saved(settings, debug):
    settings.DEBUG = debug  # the middleware answers even where handler500 is not used
    response = Client(raise_request_exception=False).post("/locked/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "thay đổi của bạn chưa được lưu" in body and "database is locked" not in body


@pytest.mark.urls(__name__)
def test_other_operational_errors_still_get_the_outage_page():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "tạm thời gián đoạn" in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    ("url", "status", "text"),
    [("/refused/", 400, "không hợp lệ"), ("/race/", 409, "người khác")],
)
def test_a_refused_value_is_400_and_a_lost_race_409_not_an_outage(
    settings, debug, url, status, text
):
    """N8: these answered "503, database unavailable"."""
    settings.DEBUG = debug
    response = Client(raise_request_exception=False).post(url)
    assert response.status_code == status
    body = response.content.decode()
    assert text in body and "duplicate key" not in body and "out of range" not in body


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/communes/", {"q": "Chi\x00Lăng"}),
        ("get", "/communes/", {"q\x00": "x"}),
        ("post", "/communes/06475/2026/", {"note": "a\x00b"}),
    ],
)
def test_a_nul_byte_anywhere_in_the_input_is_400_and_nothing_runs(
    django_user_model, method, url, data
):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    ran = AssertionError("the view ran")
    with (
        mock.patch("pages.communes.render", side_effect=ran),
        mock.patch("pages.assessments.render", side_effect=ran),
    ):
        response = getattr(client, method)(url, data)
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


def test_an_id_past_the_integer_range_is_not_found(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    assert client.get("/dossiers/99999999999999999999999/").status_code == 404
    assert client.get("/practices/99999999999999999999999/").status_code == 404


def test_a_lost_lock_outside_a_view_gets_the_busy_page_from_handler500(rf):
    try:
        raise OperationalError("database is locked")
    except OperationalError:
        response = server_error(rf.get("/"))
    assert (response.status_code, response["Retry-After"]) == (503, "5")


# --- Malformed input answers 404 (or 400), never 500 -----------------------------------------

MALFORMED = [
    ("get", "/?year=%C2%B2"),  # "²" passes str.isdigit(), int() refuses it
    ("get", "/?year=%D9%A2%D9%A0%D9%A1%D9%A7"),  # Arabic-Indic "٢٠١٧"
    ("get", "/?year=1989"),
    ("get", "/communes/?year=²"),
    ("get", "/communes/06466/?year=²"),
    ("get", "/practices/?category=²"),
    ("get", "/practices/?criterion=²"),
    ("get", "/practices/?year=10000"),
    ("get", "/communes/06466/0/"),
    ("get", "/communes/06466/10000/"),
    ("get", "/communes/06466/２０１７/"),  # full-width digits
    ("post", "/communes/06466/10000/submit/"),
    ("get", "/reports/province/20/0.pdf"),
    ("get", "/reports/national/99999/"),
    ("get", "/practices/compendium/20/2101.pdf"),
]


@pytest.mark.parametrize(("method", "url"), MALFORMED)
def test_malformed_years_and_ids_are_not_found(django_user_model, method, url):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    response = getattr(client, method)(url)
    assert response.status_code == 404, url


def test_an_export_of_years_without_criteria_set_is_refused_with_a_message(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    # The programme's first set took effect in 2011: 2000-2009 has none.
    response = client.get("/imports/export.xlsx?province=20&first=2000&last=2009")
    assert response.status_code == 400
    assert "Không có bộ tiêu chí nào áp dụng cho các năm 2000–2009" in response.content.decode()


def test_the_export_reported_as_a_500_now_answers(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    response = client.get("/imports/export.xlsx?province=20&first=2000&last=2014")
    assert response.status_code in (200, 400)


def test_well_formed_years_still_resolve(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    assert reverse("pages:assessment_edit", args=["06466", 2017]) == "/communes/06466/2017/"
    assert client.get("/communes/", {"year": "2017"}).context["year"] == 2017
    assessed = Assessment.objects.filter(year=2017).select_related("commune").first().commune
    assert client.get(f"/communes/{assessed.code}/2017/").status_code == 200
