"""Login throttling sees the client's address behind the proxy, and only there."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The values ntm/settings.py takes with DJANGO_BEHIND_PROXY=1 (tests/test_settings.py).
BEHIND_PROXY = {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")}


def attempt(forwarded_for: str, password: str) -> int:
    # Every request reaches the app from the proxy on 127.0.0.1 (the test client's address).
    client = Client(headers={"x-forwarded-for": forwarded_for})
    response = client.post(reverse("login"), {"username": "province", "password": password})
    return response.status_code


def test_behind_the_proxy_a_locked_address_does_not_lock_the_account_for_others(settings):
    for name, value in BEHIND_PROXY.items():
        setattr(settings, name, value)
    settings.AXES_FAILURE_LIMIT = 3
    assert [attempt("198.51.100.7", "wrong") for _ in range(3)] == [200, 200, 429]
    assert attempt("198.51.100.7", "demo12345") == 429
    # Entries the client adds before the proxy's own cannot move it out of the lock.
    assert attempt("203.0.113.9, 198.51.100.7", "demo12345") == 429
    # Another client logs in to the same account.
    assert attempt("203.0.113.9", "demo12345") == 302


def test_without_the_proxy_setting_x_forwarded_for_is_ignored(settings):
    assert settings.AXES_IPWARE_META_PRECEDENCE_ORDER == ("REMOTE_ADDR",)
    settings.AXES_FAILURE_LIMIT = 3
    assert [attempt("198.51.100.7", "wrong") for _ in range(3)] == [200, 200, 429]
    # A forged header does not escape the lock of the real address.
    assert attempt("203.0.113.9", "demo12345") == 429
