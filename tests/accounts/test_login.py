import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def attempt(client, password):
    return client.post(reverse("login"), {"username": "province", "password": password})


def test_repeated_failures_lock_the_account_from_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        response = attempt(client, "wrong")
        assert response.status_code == 200
        assert response.context["form"].errors
    response = attempt(client, "wrong")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    # Even the right password is refused while locked.
    assert attempt(client, "demo12345").status_code == 429


def test_a_success_resets_the_failure_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "demo12345").status_code == 302
    client.post(reverse("logout"))
    assert attempt(client, "wrong").status_code == 200


def test_sessions_expire(settings):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_COOKIE_HTTPONLY
