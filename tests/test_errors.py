from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


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
    with mock.patch("reports.views.figures.headline", side_effect=OperationalError("down")):
        response = client.get(reverse("reports:home"), {"year": 2017})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "tạm thời gián đoạn" in body and "down" not in body


def test_other_errors_answer_a_plain_500(django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.get(username="province"))
    with mock.patch("reports.views.figures.headline", side_effect=ValueError("secret detail")):
        response = client.get(reverse("reports:home"), {"year": 2017})
    assert response.status_code == 500
    assert "secret detail" not in response.content.decode()
